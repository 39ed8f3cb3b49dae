import { z } from 'zod';
import { whoIsOnCall, type Schedule } from './schedule.js';
import { checkDate, idSchema, parseParams, personNameSchema, teamNameSchema } from './validation.js';

/**
 * Escalation policies: who is paged about an unacknowledged alarm, and how long each page waits before the next
 * step. The stepper is pure: the console keeps, per alarm, how far it has handled the policy (`handledUntil`), calls
 * `nextEscalation` when the timer fires or the alarm changes, sends what is due, and sets its timer to `nextAt`.
 */

/** Who a step pages: a layer of the site's schedule, its manager, or someone named. */
export const escalationTargetSchema = z.union([
  z.enum(['primary', 'backup', 'manager']),
  z.strictObject({ person: personNameSchema }),
  z.strictObject({ team: teamNameSchema }),
], { error: 'must be "primary", "backup", "manager", { "person": name } or { "team": name }' });
export type EscalationTarget = z.infer<typeof escalationTargetSchema>;

/** A week: longer waits are a configuration mistake, not a policy. */
const MAX_WAIT_MINUTES = 7 * 24 * 60;

export const escalationStepSchema = z.strictObject({
  notify: escalationTargetSchema,
  /**
   * Minutes to wait after this page before the next step, if nobody acknowledges. Fractions are whole seconds:
   * 0.5 = 30 s (short waits are for tests and drills; a real policy gives people minutes).
   */
  waitMinutes: z
    .number()
    .min(0)
    .max(MAX_WAIT_MINUTES)
    .refine((minutes) => Math.abs(minutes * 60 - Math.round(minutes * 60)) < 1e-6, 'must be a whole number of seconds (0.5 = 30 s)'),
});
export type EscalationStep = z.infer<typeof escalationStepSchema>;

export const escalationPolicySchema = z.strictObject({
  id: idSchema,
  steps: z.array(escalationStepSchema).min(1).max(20),
  /**
   * How many more times to run all the steps after the first pass: 0 pages each step once, 2 runs the list three
   * times. A repeated pass starts when the last step's wait has passed.
   */
  repeat: z.number().int().min(0).max(10).default(0),
});
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type EscalationPolicyInput = z.input<typeof escalationPolicySchema>;

/** Check a policy from configuration or the API; throws GatehouseError 'invalid-params' naming the bad key. */
export function parseEscalationPolicy(input: unknown): EscalationPolicy {
  return parseParams(escalationPolicySchema, input, 'escalation policy');
}

/** One page the console should send now. */
export interface PageTarget {
  /** 1 for the first page of this alarm, counting on through steps and passes (Notification.escalationStep). */
  page: number;
  /** 1-based step of the policy, and pass through it (1 = first run). */
  step: number;
  pass: number;
  /** When the page was due; earlier than now when the console was late (restart, load). */
  dueAt: Date;
  notify: EscalationTarget;
  /** Whom to send it to; both absent when the schedule has nobody, and `nobody` says why. */
  person?: string;
  team?: string;
  nobody?: string;
}

export interface EscalationDecision {
  due: PageTarget[];
  /** When to call again; null when the policy is done or stopped. */
  nextAt: Date | null;
  /** Why nothing more will come: an acknowledgement, or every step and repeat has been paged. */
  stopped: 'acknowledged' | 'exhausted' | null;
}

interface PlannedPage {
  page: number;
  step: number;
  pass: number;
  at: number;
  notify: EscalationTarget;
}

function plan(policy: EscalationPolicy, raisedAt: number): PlannedPage[] {
  const pages: PlannedPage[] = [];
  let at = raisedAt;
  for (let pass = 1; pass <= policy.repeat + 1; pass++) {
    policy.steps.forEach((step, index) => {
      pages.push({ page: pages.length + 1, step: index + 1, pass, at, notify: step.notify });
      at += Math.round(step.waitMinutes * 60) * 1000;
    });
  }
  return pages;
}

/**
 * What to page now for an alarm raised at `alarmRaisedAt`: every page due in (`handledUntil`, `now`] — from the
 * raise itself when `handledUntil` is null — unless the alarm was acknowledged at or before `now`, which stops the
 * policy. Layers and the manager are looked up in `schedule` as of `now`: a late page goes to whoever is on call
 * when it is sent.
 */
export function nextEscalation(
  policy: EscalationPolicy,
  alarmRaisedAt: Date,
  acknowledgedAt: Date | null,
  now: Date,
  schedule: Schedule | null,
  handledUntil: Date | null = null,
): EscalationDecision {
  const raised = checkDate(alarmRaisedAt, 'alarmRaisedAt');
  const current = checkDate(now, 'now');
  const handled = handledUntil === null ? null : checkDate(handledUntil, 'handledUntil');
  if (acknowledgedAt !== null && checkDate(acknowledgedAt, 'acknowledgedAt') <= current) {
    return { due: [], nextAt: null, stopped: 'acknowledged' };
  }

  const pages = plan(policy, raised);
  const duePages = pages.filter((p) => p.at <= current && (handled === null || p.at > handled));
  const next = pages.find((p) => p.at > current);
  const onCall = schedule ? whoIsOnCall(schedule, now) : null;
  return {
    due: duePages.map((p) => resolveTarget(p, schedule, onCall)),
    nextAt: next ? new Date(next.at) : null,
    stopped: next ? null : 'exhausted',
  };
}

function resolveTarget(p: PlannedPage, schedule: Schedule | null, onCall: ReturnType<typeof whoIsOnCall> | null): PageTarget {
  const base: PageTarget = { page: p.page, step: p.step, pass: p.pass, dueAt: new Date(p.at), notify: p.notify };
  if (typeof p.notify === 'object') return { ...base, ...p.notify };
  if (!schedule || !onCall) return { ...base, nobody: `no on-call schedule to find the ${p.notify} in` };
  if (p.notify === 'manager') {
    return schedule.manager ? { ...base, person: schedule.manager } : { ...base, nobody: `schedule ${schedule.id} names no manager` };
  }
  const shift = onCall[p.notify];
  if (shift) return { ...base, person: shift.person };
  const why = onCall.nobody.find((text) => text.includes(`the ${p.notify} `));
  return { ...base, nobody: why ?? `schedule ${schedule.id} has no ${p.notify} on call` };
}
