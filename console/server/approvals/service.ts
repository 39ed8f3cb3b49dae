/**
 * Four eyes for dangerous actions (docs/api.md "Approvals"): a requester asks, with a reason, for one call
 * exactly as it will be made; someone else who may make it approves or rejects within the time limit; on
 * approval the console performs it as the requester, once, and stores how it ended. Every step is audited
 * and published so the Approvals page updates.
 */
import { EventEmitter } from 'node:events';
import { methodOf, streamOf, type MethodSpec, type ModuleContract, type StreamSpec } from '../../../modules/kernel/contract.js';
import { GatehouseError, problemFromSystemError } from '../../../modules/kernel/errors.js';
import type { ApprovalRequest, ApprovalState, ApprovalView } from '../../../modules/kernel/approvals.js';
import { findContract } from '../../../modules/registry.js';
import { paramsDigest, type AuditTrail } from '../audit.js';
import type { ConsoleEvents } from '../events.js';
import type { HostDirectory } from '../hosts.js';
import { log } from '../log.js';
import type { Caller, Relay } from '../relay.js';
import type { Storage, UserRecord } from '../storage/types.js';
import type { Access, Place } from '../access/access.js';
import type { RelayApprovalGate } from './gate.js';
import { mayApprove } from './may-approve.js';
import { performApproved } from './perform.js';
import type { ApprovalStore } from './store.js';

/** Who acts on a request, from their session. */
export interface Actor {
  user: UserRecord;
  address: string | null;
  access: Access;
}

interface Target {
  contract: ModuleContract;
  spec: MethodSpec | StreamSpec;
  kind: 'method' | 'stream';
  module: string;
  name: string;
}

/** Param names that hold secrets (user.setPassword's `password`), never stored in a request. */
const secretParam = /password|passphrase|secret|token|privateKey/i;

/** How often requests whose time ran out are marked expired (and audited) without anyone looking. */
const sweepMs = 30_000;

export class ApprovalService extends EventEmitter<{ changed: [ApprovalView] }> {
  readonly #store: ApprovalStore;
  readonly #gate: RelayApprovalGate;
  readonly #relay: () => Relay;
  readonly #hosts: HostDirectory;
  readonly #audit: AuditTrail;
  readonly #storage: Storage;
  readonly #accessOf: (user: UserRecord) => Promise<Access>;
  readonly #placeOf: (hostId: string) => Place;
  readonly #events: ConsoleEvents | undefined;
  readonly #now: () => number;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(options: {
    store: ApprovalStore;
    gate: RelayApprovalGate;
    /** The relay that performs approved calls (built after the gate it carries, hence a function). */
    relay: () => Relay;
    hosts: HostDirectory;
    audit: AuditTrail;
    storage: Storage;
    /** A person's grants, for performing as the requester (access/service.ts `of`). */
    accessOf: (user: UserRecord) => Promise<Access>;
    /** Where a host is, for grants on sites and host groups (access/service.ts `hostPlace`). */
    placeOf: (hostId: string) => Place;
    events?: ConsoleEvents;
    now?: () => number;
  }) {
    super();
    this.#store = options.store;
    this.#gate = options.gate;
    this.#relay = options.relay;
    this.#hosts = options.hosts;
    this.#audit = options.audit;
    this.#storage = options.storage;
    this.#accessOf = options.accessOf;
    this.#placeOf = options.placeOf;
    this.#events = options.events;
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#sweeper = setInterval(() => void this.expireDue().catch((err: unknown) => log.warn('approvals: expiry sweep failed', { message: (err as Error).message })), sweepMs);
    this.#sweeper.unref();
  }

  stop(): void {
    clearInterval(this.#sweeper);
  }

  /** Ask for a call to be approved. Refuses calls the requester may not make or that need no approval. */
  async request(actor: Actor, body: ApprovalRequest): Promise<ApprovalView> {
    const target = targetOf(body.action);
    if ('approval' in body.params) throw new GatehouseError('invalid-params', 'params.approval: the console attaches the approval itself');
    // Requests are kept and shown verbatim to approvers: a call carrying a secret (a password) cannot wait in them.
    const secret = Object.keys(body.params).find((key) => secretParam.test(key));
    if (secret !== undefined) throw new GatehouseError('not-supported', `params.${secret}: a call carrying a secret cannot be held for approval`);
    const parsed = target.spec.params.safeParse(body.params);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `params.${issue?.path.join('.') || ''}: ${issue?.message ?? 'invalid'}`);
    }
    const host = await this.#hosts.get(body.hostId);
    // The call runs as the requester: asking for what one may not do oneself would only be refused later.
    if (!mayApprove(actor.access, this.#placeOf(host.id), target.spec.permission)) {
      throw new GatehouseError('forbidden', `your grants on ${host.name} do not allow ${target.spec.permission}`);
    }
    const needed = await this.#gate.needs(host.id, body.action, parsed.data, host);
    if (!needed) throw new GatehouseError('invalid-params', `${body.action} on ${host.name} with these params needs no approval: do it directly`);
    const now = this.#now();
    const view = await this.#store.create({
      hostId: host.id,
      hostName: host.name,
      action: body.action,
      params: body.params,
      paramsDigest: paramsDigest(parsed.data),
      reason: body.reason,
      requester: actor.user.username,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + needed.timeLimitMinutes * 60_000).toISOString(),
    });
    await this.#audit.record({
      user: actor.user.username,
      address: actor.address,
      hostId: host.id,
      hostName: host.name,
      action: 'approval.request',
      phase: 'event',
      result: 'ok',
      paramsDigest: view.paramsDigest,
      detail: `request ${view.id}: ${body.action}; reason: ${body.reason}`.slice(0, 1000),
    });
    this.#events?.emit('approval-requested', view);
    this.emit('changed', view);
    return view;
  }

  /** Requests the person may see: their own, and those they could approve. */
  async list(viewer: Actor, filter: { states?: readonly ApprovalState[]; mine?: boolean } = {}): Promise<ApprovalView[]> {
    await this.expireDue();
    const rows = await this.#store.list({ ...(filter.states ? { states: filter.states } : {}), ...(filter.mine ? { requester: viewer.user.username } : {}) });
    return rows.filter((r) => this.maySee(viewer, r));
  }

  async get(viewer: Actor, id: number): Promise<ApprovalView> {
    const found = await this.#store.find(id);
    // Someone else's request they could not approve is "not found": ids do not confirm what exists.
    if (!found || !this.maySee(viewer, found)) throw new GatehouseError('not-found', `no approval request ${id}`);
    return found;
  }

  maySee(viewer: Actor, request: ApprovalView): boolean {
    if (request.requester === viewer.user.username) return true;
    const target = targetOrUndefined(request.action);
    return target !== undefined && mayApprove(viewer.access, this.#placeOf(request.hostId), target.spec.permission);
  }

  /** Approve and perform (a terminal: allow one open). Refuses one's own request, a decided one, an expired one. */
  async approve(actor: Actor, id: number, comment?: string): Promise<ApprovalView> {
    const request = await this.#pending(actor, id, 'approve');
    const target = targetOf(request.action);
    const now = this.#now();
    // A terminal grant runs for its own time window from the approval: the requester needs time to open it.
    const window = Date.parse(request.expiresAt) - Date.parse(request.createdAt);
    const fields = { decidedBy: actor.user.username, decidedAt: new Date(now).toISOString(), comment: comment ?? null, ...(request.action === 'terminal.session' ? { expiresAt: new Date(now + window).toISOString() } : {}) };
    if (!(await this.#store.transition(id, 'pending', 'approved', fields))) throw await this.#notPending(id);
    await this.#audit.record({
      user: actor.user.username,
      address: actor.address,
      hostId: request.hostId,
      hostName: request.hostName,
      action: 'approval.approve',
      phase: 'event',
      result: 'ok',
      paramsDigest: request.paramsDigest,
      detail: `request ${id} by ${request.requester}: ${request.action}${comment ? `; comment: ${comment}` : ''}`.slice(0, 1000),
    });
    const approved = (await this.#store.find(id))!;
    this.emit('changed', approved);
    if (request.action === 'terminal.session') return approved;
    await this.#perform(approved, target, actor);
    const done = (await this.#store.find(id))!;
    this.emit('changed', done);
    return done;
  }

  async reject(actor: Actor, id: number, reason: string): Promise<ApprovalView> {
    const request = await this.#pending(actor, id, 'reject');
    const fields = { decidedBy: actor.user.username, decidedAt: new Date(this.#now()).toISOString(), comment: reason };
    if (!(await this.#store.transition(id, 'pending', 'rejected', fields))) throw await this.#notPending(id);
    await this.#record(actor, request, 'approval.reject', `request ${id} by ${request.requester}: ${request.action}; reason: ${reason}`);
    return this.#changed(id);
  }

  /** The requester withdraws a request still waiting. */
  async cancel(actor: Actor, id: number): Promise<ApprovalView> {
    const request = await this.get(actor, id);
    if (request.requester !== actor.user.username) throw new GatehouseError('forbidden', 'only the person who asked may cancel a request');
    if (!(await this.#store.transition(id, 'pending', 'cancelled', { decidedBy: actor.user.username, decidedAt: new Date(this.#now()).toISOString() }))) {
      throw await this.#notPending(id);
    }
    await this.#record(actor, request, 'approval.cancel', `request ${id}: ${request.action}`);
    return this.#changed(id);
  }

  /** Mark requests whose time ran out as expired, each audited once (the conditional update decides who writes it). */
  async expireDue(): Promise<void> {
    const nowIso = new Date(this.#now()).toISOString();
    for (const request of await this.#store.due(nowIso)) {
      if (!(await this.#store.transition(request.id, request.state, 'expired'))) continue;
      const what = request.state === 'approved' ? 'approved terminal not opened in time' : 'not decided in time';
      await this.#audit.record({ user: 'system', address: null, hostId: request.hostId, hostName: request.hostName, action: 'approval.expire', phase: 'event', result: 'ok', detail: `request ${request.id} by ${request.requester}: ${request.action}; ${what}` });
      await this.#changed(request.id);
    }
  }

  /** A pending request `actor` may decide; expires it on the way when its time is up. */
  async #pending(actor: Actor, id: number, verb: 'approve' | 'reject'): Promise<ApprovalView> {
    const request = await this.get(actor, id);
    if (request.state === 'pending' && Date.parse(request.expiresAt) <= this.#now()) {
      await this.expireDue();
      throw new GatehouseError('conflict', `request ${id} expired at ${request.expiresAt}; ask again`);
    }
    if (request.state !== 'pending') throw new GatehouseError('conflict', `request ${id} is already ${request.state}`);
    if (request.requester === actor.user.username) throw new GatehouseError('forbidden', `a second person must ${verb} request ${id}, not the one who asked`);
    const target = targetOf(request.action);
    if (!mayApprove(actor.access, this.#placeOf(request.hostId), target.spec.permission)) {
      throw new GatehouseError('forbidden', `only someone allowed ${target.spec.permission} on this host may ${verb} it`);
    }
    return request;
  }

  async #notPending(id: number): Promise<GatehouseError> {
    const now = await this.#store.find(id);
    return new GatehouseError('conflict', `request ${id} is already ${now?.state ?? 'gone'}`);
  }

  async #perform(request: ApprovalView, target: Target, approver: Actor): Promise<void> {
    const requester = await this.#storage.findUserByName(request.requester);
    if (!requester || requester.disabled) {
      await this.#store.finish(request.id, 'failed', { error: { code: 'forbidden', message: `the requester ${request.requester} can no longer sign in` } });
      return;
    }
    // A fresh Caller object: the gate's ticket is bound to it, so only this performance carries the approval.
    const caller: Caller = { user: requester, address: approver.address, access: await this.#accessOf(requester) };
    this.#gate.issueTicket(caller, { requestId: request.id, hostId: request.hostId, action: request.action, paramsDigest: request.paramsDigest, approver: approver.user.username });
    try {
      const result = await performApproved(this.#relay(), this.#audit, caller, request, target, approver.user.username);
      await this.#store.finish(request.id, 'performed', { result: shortResult(result) });
    } catch (err) {
      const problem = problemFromSystemError(err);
      await this.#store.finish(request.id, 'failed', { error: { code: problem.code, message: problem.message.slice(0, 1000) } });
    }
  }

  async #record(actor: Actor, request: ApprovalView, action: string, detail: string): Promise<void> {
    await this.#audit.record({ user: actor.user.username, address: actor.address, hostId: request.hostId, hostName: request.hostName, action, phase: 'event', result: 'ok', paramsDigest: request.paramsDigest, detail: detail.slice(0, 1000) });
  }

  async #changed(id: number): Promise<ApprovalView> {
    const view = (await this.#store.find(id))!;
    this.emit('changed', view);
    return view;
  }
}

function targetOrUndefined(action: string): Target | undefined {
  const [module = '', name = ''] = action.split('.');
  const contract = findContract(module);
  if (!contract) return undefined;
  const method = methodOf(contract, name);
  if (method) return { contract, spec: method, kind: 'method', module, name };
  const stream = streamOf(contract, name);
  if (stream && stream.direction === 'download') return { contract, spec: stream, kind: 'stream', module, name };
  // Terminals are duplex; approval lets the requester open one from the browser, nothing is performed here.
  if (stream && action === 'terminal.session') return { contract, spec: stream, kind: 'stream', module, name };
  return undefined;
}

function targetOf(action: string): Target {
  const target = targetOrUndefined(action);
  if (!target) throw new GatehouseError('unknown-method', `${action} is not a method or download stream that can be approved`);
  return target;
}

/** Results are kept on the request for people to read: bounded, never a file's bytes. */
function shortResult(result: unknown): unknown {
  const text = JSON.stringify(result ?? null);
  return text.length <= 4000 ? result : `${text.slice(0, 4000)}…`;
}
