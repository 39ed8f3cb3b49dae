/**
 * The fleet as people see it: stored host records joined with who is connected right now.
 * Emits `changed` with the host's view whenever something a page shows about it changes.
 */
import { EventEmitter } from 'node:events';
import type { HostStatus } from '../../modules/kernel/host-status.js';
import type { AgentPolicy } from '../../modules/kernel/policy.js';
import type { HostView, SshTargetView } from '../../modules/kernel/console-api.js';
import { GatehouseError } from '../../modules/kernel/errors.js';
import type { AgentHub } from './agents/hub.js';
import type { HostRecord, HostState, SshTargetRecord, Storage } from './storage/types.js';

export type { HostView };
import { log } from './log.js';


/** Status reports arrive every few seconds; the database keeps one a minute so an offline host still shows its last. */
const persistStatusEveryMs = 60_000;

export class HostDirectory extends EventEmitter<{ changed: [HostView]; removed: [string] }> {
  readonly #storage: Storage;
  readonly #hub: AgentHub;
  readonly #latest = new Map<string, HostStatus>();
  readonly #persistedAt = new Map<string, number>();
  /** The last record read or written per host, so a status report (every 5 s per host) costs no database read. */
  readonly #records = new Map<string, HostRecord>();
  /** SSH targets by host id, read with their hosts; what a view shows of them (never the sealed key). */
  readonly #ssh = new Map<string, SshTargetView>();
  /**
   * The policy each agent last reported, and when, so an offline host still shows the rules it runs under. Kept in
   * memory: after a console restart an offline host's policy is unknown until its agent connects again.
   */
  readonly #policies = new Map<string, { policy: AgentPolicy; reportedAt: string }>();

  constructor(storage: Storage, hub: AgentHub) {
    super();
    this.#storage = storage;
    this.#hub = hub;
    hub.on('online', (link) => {
      this.#policies.set(link.info.hostId, { policy: link.info.policy, reportedAt: link.connectedAt.toISOString() });
      this.#touch(link.info.hostId, { lastSeenAt: new Date().toISOString(), lastAddress: link.info.address });
    });
    hub.on('offline', (hostId) => {
      this.#touch(hostId, { lastSeenAt: new Date().toISOString() });
    });
    hub.on('status', (hostId, status) => {
      this.#latest.set(hostId, status);
      const now = Date.now();
      const patch = now - (this.#persistedAt.get(hostId) ?? 0) >= persistStatusEveryMs ? { lastStatus: status, lastSeenAt: new Date(now).toISOString() } : {};
      if ('lastStatus' in patch) this.#persistedAt.set(hostId, now);
      this.#touch(hostId, patch);
    });
  }

  async list(): Promise<HostView[]> {
    const [records, targets] = await Promise.all([this.#storage.listHosts(), this.#storage.listSshTargets()]);
    this.#ssh.clear();
    for (const target of targets) this.#ssh.set(target.hostId, sshView(target));
    for (const record of records) this.#records.set(record.id, record);
    return records.map((r) => this.view(r)).sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(id: string): Promise<HostView> {
    const record = await this.#storage.findHost(id);
    if (!record) throw new GatehouseError('not-found', `no host with id ${id}`);
    this.#records.set(id, record);
    // Every relayed call reads its host: an agent host costs no second query unless it is known to have an SSH
    // target too (installed over SSH; list() reads every target, so such hosts are known after the first list).
    if (record.connection === 'ssh' || this.#ssh.has(id)) {
      const target = await this.#storage.findSshTarget(id);
      if (target) this.#ssh.set(id, sshView(target));
      else this.#ssh.delete(id);
    }
    return this.view(record);
  }

  async setState(id: string, state: HostState): Promise<HostView> {
    await this.get(id);
    await this.#storage.updateHost(id, { state });
    if (state === 'revoked') this.#hub.disconnect(id, 'host revoked');
    return this.#publish(id);
  }

  async rename(id: string, name: string): Promise<HostView> {
    await this.get(id);
    await this.#storage.updateHost(id, { name });
    return this.#publish(id);
  }

  async setTags(id: string, tags: string[]): Promise<HostView> {
    await this.get(id);
    await this.#storage.updateHost(id, { tags: [...new Set(tags)].sort() });
    return this.#publish(id);
  }

  /** Publish a host that was just created or changed outside this directory (enrollment, SSH registration). */
  async announce(id: string): Promise<HostView> {
    return this.#publish(id);
  }

  /** Tell the pages a host is gone (an SSH host forgotten). */
  forget(id: string): void {
    this.#records.delete(id);
    this.#ssh.delete(id);
    this.#latest.delete(id);
    this.#policies.delete(id);
    this.emit('removed', id);
  }

  view(record: HostRecord): HostView {
    const link = this.#hub.get(record.id);
    return {
      id: record.id,
      name: record.name,
      online: link !== undefined,
      state: record.state,
      status: this.#latest.get(record.id) ?? record.lastStatus,
      enrolledAt: record.enrolledAt,
      lastSeenAt: link ? new Date().toISOString() : record.lastSeenAt,
      address: link?.info.address ?? record.lastAddress,
      // A host without an agent offers a terminal over SSH and nothing else.
      modules: link?.info.modules ?? (record.connection === 'ssh' ? ['terminal'] : []),
      agentVersion: link?.info.agentVersion ?? record.lastStatus?.agentVersion ?? null,
      ...this.#policyOf(record.id, link),
      connection: record.connection,
      tags: record.tags,
      ssh: this.#ssh.get(record.id) ?? null,
    };
  }

  /** The local policy a host's agent runs under, as far as the console knows (null when unknown). */
  knownPolicy(id: string): AgentPolicy | null {
    return this.#policyOf(id, this.#hub.get(id)).policy;
  }

  /** The policy an agent connected with, else the one it last connected with (the agent enforces it, not us). */
  #policyOf(id: string, link: ReturnType<AgentHub['get']>): Pick<HostView, 'policy' | 'policyReportedAt'> {
    const known = link ? { policy: link.info.policy, reportedAt: link.connectedAt.toISOString() } : this.#policies.get(id);
    return { policy: known?.policy ?? null, policyReportedAt: known?.reportedAt ?? null };
  }

  /** Record what the hub saw and tell the pages; runs from event handlers, so it logs instead of throwing. */
  #touch(id: string, patch: Parameters<Storage['updateHost']>[1]): void {
    const cached = this.#records.get(id);
    if (Object.keys(patch).length === 0 && cached) {
      // Nothing to store: the view differs from the cached record only by the live status the hub just gave.
      this.emit('changed', this.view(cached));
      return;
    }
    const work = Object.keys(patch).length > 0 ? this.#storage.updateHost(id, patch) : Promise.resolve();
    work
      .then(() => this.#publish(id))
      .catch((err: unknown) => log.error('could not update host', { host: id, message: (err as Error).message }));
  }

  async #publish(id: string): Promise<HostView> {
    const view = await this.get(id);
    this.emit('changed', view);
    return view;
  }
}

function sshView(target: SshTargetRecord): SshTargetView {
  return {
    address: target.address,
    port: target.port,
    username: target.username,
    hostKeyFingerprint: target.hostKeyFingerprint,
    hostKeyType: target.hostKeyType,
    clientPublicKey: target.clientPublicKey,
    registeredBy: target.registeredBy,
    registeredAt: target.registeredAt,
  };
}
