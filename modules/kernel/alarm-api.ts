import { z } from 'zod';
import { alarmSchema, alarmTransitionSchema } from './alarm-model.js';
import { alarmRuleSchema, ruleNameSchema } from './alarm-rules.js';
import { hostTagSchema } from './console-api.js';

/**
 * The alarm API as the console serves it and the web app reads it (docs/api.md "Alarms"). Requests are checked
 * with these schemas on the console; the web app takes its types from here.
 */

const comment = z.string().trim().max(1000);

/** POST /api/alarms/:id/acknowledge — the comment is optional, but operators are asked for one. */
export const acknowledgeRequestSchema = z.object({ comment: comment.optional() }).strict();

/** POST /api/alarms/acknowledge — several at once (the list's "Acknowledge selected"). */
export const acknowledgeManyRequestSchema = z
  .object({ ids: z.array(z.string().min(1).max(140)).min(1).max(500), comment: comment.optional() })
  .strict();

/** What acknowledging many did, alarm by alarm: one refusal does not undo the others. */
export const acknowledgeManyResultSchema = z.object({
  acknowledged: z.array(z.string()),
  refused: z.array(z.object({ id: z.string(), code: z.string(), message: z.string() })),
});
export type AcknowledgeManyResult = z.infer<typeof acknowledgeManyResultSchema>;

/** POST /api/alarms/:id/shelve — a reason, and either minutes (up to the rule's maximum) or one-shot. */
export const shelveRequestSchema = z
  .object({
    reason: comment.min(1, 'a reason is required'),
    minutes: z.number().int().min(1).max(7 * 24 * 60).optional(),
    /** Until the condition clears (and at most the rule's maximum). */
    oneShot: z.boolean().optional(),
  })
  .strict()
  .refine((r) => (r.minutes !== undefined) !== (r.oneShot === true), 'give either minutes or oneShot: true');

/** POST /api/alarms/:id/remove-from-service — a reason is required. */
export const removeFromServiceRequestSchema = z.object({ reason: comment.min(1, 'a reason is required') }).strict();

/** POST /api/alarms/:id/{unshelve,return-to-service,reset} — an optional comment. */
export const operatorCommentRequestSchema = z.object({ comment: comment.optional() }).strict();

/** One notification attempt as the alarm's page shows it (console/server/notify/attempt-log.ts). */
export const deliveryAttemptSchema = z.object({
  notificationId: z.string(),
  alarmId: z.string(),
  event: z.enum(['raised', 'escalated', 'cleared']),
  channel: z.string(),
  recipient: z.string(),
  attempt: z.number(),
  at: z.number(),
  status: z.enum(['delivered', 'will-retry', 'failed', 'cancelled']),
  detail: z.string(),
  nextAttemptAt: z.number().nullable(),
});
export type DeliveryAttemptView = z.infer<typeof deliveryAttemptSchema>;

/** GET /api/alarms/:id — the alarm (normal ones too), its rule, every transition and notification attempt. */
export const alarmDetailSchema = z.object({
  alarm: alarmSchema,
  rule: alarmRuleSchema,
  /** Oldest first. */
  history: z.array(alarmTransitionSchema),
  /** Oldest first. */
  attempts: z.array(deliveryAttemptSchema),
  /** The maintenance window the alarm's source is in now, if any: its alarms are recorded but not notified. */
  maintenance: z.lazy(() => maintenanceWindowSchema).nullable(),
});
export type AlarmDetail = z.infer<typeof alarmDetailSchema>;

/** GET /api/alarms/floods — more than 10 alarms at a site within 10 minutes. */
export const floodSchema = z.object({ siteId: z.string(), startedAt: z.string(), endedAt: z.string().nullable(), raised: z.number() });
export type FloodView = z.infer<typeof floodSchema>;

/** PUT /api/alarm-rules/:id takes a rule (alarm-rules.ts); GET /api/alarm-rules lists them with their alarms' counts. */
export const alarmRuleViewSchema = z.object({
  rule: alarmRuleSchema,
  /** Alarms of this rule not normal now. */
  standing: z.number(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type AlarmRuleView = z.infer<typeof alarmRuleViewSchema>;

/** Where a maintenance window applies: one host, every host with a tag (a host group), or a site. */
export const maintenanceScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host'), hostId: z.string().min(1).max(64) }).strict(),
  // A host group is a host tag, so it takes a host tag's form (lower case): anything else could never match.
  z.object({ kind: z.literal('group'), tag: hostTagSchema }).strict(),
  z.object({ kind: z.literal('site'), siteId: ruleNameSchema }).strict(),
]);
export type MaintenanceScope = z.infer<typeof maintenanceScopeSchema>;

/** POST /api/maintenance-windows. Alarms inside a window are recorded and listed, but nobody is paged. */
export const maintenanceWindowRequestSchema = z
  .object({
    scope: maintenanceScopeSchema,
    /** ISO times with an offset. */
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    reason: comment.min(1, 'a reason is required'),
  })
  .strict()
  .refine((w) => Date.parse(w.to) > Date.parse(w.from), { path: ['to'], message: 'must be after from' })
  .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= 31 * 86_400_000, { path: ['to'], message: 'a window lasts at most 31 days' });
export type MaintenanceWindowRequest = z.infer<typeof maintenanceWindowRequestSchema>;

export const maintenanceWindowSchema = z.object({
  id: z.string(),
  scope: maintenanceScopeSchema,
  from: z.string(),
  to: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;
