/**
 * The relay: a person's call to a host's module. Checked here (known module and method, the caller's grants
 * allow its permission code on that host, the host approved and online, params valid), audited before and after, sent
 * to the agent, and the agent's answer checked against the contract before anyone sees it. Reads repeated by
 * a page's refresh are audited once per window (read-audit-window.ts); failures and changes always.
 */
import { methodOf, riskOf, streamOf, type MethodSpec, type ModuleContract, type StreamSpec } from '../../modules/kernel/contract.js';
import { GatehouseError, problemFromSystemError } from '../../modules/kernel/errors.js';
import { findContract } from '../../modules/registry.js';
import type { AgentHub } from './agents/hub.js';
import type { ConsoleChannel } from './agents/console-channel.js';
import type { AgentLink } from './agents/link.js';
import { paramsDigest, type AuditRecord, type AuditTrail } from './audit.js';
import type { HostDirectory, HostView } from './hosts.js';
import type { TerminalChannel } from './terminal/bridge.js';
import type { TerminalSessionParams } from '../../modules/terminal/contract.js';
import { mayOpenTerminalAs, terminalUsersOf } from './roles.js';
import type { Access, Place } from './access/access.js';
import { ReadAuditWindow } from './read-audit-window.js';
import type { RoleId, UserRecord } from './storage/types.js';
import type { z } from 'zod';
import { log } from './log.js';
import type { ApprovalGate } from './approvals/gate.js';

export interface Caller {
  user: UserRecord;
  address: string | null;
  /** What the caller may do where: their grants (or their API token's). */
  access: Access;
}

/** Opens a login shell over SSH on a host without an agent (ssh/), once the relay has checked and audited it. */
export type SshTerminalOpener = (hostId: string, params: TerminalSessionParams) => Promise<TerminalChannel>;

export interface RelayOptions {
  /** Where a host is (its tags and site), for grants on sites and host groups; without it, only fleet and host grants hold. */
  placeOf?: (hostId: string) => Place;
  sshTerminals?: SshTerminalOpener;
  /** The configured Unix users per role for terminals (roles.ts terminalUsersOf). */
  terminalUsers?: Partial<Record<RoleId, readonly string[]>>;
  /** Four eyes: refuses calls that need a second person's approval and do not carry it (approvals/gate.ts). */
  approvals?: ApprovalGate;
}

export type StreamOutcome = { result: unknown } | { problem: GatehouseError };

/** What a stream's opener adds to its two audit entries, so a stream stays one requested and one completed entry. */
export interface StreamAudit {
  /** The requested entry's detail (instead of the transfer's path). */
  detail?: string;
  /** Called when the channel has ended; its answer is the completed entry's result and detail (e.g. a recording's size). */
  completion?: (outcome: StreamOutcome) => Promise<{ result: string; detail: string | null }>;
}

export class Relay {
  readonly #hosts: HostDirectory;
  readonly #hub: AgentHub;
  readonly #audit: AuditTrail;
  readonly #reads = new ReadAuditWindow();
  /** Streams whose completed audit entry is not written yet. */
  readonly #pendingAudits = new Set<Promise<void>>();

  readonly #sshTerminals: SshTerminalOpener | undefined;
  readonly #terminalUsers: Partial<Record<RoleId, readonly string[]>>;
  readonly #placeOf: (hostId: string) => Place;
  readonly #approvals: ApprovalGate | undefined;

  constructor(hosts: HostDirectory, hub: AgentHub, audit: AuditTrail, options: RelayOptions = {}) {
    this.#hosts = hosts;
    this.#hub = hub;
    this.#audit = audit;
    this.#sshTerminals = options.sshTerminals;
    this.#terminalUsers = options.terminalUsers ?? {};
    this.#approvals = options.approvals;
    this.#placeOf = options.placeOf ?? ((hostId) => ({ kind: 'host', hostId, tags: [], siteId: null }));
  }

  /** Relay one request–response call; resolves with the validated result or throws a GatehouseError. */
  async call(caller: Caller, hostId: string, module: string, method: string, params: unknown): Promise<unknown> {
    const contract = knownModule(module);
    const spec = methodOf(contract, method);
    if (!spec) throw new GatehouseError('unknown-method', `module ${module} has no method ${method}`);
    const { link, hostName, parsed } = await this.#admit(caller, hostId, contract, spec, `${module}.${method}`, params);
    await this.#approvals?.gate(caller, hostId, `${module}.${method}`, parsed);
    const base = { user: caller.user.username, hostId, hostName, action: `${module}.${method}`, paramsDigest: paramsDigest(parsed), address: caller.address };
    const audited = riskOf(contract, spec) !== 'read' || this.#reads.shouldAudit(base.user, hostId, base.action, base.paramsDigest);
    if (audited) await this.#audit.record({ ...base, phase: 'requested', result: 'ok' });
    try {
      const raw = await link.call(module, method, parsed, caller.user.username);
      const result = ownSessionsOnly(module, method, checkResult(spec.result, raw, module, method), caller, this.#placeOf(hostId));
      if (audited) await this.#audit.record({ ...base, phase: 'completed', result: 'ok' });
      return result;
    } catch (err) {
      const problem = problemFromSystemError(err, { host: hostId, module, method });
      // A failure is always worth a line, even for a read whose request was not audited.
      await this.#audit.record({ ...base, phase: 'completed', result: problem.code, detail: problem.message.slice(0, 500) });
      throw problem;
    }
  }

  /** Open a stream (file download or upload, terminal); the audit's completed entry is written when it ends. */
  async open(caller: Caller, hostId: string, module: string, stream: string, params: unknown, audit: StreamAudit = {}): Promise<ConsoleChannel> {
    const contract = knownModule(module);
    const spec = streamOf(contract, stream);
    if (!spec) throw new GatehouseError('unknown-method', `module ${module} has no stream ${stream}`);
    const { link, hostName, parsed } = await this.#admit(caller, hostId, contract, spec, `${module}.${stream}`, params);
    await this.#approvals?.gate(caller, hostId, `${module}.${stream}`, parsed);
    const base = { user: caller.user.username, hostId, hostName, action: `${module}.${stream}`, paramsDigest: paramsDigest(parsed), address: caller.address };
    await this.#audit.record({ ...base, phase: 'requested', result: 'ok', detail: audit.detail ?? describe(parsed) });
    const channel = link.open(module, stream, parsed, caller.user.username);
    channel.checkEventsWith(spec.event);
    this.#auditEnd(base, spec, channel.result, audit);
    return channel;
  }

  /**
   * Open a terminal: the agent's `terminal.session` stream, or for a host without an agent a login shell over
   * SSH, checked and audited the same way (the role's `terminal.open`, the host's state, the params).
   */
  async openTerminal(caller: Caller, hostId: string, params: unknown, audit: StreamAudit = {}): Promise<TerminalChannel> {
    const contract = knownModule('terminal');
    const spec = streamOf(contract, 'session')!;
    const { host, hostName, parsed } = await this.#check(caller, hostId, contract, spec, 'terminal.session', params);
    const session = parsed as TerminalSessionParams;
    const overSsh = host.connection === 'ssh';
    // A re-attached shell keeps the user it was started as, and only its owner may re-attach (the agent checks).
    const unixUser = overSsh ? (host.ssh?.username ?? '') : session.unixUser;
    const rolesHere = caller.access.rolesAt(this.#placeOf(hostId)).map((role) => role.id);
    if (session.sessionId === undefined && !mayOpenTerminalAs(rolesHere, unixUser, this.#terminalUsers)) {
      const allowed = terminalUsersOf(rolesHere, this.#terminalUsers);
      const message = `your grants on ${hostName} do not let you open terminals as ${unixUser}${allowed.length ? `, only as ${allowed.join(', ')}` : ''}`;
      await this.#audit.record({ user: caller.user.username, hostId, hostName, action: 'terminal.session', phase: 'event', result: 'forbidden', address: caller.address, detail: message });
      throw new GatehouseError('forbidden', message);
    }
    if (!overSsh) return this.open(caller, hostId, 'terminal', 'session', params, audit);
    await this.#approvals?.gate(caller, hostId, 'terminal.session', parsed);
    if (!this.#sshTerminals) throw new GatehouseError('not-supported', 'this console does not open SSH terminals');
    const base = { user: caller.user.username, hostId, hostName, action: 'terminal.session', paramsDigest: paramsDigest(parsed), address: caller.address };
    await this.#audit.record({ ...base, phase: 'requested', result: 'ok', detail: audit.detail ?? null });
    const opening = this.#sshTerminals(hostId, session);
    this.#auditEnd(base, spec, opening.then((channel) => channel.result), audit);
    return opening;
  }

  /** Write a stream's completed entry when it ends (or fails to start). */
  #auditEnd(base: Omit<AuditRecord, 'phase' | 'result'>, spec: StreamSpec, ended: Promise<unknown>, audit: StreamAudit): void {
    const audited = ended
      .then(
        (result): StreamOutcome => ({ result }),
        (err: unknown): StreamOutcome => ({ problem: problemFromSystemError(err) }),
      )
      .then(async (outcome) => {
        const standard =
          'result' in outcome
            ? { result: spec.result.safeParse(outcome.result).success ? 'ok' : 'internal-error', detail: describe(outcome.result) }
            : { result: outcome.problem.code, detail: outcome.problem.message };
        const entry = audit.completion ? await audit.completion(outcome).catch(() => standard) : standard;
        await this.#audit.record({ ...base, phase: 'completed', result: entry.result, detail: entry.detail?.slice(0, 500) ?? null });
      })
      .catch((err: unknown) => log.error('could not audit the end of a stream', { host: base.hostId, action: base.action, message: (err as Error).message }));
    this.#pendingAudits.add(audited);
    void audited.finally(() => this.#pendingAudits.delete(audited));
  }

  /** Shutdown: wait (at most `timeoutMs`) for the completed entries of streams that have ended or are ending. */
  async flushAudits(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([...this.#pendingAudits]), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }

  async #admit(
    caller: Caller,
    hostId: string,
    contract: ModuleContract,
    spec: MethodSpec | StreamSpec,
    action: string,
    params: unknown,
  ): Promise<{ link: AgentLink; hostName: string; parsed: unknown }> {
    const { host, hostName, parsed } = await this.#check(caller, hostId, contract, spec, action, params);
    if (host.connection === 'ssh') {
      throw new GatehouseError('not-supported', `${host.name} is reached over SSH without an agent: only its terminal is available; install the agent for ${contract.title.toLowerCase()}`);
    }
    const link = this.#hub.get(hostId);
    if (!link) throw new GatehouseError('host-offline', `${host.name} is offline`);
    if (!link.info.modules.includes(contract.name)) {
      throw new GatehouseError('policy-denied', `${host.name} does not serve the ${contract.name} module under its local policy`);
    }
    return { link, hostName, parsed };
  }

  /** The checks every host takes: the role allows it, the host is approved, the params are valid. */
  async #check(
    caller: Caller,
    hostId: string,
    contract: ModuleContract,
    spec: MethodSpec | StreamSpec,
    action: string,
    params: unknown,
  ): Promise<{ host: HostView; hostName: string; parsed: unknown }> {
    const host = await this.#hosts.get(hostId);
    if (!caller.access.may(spec.permission, this.#placeOf(hostId))) {
      await this.#audit.record({ user: caller.user.username, hostId, hostName: host.name, action, phase: 'event', result: 'forbidden', address: caller.address, detail: `no grant on this host allows ${spec.permission}` });
      throw new GatehouseError('forbidden', `your grants do not allow ${spec.permission} on ${host.name}`);
    }
    if (host.state === 'pending') throw new GatehouseError('host-pending', `${host.name} is waiting for an administrator to approve it`);
    if (host.state === 'revoked') throw new GatehouseError('host-revoked', `${host.name} has been revoked`);
    const parsedParams = spec.params.safeParse(params ?? {});
    if (!parsedParams.success) {
      const issue = parsedParams.error.issues[0];
      const message = `${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`;
      await this.#audit.record({ user: caller.user.username, hostId, hostName: host.name, action, phase: 'event', result: 'invalid-params', address: caller.address, detail: message.slice(0, 500) });
      throw new GatehouseError('invalid-params', message);
    }
    return { host, hostName: host.name, parsed: parsedParams.data };
  }
}

function knownModule(name: string): ModuleContract {
  const contract = findContract(name);
  if (!contract) throw new GatehouseError('unknown-module', `no module named ${name}`);
  return contract;
}

/**
 * A host's terminal sessions belong to the people who opened them: others see (and may re-attach) only their
 * own; administrators see every one, to close what was left behind.
 */
function ownSessionsOnly(module: string, method: string, result: unknown, caller: Caller, place: Place): unknown {
  if (module !== 'terminal' || method !== 'sessions' || caller.access.administers(place)) return result;
  const { sessions } = result as { sessions: Array<{ owner: string }> };
  return { ...(result as object), sessions: sessions.filter((session) => session.owner === caller.user.username) };
}

/** Agents are untrusted: a result that does not match the contract never reaches a browser. */
function checkResult(schema: z.ZodType, raw: unknown, module: string, method: string): unknown {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new GatehouseError('internal-error', `the agent's answer to ${module}.${method} does not match its contract (${issue?.path.join('.')}: ${issue?.message})`);
}

/** A short, safe description of a transfer for the audit detail: the path, never the bytes. */
function describe(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const path = typeof v.path === 'string' ? v.path : typeof v.directory === 'string' ? `${v.directory}/${String(v.name)}` : undefined;
  const size = typeof v.size === 'number' ? ` (${v.size} bytes)` : '';
  return path ? `${path}${size}`.slice(0, 500) : null;
}
