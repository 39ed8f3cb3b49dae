/**
 * The relay's approval gate: one call at the start of every relayed call, stream and terminal. It lets a call
 * through when the policy does not ask for approval, or when it is the approved call itself (performed by the
 * approvals service, carrying a one-time ticket no browser can forge), or a terminal the requester may open once.
 * Everything else that needs approval is refused with `approval-required`.
 */
import { methodOf, streamOf } from '../../../modules/kernel/contract.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { ApprovalStamp } from '../../../modules/kernel/approvals.js';
import { findContract } from '../../../modules/registry.js';
import { paramsDigest, type AuditTrail } from '../audit.js';
import type { HostDirectory, HostView } from '../hosts.js';
import type { Caller } from '../relay.js';
import { approvalNeeded, type ApprovalsConfig } from './policy.js';
import type { ApprovalStore } from './store.js';

/** What the relay calls; see relay.ts. */
export interface ApprovalGate {
  /** Resolves when the call may go ahead; throws `approval-required` (or `forbidden`) when it may not. */
  gate(caller: Caller, hostId: string, action: string, params: unknown): Promise<void>;
}

/** Whether a Modbus tag's write rule asks for a second person (from the site's device profile of that gateway). */
export type TagApprovalLookup = (hostId: string, tag: string) => Promise<boolean>;

/** An approved request being performed: bound to one Caller object, used once. */
interface Ticket {
  requestId: number;
  hostId: string;
  action: string;
  paramsDigest: string;
  approver: string;
  used: boolean;
}

export class RelayApprovalGate implements ApprovalGate {
  readonly #config: ApprovalsConfig;
  readonly #store: ApprovalStore;
  readonly #hosts: HostDirectory;
  readonly #audit: AuditTrail;
  readonly #tagNeedsApproval: TagApprovalLookup;
  readonly #now: () => number;
  /** Keyed by the Caller object the service made for the performance: only that object carries the approval. */
  readonly #tickets = new WeakMap<Caller, Ticket>();

  constructor(options: { config: ApprovalsConfig; store: ApprovalStore; hosts: HostDirectory; audit: AuditTrail; tagNeedsApproval: TagApprovalLookup; now?: () => number }) {
    this.#config = options.config;
    this.#store = options.store;
    this.#hosts = options.hosts;
    this.#audit = options.audit;
    this.#tagNeedsApproval = options.tagNeedsApproval;
    this.#now = options.now ?? Date.now;
  }

  /** Give `caller` (a fresh object) the right to make exactly this call once. */
  issueTicket(caller: Caller, ticket: Omit<Ticket, 'used'>): void {
    this.#tickets.set(caller, { ...ticket, used: false });
  }

  /** Whether a call needs approval, and its time limit; the approvals service asks the same when a request is made. */
  async needs(hostId: string, action: string, params: unknown, host?: HostView): Promise<{ timeLimitMinutes: number } | undefined> {
    const [module = '', method = ''] = action.split('.');
    const contract = findContract(module);
    const spec = contract ? (methodOf(contract, method) ?? streamOf(contract, method)) : undefined;
    if (!spec) return undefined;
    const p = (params ?? {}) as Record<string, unknown>;
    const target = host ?? (await this.#hosts.get(hostId));
    let unixUser: string | undefined;
    if (action === 'terminal.session') {
      // Re-attaching to one's own running shell is not a new terminal: it was let through when it opened.
      if (p.sessionId !== undefined) return undefined;
      unixUser = target.connection === 'ssh' ? target.ssh?.username : typeof p.unixUser === 'string' ? p.unixUser : 'root';
    }
    const tagNeedsApproval = action === 'modbus.write' && typeof p.tag === 'string' ? await this.#tagNeedsApproval(hostId, p.tag) : undefined;
    return approvalNeeded(this.#config, { action, permission: spec.permission, hostTags: target.tags, unixUser, tagNeedsApproval });
  }

  async gate(caller: Caller, hostId: string, action: string, params: unknown): Promise<void> {
    const ticket = this.#tickets.get(caller);
    if (ticket) return this.#admitTicket(caller, ticket, hostId, action, params);
    if (action === 'modbus.write' && typeof params === 'object' && params !== null && 'approval' in params && (params as { approval?: unknown }).approval !== undefined) {
      throw new GatehouseError('forbidden', 'an approval is attached by the console when it performs an approved request; it cannot be sent with a write', { host: hostId, action });
    }
    const host = await this.#hosts.get(hostId);
    const needed = await this.needs(hostId, action, params, host);
    if (!needed) return;
    if (action === 'terminal.session' && (await this.#useTerminalGrant(caller, host, params))) return;
    const message = `${action} on ${host.name} needs a second person: request approval with a reason; someone allowed to do it must approve within ${needed.timeLimitMinutes} minutes`;
    await this.#audit.record({ user: caller.user.username, address: caller.address, hostId, hostName: host.name, action, phase: 'event', result: 'approval-required', paramsDigest: paramsDigest(params) });
    throw new GatehouseError('approval-required', message, { host: hostId, action, timeLimitMinutes: needed.timeLimitMinutes });
  }

  async #admitTicket(caller: Caller, ticket: Ticket, hostId: string, action: string, params: unknown): Promise<void> {
    // The approval is for one call, exactly as requested: not another host, action or params, and not twice.
    const { approval: _stamp, ...rest } = (params ?? {}) as Record<string, unknown> & { approval?: ApprovalStamp };
    if (ticket.used || ticket.hostId !== hostId || ticket.action !== action || paramsDigest(rest) !== ticket.paramsDigest) {
      throw new GatehouseError('forbidden', `approval request ${ticket.requestId} does not cover this call`, { host: hostId, action });
    }
    ticket.used = true;
    const host = await this.#hosts.get(hostId).catch(() => undefined);
    await this.#audit.record({
      user: caller.user.username,
      address: caller.address,
      hostId,
      hostName: host?.name ?? null,
      action,
      phase: 'event',
      result: 'ok',
      paramsDigest: ticket.paramsDigest,
      detail: `approved by ${ticket.approver} (request ${ticket.requestId})`,
    });
  }

  /** A terminal approval lets its requester open one terminal (as the approved Unix user) before it runs out. */
  async #useTerminalGrant(caller: Caller, host: HostView, params: unknown): Promise<boolean> {
    const p = (params ?? {}) as { unixUser?: string };
    const unixUser = host.connection === 'ssh' ? host.ssh?.username : (p.unixUser ?? 'root');
    const now = new Date(this.#now()).toISOString();
    for (const grant of await this.#store.terminalGrants(caller.user.username, host.id, now)) {
      const granted = host.connection === 'ssh' ? host.ssh?.username : ((grant.params.unixUser as string | undefined) ?? 'root');
      if (granted !== unixUser) continue;
      if (!(await this.#store.transition(grant.id, 'approved', 'performed'))) continue;
      await this.#store.setOutcome(grant.id, { result: `terminal opened as ${unixUser ?? '?'}` });
      await this.#audit.record({
        user: caller.user.username,
        address: caller.address,
        hostId: host.id,
        hostName: host.name,
        action: 'terminal.session',
        phase: 'event',
        result: 'ok',
        paramsDigest: grant.paramsDigest,
        detail: `approved by ${grant.decidedBy ?? '?'} (request ${grant.id})`,
      });
      return true;
    }
    return false;
  }
}
