/**
 * Maintenance windows (migration 009, table `maintenance_windows`): while one covers a host, a host group (a host
 * tag) or a site, that source's alarms are recorded and listed as usual, but nobody is paged. Windows are kept in
 * memory so the pager can ask `activeFor` synchronously on every raise; the database is written first, so memory
 * never holds what a restart would lose.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  maintenanceScopeSchema,
  maintenanceWindowRequestSchema,
  type MaintenanceScope,
  type MaintenanceWindow,
} from '../../../modules/kernel/alarm-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AuditTrail } from '../audit.js';
import { log } from '../log.js';

interface MaintenanceTables {
  maintenance_windows: {
    id: string;
    scope: string;
    from_ms: number;
    to_ms: number;
    reason: string;
    created_by: string;
    created_at: string;
  };
}

/** Who schedules or ends a window: a person, from their session. */
export interface MaintenanceActor {
  username: string;
  address: string | null;
}

export type MaintenanceListState = 'current' | 'upcoming' | 'past' | 'all';

/** What the page lists of past windows: enough to see last week's work, not the whole history. */
export const PAST_WINDOWS_KEPT = 200;

/** Windows running or to come at once: the pager looks through them on every raise, so they are bounded. */
export const OPEN_WINDOWS_MAX = 500;

interface HeldWindow {
  window: MaintenanceWindow;
  fromMs: number;
  toMs: number;
}

export class MaintenanceWindows {
  readonly #db: Kysely<MaintenanceTables>;
  readonly #audit: AuditTrail;
  readonly #now: () => number;
  readonly #windows = new Map<string, HeldWindow>();
  /** Windows being ended: a second click meanwhile is refused rather than audited twice. */
  readonly #ending = new Set<string>();

  constructor(options: { db: Kysely<any>; audit: AuditTrail; now?: () => number }) {
    this.#db = options.db as Kysely<MaintenanceTables>;
    this.#audit = options.audit;
    this.#now = options.now ?? Date.now;
  }

  /** Load every window not yet over, and the most recent past ones, into memory. */
  async start(): Promise<void> {
    const now = this.#now();
    const open = await this.#db.selectFrom('maintenance_windows').selectAll().where('to_ms', '>', now).execute();
    const past = await this.#db
      .selectFrom('maintenance_windows')
      .selectAll()
      .where('to_ms', '<=', now)
      .orderBy('to_ms', 'desc')
      .limit(PAST_WINDOWS_KEPT)
      .execute();
    this.#windows.clear();
    for (const row of [...open, ...past]) {
      const held = fromRow(row);
      if (held) this.#windows.set(held.window.id, held);
    }
  }

  /**
   * Windows in a state as of now: current ones ending soonest first, upcoming ones starting soonest first, past
   * ones most recently ended first (at most the last 200); `all` gives the three in that order.
   */
  list(filter: { state?: MaintenanceListState } = {}): MaintenanceWindow[] {
    const state = filter.state ?? 'all';
    const now = this.#now();
    this.#prunePast(now);
    // Ties broken by id, so the same windows always list in the same order.
    const held = [...this.#windows.values()].sort((a, b) => a.window.id.localeCompare(b.window.id));
    const current = held.filter((w) => w.fromMs <= now && now < w.toMs).sort((a, b) => a.toMs - b.toMs || a.fromMs - b.fromMs);
    const upcoming = held.filter((w) => now < w.fromMs).sort((a, b) => a.fromMs - b.fromMs || a.toMs - b.toMs);
    const past = held.filter((w) => w.toMs <= now).sort((a, b) => b.toMs - a.toMs || b.fromMs - a.fromMs);
    const chosen = state === 'current' ? current : state === 'upcoming' ? upcoming : state === 'past' ? past : [...current, ...upcoming, ...past];
    return chosen.map((w) => w.window);
  }

  /** Schedule a window from a request (maintenanceWindowRequestSchema); refused when it would end in the past. */
  async create(actor: MaintenanceActor, request: unknown): Promise<MaintenanceWindow> {
    const parsed = maintenanceWindowRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatehouseError('invalid-params', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const { scope, reason } = parsed.data;
    const fromMs = Date.parse(parsed.data.from);
    const toMs = Date.parse(parsed.data.to);
    const now = this.#now();
    // A window that is already over would silence nothing and only confuse the list of past work.
    if (toMs <= now) throw new GatehouseError('invalid-params', 'to: must not be in the past');
    const open = [...this.#windows.values()].filter((w) => w.toMs > now).length;
    if (open >= OPEN_WINDOWS_MAX) throw new GatehouseError('conflict', `at most ${OPEN_WINDOWS_MAX} maintenance windows may be running or scheduled at once; end some first`);

    const window: MaintenanceWindow = {
      id: `mw_${randomBytes(12).toString('base64url')}`,
      scope,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      reason,
      createdBy: actor.username,
      createdAt: new Date(now).toISOString(),
    };
    await this.#db
      .insertInto('maintenance_windows')
      .values({ id: window.id, scope: JSON.stringify(scope), from_ms: fromMs, to_ms: toMs, reason, created_by: window.createdBy, created_at: window.createdAt })
      .execute();
    this.#windows.set(window.id, { window, fromMs, toMs });
    await this.#record(actor, 'alarm.maintenance.create', window, `${window.id}: ${describeScope(scope)}, ${window.from} → ${window.to}; reason: ${reason}`);
    return window;
  }

  /**
   * End a window: a running one ends now (kept, so its alarms can still be seen as inside it); an upcoming one
   * never happened and is deleted. Either way the window is returned as it now stands (or stood).
   */
  async end(actor: MaintenanceActor, id: string): Promise<MaintenanceWindow> {
    const held = this.#windows.get(id);
    if (!held) throw new GatehouseError('not-found', 'no such maintenance window', { id });
    const now = this.#now();
    if (held.toMs <= now) throw new GatehouseError('conflict', `maintenance window ${id} has already ended`, { id });
    if (this.#ending.has(id)) throw new GatehouseError('conflict', `maintenance window ${id} is being ended already`, { id });
    this.#ending.add(id);
    try {
      return await this.#end(actor, held, now);
    } finally {
      this.#ending.delete(id);
    }
  }

  async #end(actor: MaintenanceActor, held: HeldWindow, now: number): Promise<MaintenanceWindow> {
    const id = held.window.id;
    if (now < held.fromMs) {
      await this.#db.deleteFrom('maintenance_windows').where('id', '=', id).execute();
      this.#windows.delete(id);
      await this.#record(actor, 'alarm.maintenance.end', held.window, `${id}: ${describeScope(held.window.scope)}, cancelled before it started (was ${held.window.from} → ${held.window.to})`);
      return held.window;
    }

    await this.#db.updateTable('maintenance_windows').set({ to_ms: now }).where('id', '=', id).execute();
    const ended: HeldWindow = { window: { ...held.window, to: new Date(now).toISOString() }, fromMs: held.fromMs, toMs: now };
    this.#windows.set(id, ended);
    await this.#record(actor, 'alarm.maintenance.end', ended.window, `${id}: ${describeScope(held.window.scope)}, ended early at ${ended.window.to} (was until ${held.window.to})`);
    return ended.window;
  }

  /**
   * The window covering `at` (from inclusive, to exclusive) whose scope is this host, one of its tags, or its
   * site; null when none does. Of several, the one lasting longest past `at`, so "paused until" is the truth.
   */
  activeFor(source: { hostId?: string; siteId?: string }, hostTags: readonly string[], at: number): MaintenanceWindow | null {
    let best: HeldWindow | null = null;
    for (const held of this.#windows.values()) {
      if (at < held.fromMs || at >= held.toMs) continue;
      if (!covers(held.window.scope, source, hostTags)) continue;
      if (!best || held.toMs > best.toMs) best = held;
    }
    return best?.window ?? null;
  }

  /** Forget past windows beyond the newest 200: memory holds what the page can show, not all history. */
  #prunePast(now: number): void {
    const past = [...this.#windows.values()].filter((w) => w.toMs <= now);
    if (past.length <= PAST_WINDOWS_KEPT) return;
    past.sort((a, b) => b.toMs - a.toMs);
    for (const old of past.slice(PAST_WINDOWS_KEPT)) this.#windows.delete(old.window.id);
  }

  async #record(actor: MaintenanceActor, action: 'alarm.maintenance.create' | 'alarm.maintenance.end', window: MaintenanceWindow, detail: string): Promise<void> {
    await this.#audit.record({
      user: actor.username,
      address: actor.address,
      // A host's window shows up when the audit log is filtered by that host.
      ...(window.scope.kind === 'host' ? { hostId: window.scope.hostId } : {}),
      action,
      phase: 'event',
      result: 'ok',
      detail: detail.slice(0, 1000),
    });
  }
}

function covers(scope: MaintenanceScope, source: { hostId?: string; siteId?: string }, hostTags: readonly string[]): boolean {
  switch (scope.kind) {
    case 'host':
      return source.hostId !== undefined && source.hostId === scope.hostId;
    case 'group':
      return hostTags.includes(scope.tag);
    case 'site':
      return source.siteId !== undefined && source.siteId === scope.siteId;
  }
}

function describeScope(scope: MaintenanceScope): string {
  switch (scope.kind) {
    case 'host':
      return `host ${scope.hostId}`;
    case 'group':
      return `hosts tagged ${scope.tag}`;
    case 'site':
      return `site ${scope.siteId}`;
  }
}

/** A stored row as a window; a row whose scope no longer parses is skipped rather than stopping the console. */
function fromRow(row: MaintenanceTables['maintenance_windows']): HeldWindow | null {
  let scope: MaintenanceScope;
  try {
    scope = maintenanceScopeSchema.parse(JSON.parse(row.scope));
  } catch (err) {
    log.warn('maintenance window with an unreadable scope skipped', { window: row.id, message: (err as Error).message });
    return null;
  }
  // bigint columns may come back as strings from some drivers (PostgreSQL).
  const fromMs = Number(row.from_ms);
  const toMs = Number(row.to_ms);
  return {
    window: {
      id: row.id,
      scope,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      reason: row.reason,
      createdBy: row.created_by,
      createdAt: row.created_at,
    },
    fromMs,
    toMs,
  };
}
