/**
 * Sites: places with gateways, whose tags operators watch and engineers write. Builds the site views from the
 * gateways' profiles and the telemetry history, pushes each gateway its profile, and relays setpoint writes
 * (checked by the console's roles here and by the gateway's write rule there).
 */
import { EventEmitter } from 'node:events';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import { profileHash } from '../../../modules/modbus/profile-file.js';
import { parseProfile } from '../../../modules/modbus/profile-text.js';
import type { SetpointResult, SiteSummary, SiteTag, Trend } from '../../../modules/modbus/site-api.js';
import type { AgentHub } from '../agents/hub.js';
import type { AuditTrail } from '../audit.js';
import type { HostDirectory } from '../hosts.js';
import { log } from '../log.js';
import type { Caller, Relay } from '../relay.js';
import type { TelemetryStore } from '../telemetry/store.js';
import { siteState, siteTags, type GatewayView, type Reading } from './site-tags.js';
import type { GatewayRecord, SiteRecord, SiteStore } from './store.js';
import type { TelemetryIntake } from './telemetry-intake.js';

/** Who does something to a site: a person (from their session) or `system` (the demo set-up at start). */
export interface Actor {
  username: string;
  address: string | null;
}

export interface SiteServiceEvents {
  /** Readings that just arrived for a site's tags (for live pages). */
  readings: [siteId: string, readings: Array<{ name: string; value: number | boolean | null; quality: TagSample['quality']; ts: string }>];
}

export class SiteService extends EventEmitter<SiteServiceEvents> {
  readonly #store: SiteStore;
  readonly #telemetry: TelemetryStore;
  readonly #hosts: HostDirectory;
  readonly #hub: AgentHub;
  readonly #relay: Relay;
  readonly #audit: AuditTrail;
  readonly #intake: TelemetryIntake;
  /** host id → site id, for routing incoming samples to watchers without a query per frame. */
  readonly #siteOfHost = new Map<string, string>();
  /** site id → name, for alarm messages and routing without a query per alarm. */
  readonly #siteNames = new Map<string, string>();

  constructor(options: { store: SiteStore; telemetry: TelemetryStore; hosts: HostDirectory; hub: AgentHub; relay: Relay; audit: AuditTrail; intake: TelemetryIntake }) {
    super();
    this.#store = options.store;
    this.#telemetry = options.telemetry;
    this.#hosts = options.hosts;
    this.#hub = options.hub;
    this.#relay = options.relay;
    this.#audit = options.audit;
    this.#intake = options.intake;
  }

  async start(): Promise<void> {
    for (const gateway of await this.#store.gateways()) this.#siteOfHost.set(gateway.hostId, gateway.siteId);
    for (const site of await this.#store.listSites()) this.#siteNames.set(site.id, site.name);
    this.#intake.on('samples', (hostId, samples) => this.#announce(hostId, samples));
    // A gateway that comes online gets its profile if it does not have the latest (it may have been offline
    // when an engineer changed it, or be new).
    this.#hub.on('online', (link) => void this.pushProfile(link.info.hostId).catch(() => undefined));
  }

  /** The site a gateway belongs to (from memory: every telemetry frame asks). */
  siteOf(hostId: string): string | undefined {
    return this.#siteOfHost.get(hostId);
  }

  siteName(siteId: string): string | undefined {
    return this.#siteNames.get(siteId);
  }

  get store(): SiteStore {
    return this.#store;
  }

  async summaries(): Promise<SiteSummary[]> {
    const sites = await this.#store.listSites();
    return Promise.all(sites.map((site) => this.#summary(site)));
  }

  async summary(siteId: string): Promise<SiteSummary> {
    return this.#summary(await this.#site(siteId));
  }

  async tags(siteId: string): Promise<SiteTag[]> {
    await this.#site(siteId);
    return siteTags(await this.#views(siteId), Date.now());
  }

  async createSite(actor: Actor, site: { id: string; name: string; description: string }): Promise<SiteSummary> {
    if (await this.#store.findSite(site.id)) throw new GatehouseError('exists', `There is already a site ${site.id}.`);
    if (await this.#store.findSiteByName(site.name)) throw new GatehouseError('exists', `There is already a site named ${site.name}.`);
    const record = await this.#store.createSite(site);
    this.#siteNames.set(record.id, record.name);
    await this.#audit.record({ user: actor.username, address: actor.address, action: 'site.create', phase: 'event', result: 'ok', detail: `${site.id} (${site.name})` });
    return this.#summary(record);
  }

  /**
   * Make a host a gateway of a site with a profile written as YAML or JSON, checked here (errors name the bad
   * key), stored, and pushed to the gateway at once if it is online (else when it next connects).
   */
  async setProfile(actor: Actor, siteId: string, hostId: string, text: string, format: 'yaml' | 'json'): Promise<GatewayRecord & { pushed: boolean; pushError?: string }> {
    await this.#site(siteId);
    const host = await this.#hosts.get(hostId);
    const profile = parseProfile(text, format);
    // Tag names are how operators and alarm rules name things within a site: two gateways may not share one.
    const others = (await this.#store.gateways(siteId)).filter((g) => g.hostId !== hostId);
    const taken = new Set(others.flatMap((g) => siteTags([{ hostId: g.hostId, online: true, profile: g.profile, readings: new Map() }], 0).map((t) => t.name)));
    const clash = siteTags([{ hostId, online: true, profile, readings: new Map() }], 0).find((t) => taken.has(t.name));
    if (clash) throw new GatehouseError('exists', `Tag ${clash.name} is already on another gateway of this site; tag names must be unique within a site.`);
    const saved = await this.#store.saveGateway({ hostId, siteId, profileText: text, profileFormat: format, profile, profileHash: profileHash(profile), updatedBy: actor.username });
    this.#siteOfHost.set(hostId, siteId);
    await this.#audit.record({ user: actor.username, address: actor.address, hostId, hostName: host.name, action: 'site.profile', phase: 'event', result: 'ok', detail: `site ${siteId}, profile ${saved.profileHash.slice(0, 12)}: ${profile.devices.length} device(s)` });
    try {
      const pushed = await this.pushProfile(hostId);
      return { ...saved, pushed };
    } catch (err) {
      return { ...saved, pushed: false, pushError: (err as Error).message };
    }
  }

  /** Send a gateway its stored profile unless it already runs it. True when the gateway runs it now. */
  async pushProfile(hostId: string): Promise<boolean> {
    const gateway = await this.#store.findGateway(hostId);
    const link = this.#hub.get(hostId);
    if (!gateway || !link || !link.info.modules.includes('modbus')) return false;
    const status = (await link.call('modbus', 'status', {}, 'system')) as { profileHash: string | null };
    if (status.profileHash === gateway.profileHash) return true;
    await link.call('modbus', 'apply', { profile: gateway.profile }, 'system');
    log.info('gave gateway its profile', { host: hostId, hash: gateway.profileHash.slice(0, 12) });
    return true;
  }

  async trend(siteId: string, tags: string[], from: number, to: number, maxPoints: number): Promise<Trend> {
    const byHost = await this.#tagsByHost(siteId, tags);
    const units = new Map([...byHost.values()].flat().map((t) => [t.name, t.unit]));
    let resolution: Trend['resolution'] = 'raw';
    const series: Trend['series'] = [];
    for (const [hostId, siteTags] of byHost) {
      const part = await this.#telemetry.trend(hostId, siteTags.map((t) => t.name), from, to, maxPoints);
      resolution = part.resolution;
      for (const s of part.series) series.push({ tag: s.tag, unit: units.get(s.tag) ?? '', points: s.points });
    }
    series.sort((a, b) => tags.indexOf(a.tag) - tags.indexOf(b.tag));
    return { resolution, series };
  }

  /** Refuse (not-found) any name that is not a tag of this site; used before a response starts streaming. */
  async checkTags(siteId: string, tags: readonly string[]): Promise<void> {
    await this.#tagsByHost(siteId, tags);
  }

  /** CSV rows for a range, gateway by gateway (header once). */
  async *exportCsv(siteId: string, tags: string[], from: number, to: number): AsyncIterable<string> {
    const byHost = await this.#tagsByHost(siteId, tags);
    let first = true;
    for (const [hostId, siteTags] of byHost) {
      let header = true;
      for await (const chunk of this.#telemetry.exportCsv(hostId, siteTags.map((t) => t.name), from, to)) {
        if (header && !first) {
          // Each gateway's export starts with the header line; keep only the first one.
          const rest = chunk.slice(chunk.indexOf('\n') + 1);
          header = false;
          if (rest) yield rest;
          continue;
        }
        header = false;
        yield chunk;
      }
      first = false;
    }
  }

  /** A setpoint write as the caller: the relay checks their rights and audits the call; the gateway checks the rule. */
  async write(caller: Caller, siteId: string, tag: string, value: number | boolean, reason: string): Promise<SetpointResult> {
    const [hostId] = [...(await this.#tagsByHost(siteId, [tag])).keys()];
    if (!hostId) throw new GatehouseError('not-found', `There is no tag ${tag} at this site.`);
    const result = (await this.#relay.call(caller, hostId, 'modbus', 'write', { tag, value, reason })) as SetpointResult;
    // The audit's own record of a field write carries the values, so an auditor reads what changed without
    // replaying the request (SECURITY.md rule 9: old, new and read-back).
    await this.#audit.record({
      user: caller.user.username,
      address: caller.address,
      hostId,
      action: 'modbus.setpoint',
      phase: 'event',
      result: result.outcome === 'confirmed' ? 'ok' : 'error',
      detail: `${tag}: ${String(result.previous)} → ${String(result.requested)}, read back ${String(result.readBack)} (${result.outcome}); reason: ${reason}`.slice(0, 1000),
    });
    return result;
  }

  async #site(siteId: string): Promise<SiteRecord> {
    const site = await this.#store.findSite(siteId);
    if (!site) throw new GatehouseError('not-found', `There is no site ${siteId}.`);
    return site;
  }

  async #views(siteId: string): Promise<GatewayView[]> {
    const gateways = await this.#store.gateways(siteId);
    return Promise.all(
      gateways.map(async (g) => {
        const latest = await this.#telemetry.latest(g.hostId);
        const readings = new Map<string, Reading>(latest.map((r) => [r.tag, r]));
        // The local policy (live, or as last reported) marks tags the gateway will refuse to write.
        const policy = this.#hosts.knownPolicy(g.hostId);
        return { hostId: g.hostId, online: this.#hub.isOnline(g.hostId), profile: g.profile, readings, policy };
      }),
    );
  }

  async #summary(site: SiteRecord): Promise<SiteSummary> {
    const views = await this.#views(site.id);
    const tags = siteTags(views, Date.now());
    const gateways = await Promise.all(
      views.map(async (v) => ({ hostId: v.hostId, name: (await this.#hosts.get(v.hostId).catch(() => undefined))?.name ?? v.hostId, online: v.online })),
    );
    return {
      id: site.id,
      name: site.name,
      description: site.description,
      state: siteState(views, tags),
      gateways,
      tagCount: tags.length,
      badTags: tags.filter((t) => t.quality !== 'good').length,
      lastReadingTs: tags.reduce((max, t) => (t.ts ? Math.max(max, Date.parse(t.ts)) : max), 0),
    };
  }

  /** The named tags grouped by the gateway holding each; a name not at the site is refused, not left out. */
  async #tagsByHost(siteId: string, tags: readonly string[]): Promise<Map<string, SiteTag[]>> {
    const all = new Map((await this.tags(siteId)).map((t) => [t.name, t]));
    const byHost = new Map<string, SiteTag[]>();
    for (const name of tags) {
      const tag = all.get(name);
      if (!tag) throw new GatehouseError('not-found', `There is no tag ${name} at this site.`);
      byHost.set(tag.hostId, [...(byHost.get(tag.hostId) ?? []), tag]);
    }
    return byHost;
  }

  #announce(hostId: string, samples: TagSample[]): void {
    const siteId = this.#siteOfHost.get(hostId);
    if (!siteId) return;
    // Newest reading per tag in this frame: a replayed backlog must not make a live page flicker through history.
    const newest = new Map<string, TagSample>();
    for (const sample of samples) {
      const seen = newest.get(sample.tag);
      if (!seen || sample.ts >= seen.ts) newest.set(sample.tag, sample);
    }
    const readings = [...newest.values()].map((s) => ({
      name: s.tag,
      value: s.quality === 'comm-fault' ? null : s.value,
      quality: s.quality,
      ts: new Date(s.ts).toISOString(),
    }));
    this.emit('readings', siteId, readings);
  }
}

