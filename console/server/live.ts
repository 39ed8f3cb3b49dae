/**
 * The browser's live socket (/api/live): the host list on connect, then every change to a host, and new audit
 * entries for those allowed to read them. One socket per page; read-only from the browser's side.
 */
import type WebSocket from 'ws';
import type { LiveMessage } from '../../modules/kernel/console-api.js';
import type { Alarm } from '../../modules/kernel/alarm-model.js';
import type { HostDirectory } from './hosts.js';
import type { AuditTrail } from './audit.js';
import type { Access } from './access/access.js';
import type { AccessControl } from './access/service.js';
import type { SessionRecord, Storage, UserRecord } from './storage/types.js';
import { log } from './log.js';
import { alarmPlace } from './access/places.js';
import { fleetPlace } from './access/access.js';

/** A browser that cannot keep up is dropped rather than buffered without bound; the page reconnects. */
const maxBufferedBytes = 4 * 1024 * 1024;
const maxClientMessageBytes = 1024;

interface Viewer {
  socket: WebSocket;
  user: UserRecord;
  /** What this person may see where: hosts, alarms and audit entries reach them only inside their grants. */
  access: Access;
  sessionId: string;
  /** The site whose readings this page shows, if any (`watch-site`); one at a time per socket. */
  site?: string;
}

/** Readings of a site's tags as they arrive: `site-tags` messages to the pages watching that site. */
export interface SiteReadingsSource {
  on(event: 'readings', listener: (siteId: string, readings: unknown[]) => void): unknown;
}

/** Alarm changes and floods, for every page allowed to read alarms. */
export interface AlarmSource {
  on(event: 'changed', listener: (alarm: Alarm) => void): unknown;
  on(event: 'flood', listener: (flood: { siteId: string; startedAt: string; endedAt: string | null; raised: number }) => void): unknown;
}

/** How often open sockets are checked against their sessions, so an expired session stops receiving updates. */
const sessionRecheckMs = 60_000;

export class LiveUpdates {
  readonly #viewers = new Set<Viewer>();
  readonly #hosts: HostDirectory;
  readonly #storage: Storage;
  readonly #access: AccessControl;
  readonly #recheck: NodeJS.Timeout;

  constructor(hosts: HostDirectory, audit: AuditTrail, storage: Storage, access: AccessControl) {
    this.#hosts = hosts;
    this.#storage = storage;
    this.#access = access;
    this.#recheck = setInterval(() => void this.#dropExpired(), sessionRecheckMs);
    this.#recheck.unref();
    hosts.on('changed', (host) => this.#broadcast({ type: 'host', host }, (v) => v.access.reaches(access.hostPlace(host.id))));
    hosts.on('removed', (hostId) => this.#broadcast({ type: 'host-removed', hostId }, (v) => v.access.reaches(access.hostPlace(hostId))));
    audit.on('appended', (entry) =>
      this.#broadcast({ type: 'audit', entry }, (v) => v.access.may('audit.read', entry.hostId ? access.hostPlace(entry.hostId) : fleetPlace)),
    );
  }

  /** Forward a site's new readings to the pages watching it. */
  watchSites(source: SiteReadingsSource): void {
    source.on('readings', (siteId, readings) => {
      let text: string | undefined;
      for (const viewer of this.#viewers) {
        if (viewer.site !== siteId) continue;
        text ??= JSON.stringify({ type: 'site-tags', siteId, tags: readings });
        sendText(viewer, text);
      }
    });
  }

  /**
   * Tell every page that approval requests changed (`approvals-changed`, no content): the Approvals page then asks
   * GET /api/approvals, which shows each person only what they may see.
   */
  watchApprovals(source: { on(event: 'changed', listener: () => void): unknown }): void {
    source.on('changed', () => {
      const text = JSON.stringify({ type: 'approvals-changed' });
      for (const viewer of this.#viewers) sendText(viewer, text);
    });
  }

  /** Forward alarm changes and floods to the pages of those who may read alarms. */
  watchAlarms(source: AlarmSource): void {
    const places = this.#access;
    source.on('changed', (alarm) => this.#broadcast({ type: 'alarm', alarm }, (v) => v.access.may('alarm.read', alarmPlace(alarm, places))));
    source.on('flood', (flood) => this.#broadcast({ type: 'alarm-flood', flood }, (v) => v.access.may('alarm.read', places.sitePlace(flood.siteId))));
  }

  get viewerCount(): number {
    return this.#viewers.size;
  }

  async accept(socket: WebSocket, user: UserRecord, session: SessionRecord): Promise<void> {
    const viewer: Viewer = { socket, user, access: await this.#access.of(user), sessionId: session.id };
    this.#viewers.add(viewer);
    socket.on('close', () => this.#viewers.delete(viewer));
    socket.on('error', () => this.#viewers.delete(viewer));
    socket.on('message', (data, isBinary) => {
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).length;
      if (isBinary || size > maxClientMessageBytes) {
        send(viewer, { type: 'error', code: 'bad-request', message: 'the live socket takes only small JSON messages' });
        return;
      }
      try {
        const message = JSON.parse(String(data)) as { type?: unknown; siteId?: unknown };
        if (message.type === 'ping') send(viewer, { type: 'pong' });
        else if (message.type === 'watch-site' && typeof message.siteId === 'string' && /^[a-z0-9][a-z0-9-]{0,62}$/.test(message.siteId)) {
          if (viewer.access.may('site.read', this.#access.sitePlace(message.siteId))) viewer.site = message.siteId;
          else send(viewer, { type: 'error', code: 'forbidden', message: 'your grants do not allow site.read on that site' });
        } else if (message.type === 'unwatch-site') delete viewer.site;
        else send(viewer, { type: 'error', code: 'bad-request', message: 'unknown message type' });
      } catch {
        send(viewer, { type: 'error', code: 'bad-request', message: 'not JSON' });
      }
    });
    try {
      const hosts = await this.#hosts.list();
      send(viewer, { type: 'hosts', hosts: hosts.filter((host) => viewer.access.reaches(this.#access.hostPlace(host.id))) });
    } catch (err) {
      log.error('live: could not list hosts', { message: (err as Error).message });
    }
  }

  /** Log out: close that session's sockets at once. */
  endSession(sessionId: string): void {
    for (const viewer of this.#viewers) {
      if (viewer.sessionId === sessionId) viewer.socket.close(4401, 'logged out');
    }
  }

  closeAll(): void {
    clearInterval(this.#recheck);
    for (const viewer of this.#viewers) viewer.socket.close(1001, 'console shutting down');
  }

  async #dropExpired(): Promise<void> {
    const now = Date.now();
    for (const viewer of this.#viewers) {
      const session = await this.#storage.findSession(viewer.sessionId).catch(() => undefined);
      if (!session || Date.parse(session.expiresAt) <= now) viewer.socket.close(4401, 'session expired');
    }
  }

  #broadcast(message: Extract<LiveMessage, { type: 'host' | 'host-removed' | 'audit' | 'alarm' | 'alarm-flood' }>, to: (v: Viewer) => boolean = () => true): void {
    const text = JSON.stringify(message);
    for (const viewer of this.#viewers) if (to(viewer)) sendText(viewer, text);
  }
}

function send(viewer: Viewer, message: unknown): void {
  sendText(viewer, JSON.stringify(message));
}

function sendText(viewer: Viewer, text: string): void {
  if (viewer.socket.readyState !== viewer.socket.OPEN) return;
  if (viewer.socket.bufferedAmount > maxBufferedBytes) {
    viewer.socket.terminate();
    return;
  }
  viewer.socket.send(text);
}
