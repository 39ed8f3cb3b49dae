/**
 * The alarm system's health report (ISA-18.2 clause 16, EEMUA 191) for a period, from the alarm tables of
 * migration 008. How the figures are counted:
 *
 * - An **annunciated alarm** is every move of an alarm into `unacknowledged`: a raise (`condition-active`, from
 *   normal, returned-unacknowledged or latched) and a re-raise when a hold lifts on an active condition
 *   (`unsuppress`, `unshelve`, `shelve-expired`, `return-to-service`). Each puts an alarm in front of an operator
 *   who must acknowledge it, which is what the rates measure. Alarms raised while held (suppressed by design,
 *   shelved, out of service) never reach `unacknowledged` and are not counted.
 * - Rates are counted in clock-aligned 10-minute periods per **operator position**: one per site (the sites
 *   table, plus "no site" when such alarms sounded) unless the request names a number of operators, who then
 *   share every alarm equally. A site filter makes one position.
 * - **Chattering**: three annunciations of one alarm within 60 s (report-measures.ts counts the bursts).
 * - **Time to acknowledge** runs from the first annunciation the operator was not yet answering to the
 *   acknowledge: a raise that clears and raises again unacknowledged is one wait, not two. Waits that end in a
 *   shelve, suppression or removal from service, or are still open at the period's end, count as not acknowledged.
 * - Priority, site and message come from each alarm's current record (`alarms.alarm`), the only place they are.
 * - Standing, stale, shelved and out-of-service alarms are as they are **now**: the table holds only the present.
 *
 * Queries are plain Kysely (portable to PostgreSQL); only the time range is filtered in SQL, the rest is
 * counted here, reading the transitions a page at a time in insertion order.
 */
import type { Kysely } from 'kysely';
import { alarmPriorities, alarmSchema, alarmTransitionSchema, type Alarm, type AlarmPriority, type AlarmTransition } from '../../../modules/kernel/alarm-model.js';
import type { AlarmReport, HeldAlarm, StandingAlarm } from '../../../modules/kernel/alarm-report.js';
import { barWidth, chatterBursts, measure, percent, percentile, round, targets, TenMinuteCounts, tenMinutes, verdictAtMost } from './report-measures.js';

/** Below this many alarms in the period a priority distribution is noise, not a finding. */
const minimumForShares = 20;

export interface AlarmReportOptions {
  /** ms since the epoch; the period is [from, to). */
  from: number;
  to: number;
  siteId?: string;
  /** Operator positions sharing the alarms; one per site when absent. */
  operators?: number;
  /** The time "now" lists are read against (tests). */
  now?: number;
}

/** Transitions read per query: enough to keep round trips few, few enough to keep memory flat. */
const pageSize = 5000;
/** The longest lists the report carries; counts are always complete. */
const listLimit = { floods: 200, chattering: 50, now: 500 } as const;
const day = 86_400_000;
const guidePercent: Record<AlarmPriority, number> = { critical: 2.5, high: 2.5, medium: 15, low: 80 };

interface Identity {
  alarmId: string;
  message: string;
  priority: AlarmPriority | null;
  siteId: string | null;
}

interface Timed {
  at: number;
  id: number;
  transition: AlarmTransition;
}

/** Compute the report for a period. Promises complete counts; the lists are capped (see `listLimit`). */
export async function computeAlarmReport(db: Kysely<any>, options: AlarmReportOptions): Promise<AlarmReport> {
  const { from, to } = options;
  const now = options.now ?? Date.now();
  const byAlarm = await readTransitions(db, from, to);
  const identities = await readIdentities(db, [...byAlarm.keys()]);
  const siteFilter = options.siteId ?? null;
  const inScope = (identity: Identity) => siteFilter === null || identity.siteId === siteFilter;

  // Positions: one per site unless pooled; the sites table counts quiet sites too (their operators saw nothing).
  const pooled = options.operators !== undefined;
  const positionKeys = new Set<string>(pooled || siteFilter !== null ? [] : await readSiteIds(db));
  const counts = new TenMinuteCounts(from, to, options.operators ?? 1);
  const perAlarm: { identity: Identity; raises: number[] }[] = [];
  const waits: number[] = [];
  let notAcknowledged = 0;

  for (const [alarmId, transitions] of byAlarm) {
    const identity = identities.get(alarmId) ?? { alarmId, message: alarmId, priority: null, siteId: null };
    if (!inScope(identity)) continue;
    transitions.sort((a, b) => a.at - b.at || a.id - b.id);
    const raises: number[] = [];
    let waitingSince: number | null = null;
    for (const { at, transition } of transitions) {
      if (transition.to === 'unacknowledged' && transition.from !== 'unacknowledged') {
        raises.push(at);
        waitingSince ??= at;
        const position = pooled ? '*' : siteFilter ?? identity.siteId ?? '';
        positionKeys.add(position);
        counts.add(position, at);
      } else if (waitingSince !== null && transition.cause === 'acknowledge') {
        waits.push((at - waitingSince) / 1000);
        waitingSince = null;
      } else if (waitingSince !== null && holds.has(transition.to)) {
        // Shelved, suppressed or taken out of service before anyone acknowledged it.
        notAcknowledged += 1;
        waitingSince = null;
      }
    }
    if (waitingSince !== null) notAcknowledged += 1;
    if (raises.length > 0) perAlarm.push({ identity, raises });
  }

  const annunciated = perAlarm.reduce((sum, a) => sum + a.raises.length, 0);
  const positions = pooled ? (options.operators as number) : Math.max(1, positionKeys.size);
  const tenMinutePeriods = Math.max(1, (to - from) / tenMinutes);

  // Priorities
  const byPriority = alarmPriorities.map((priority) => {
    const count = perAlarm.filter((a) => a.identity.priority === priority).reduce((sum, a) => sum + a.raises.length, 0);
    return { priority, count, percent: percent(count, annunciated), guidePercent: guidePercent[priority] };
  });
  const highShare = percent((byPriority[0]?.count ?? 0) + (byPriority[1]?.count ?? 0), annunciated);

  // Rates and floods
  const average = annunciated / tenMinutePeriods / positions;
  const peak = counts.peak();
  const flooded = counts.floodedPeriods();
  const floodPercent = percent(flooded, counts.periods * (pooled ? 1 : positions));
  const floods = counts.floods();
  const bucketMs = barWidth(counts.periods);

  // Most frequent
  const frequent = [...perAlarm].sort((a, b) => b.raises.length - a.raises.length || a.identity.alarmId.localeCompare(b.identity.alarmId));
  const top = frequent.slice(0, 10).map((a) => ({ ...a.identity, count: a.raises.length, percent: percent(a.raises.length, annunciated) }));
  const topShare = percent(top.reduce((sum, a) => sum + a.count, 0), annunciated);

  // Chattering
  const chattering = perAlarm
    .map((a) => ({ ...a.identity, bursts: chatterBursts(a.raises), raised: a.raises.length }))
    .filter((a) => a.bursts > 0)
    .sort((a, b) => b.bursts - a.bursts || b.raised - a.raised || a.alarmId.localeCompare(b.alarmId));

  // Time to acknowledge
  waits.sort((a, b) => a - b);
  const median = percentile(waits, 50);
  const p90 = percentile(waits, 90);

  const present = await readPresent(db, siteFilter, now);

  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    generatedAt: new Date(now).toISOString(),
    siteId: siteFilter,
    operatorPositions: positions,
    positionsFrom: pooled ? 'request' : 'sites',
    totals: {
      annunciated,
      byPriority,
      highPriorityShare: measure(highShare, targets.highPriorityShare.text, annunciated < minimumForShares ? 'too-few' : verdictAtMost(highShare, targets.highPriorityShare)),
    },
    rate: {
      average: measure(average, targets.averageRate.text, verdictAtMost(round(average), targets.averageRate)),
      peak: measure(peak, targets.peakRate.text, verdictAtMost(peak, targets.peakRate)),
      // ISA-18.2 asks for under 1 %, so exactly 1 % is already past it.
      floodPercent: measure(floodPercent, targets.floodPercent.text, floodPercent < targets.floodPercent.ok ? 'ok' : floodPercent <= targets.floodPercent.attention ? 'attention' : 'bad'),
      floods: floods.slice(-listLimit.floods).map((f) => ({
        start: new Date(f.start).toISOString(),
        end: new Date(Math.min(f.end, to)).toISOString(),
        count: f.count,
        siteId: pooled || f.position === '' ? null : f.position,
      })),
      floodCount: floods.length,
      series: { bucketMs, points: counts.series(bucketMs).map((p) => ({ ...p, at: new Date(p.at).toISOString() })) },
    },
    // With ten different alarms or fewer the top 10 are all of them: 100 % says nothing.
    frequent: { top, topShare: measure(topShare, targets.topShare.text, perAlarm.length <= 10 ? 'too-few' : verdictAtMost(topShare, targets.topShare)), distinctAlarms: perAlarm.length },
    chattering: {
      alarms: chattering.slice(0, listLimit.chattering),
      count: measure(chattering.length, targets.chattering.text, verdictAtMost(chattering.length, targets.chattering)),
    },
    acknowledge: {
      median: measure(median, targets.acknowledgeMedianS.text, median === null ? 'too-few' : verdictAtMost(median, targets.acknowledgeMedianS)),
      p90: measure(p90, targets.acknowledgeP90S.text, p90 === null ? 'too-few' : verdictAtMost(p90, targets.acknowledgeP90S)),
      acknowledged: waits.length,
      notAcknowledged,
    },
    now: present,
  };
}

/** The period's transitions grouped by alarm, read in id order a page at a time (ISO times sort as text). */
async function readTransitions(db: Kysely<any>, from: number, to: number): Promise<Map<string, Timed[]>> {
  const fromIso = new Date(from).toISOString();
  const toIso = new Date(to).toISOString();
  const byAlarm = new Map<string, Timed[]>();
  let after = 0;
  for (;;) {
    const rows: { id: number; alarm_id: string; at: string; transition: string }[] = await db
      .selectFrom('alarm_transitions')
      .select(['id', 'alarm_id', 'at', 'transition'])
      .where('id', '>', after)
      .where('at', '>=', fromIso)
      .where('at', '<', toIso)
      .orderBy('id')
      .limit(pageSize)
      .execute();
    for (const row of rows) {
      const parsed = alarmTransitionSchema.safeParse(JSON.parse(row.transition));
      // A row this console cannot read (written by a newer one) is left out rather than failing the report.
      if (!parsed.success) continue;
      let list = byAlarm.get(row.alarm_id);
      if (!list) byAlarm.set(row.alarm_id, (list = []));
      list.push({ at: Date.parse(row.at), id: Number(row.id), transition: parsed.data });
    }
    if (rows.length < pageSize) return byAlarm;
    after = Number(rows.at(-1)?.id);
  }
}

function identityOf(alarm: Alarm): Identity {
  return { alarmId: alarm.id, message: alarm.message, priority: alarm.priority, siteId: alarm.source.siteId ?? null };
}

function parseAlarm(text: string): Alarm | undefined {
  const parsed = alarmSchema.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : undefined;
}

async function readIdentities(db: Kysely<any>, ids: readonly string[]): Promise<Map<string, Identity>> {
  const identities = new Map<string, Identity>();
  // In chunks: PostgreSQL and SQLite both cap the parameters of one statement.
  for (let i = 0; i < ids.length; i += 500) {
    const rows: { alarm: string }[] = await db.selectFrom('alarms').select('alarm').where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const row of rows) {
      const alarm = parseAlarm(row.alarm);
      if (alarm) identities.set(alarm.id, identityOf(alarm));
    }
  }
  return identities;
}

async function readSiteIds(db: Kysely<any>): Promise<string[]> {
  const rows: { id: string }[] = await db.selectFrom('sites').select('id').execute();
  return rows.map((r) => r.id);
}

const holds = new Set(['shelved', 'suppressed', 'out-of-service']);
const standingStates = new Set(['unacknowledged', 'acknowledged', 'returned-unacknowledged', 'latched']);

/** Alarms as they stand now: standing, stale (active over 24 h), shelved and out of service. */
async function readPresent(db: Kysely<any>, siteId: string | null, now: number): Promise<AlarmReport['now']> {
  const rows: { alarm: string }[] = await db.selectFrom('alarms').select('alarm').where('state', '!=', 'normal').execute();
  const alarms = rows
    .map((r) => parseAlarm(r.alarm))
    .filter((a): a is Alarm => a !== undefined && (siteId === null || a.source.siteId === siteId))
    .sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
  const standingOf = (a: Alarm): StandingAlarm => ({ ...identityOf(a), state: a.state, raisedAt: a.raisedAt });
  const standing = alarms.filter((a) => standingStates.has(a.state)).map(standingOf);
  const stale = alarms
    .filter((a) => a.active && (a.state === 'unacknowledged' || a.state === 'acknowledged') && now - Date.parse(a.raisedAt) > day)
    .map(standingOf);
  const shelvedAlarms = alarms.filter((a) => a.state === 'shelved');
  const outAlarms = alarms.filter((a) => a.state === 'out-of-service');
  const shelved = await held(db, shelvedAlarms);
  const outOfService = await held(db, outAlarms);

  const longestShelvedH = Math.max(0, ...shelved.map((h) => (h.since ? (now - Date.parse(h.since)) / 3_600_000 : 0)));
  const longestOutDays = Math.max(0, ...outOfService.map((h) => (h.since ? (now - Date.parse(h.since)) / day : 0)));
  return {
    standing: standing.slice(0, listLimit.now),
    standingCount: measure(standing.length, targets.standing.text, verdictAtMost(standing.length, targets.standing)),
    stale: stale.slice(0, listLimit.now),
    staleCount: measure(stale.length, targets.stale.text, verdictAtMost(stale.length, targets.stale)),
    shelved,
    shelvedCount: measure(shelvedAlarms.length, targets.shelvedHours.text, longestShelvedH > targets.shelvedHours.ok ? 'attention' : 'ok'),
    outOfService,
    outOfServiceCount: measure(outAlarms.length, targets.outOfServiceDays.text, verdictAtMost(longestOutDays, targets.outOfServiceDays)),
  };
}

/**
 * Who shelved or took each alarm out of service, why and since when: its last transition into that state (among
 * its latest 50; an alarm chattering behind a hold has more, and shows no one rather than the wrong one).
 */
async function held(db: Kysely<any>, alarms: readonly Alarm[]): Promise<HeldAlarm[]> {
  const result: HeldAlarm[] = [];
  for (const alarm of alarms.slice(0, listLimit.now)) {
    const state = alarm.state as HeldAlarm['state'];
    const rows: { transition: string }[] = await db
      .selectFrom('alarm_transitions')
      .select('transition')
      .where('alarm_id', '=', alarm.id)
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    const into = rows.map((r) => alarmTransitionSchema.safeParse(JSON.parse(r.transition))).find((p) => p.success && p.data.to === state && p.data.from !== state);
    const t = into?.success ? into.data : undefined;
    result.push({
      ...identityOf(alarm),
      state,
      since: t?.at ?? null,
      by: t?.user ?? null,
      reason: t?.comment ?? null,
      until: state === 'shelved' ? alarm.shelvedUntil : null,
    });
  }
  return result;
}
