import { z } from 'zod';
import { alarmKinds, alarmPriorities, type Alarm } from '../../../modules/kernel/alarm-model.js';
import { groupTimingSchema, type GroupTiming } from './grouping.js';
import { idSchema, parseParams, teamNameSchema } from './validation.js';

/**
 * Routing: which team hears about an alarm, under which schedule and escalation policy, and how its messages are
 * grouped. Routes are tried in order and the first that matches wins — unless it says `continue: true`, in which
 * case the alarm also goes on to the routes below it (a managers' digest next to the on-call team, say). An alarm no
 * route takes goes to the fallback, so nothing is dropped because of a gap in the configuration.
 */

/** Site and host-group ids as the console names them. */
const nameInListSchema = z.string().min(1).max(64).regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'no control characters');

/** A telemetry tag, exactly (`north.pump1.flow`) or by prefix with one trailing `*` (`north.pump1.*`). */
const tagPatternSchema = z
  .string()
  .min(1)
  .max(65)
  .regex(/^[^*\p{Cc}\u2028\u2029]+\*?$/u, 'a tag name, or a prefix ending in a single "*"');

export const routeMatchSchema = z.strictObject({
  /** Each field left out matches every alarm; a field given matches when the alarm has any value listed (OR). All
   * fields given must match (AND). */
  sites: z.array(nameInListSchema).min(1).max(500).optional(),
  hostGroups: z.array(nameInListSchema).min(1).max(500).optional(),
  tags: z.array(tagPatternSchema).min(1).max(500).optional(),
  priorities: z.array(z.enum(alarmPriorities)).min(1).optional(),
  kinds: z.array(z.enum(alarmKinds)).min(1).optional(),
});
export type RouteMatch = z.infer<typeof routeMatchSchema>;

/** What an alarm's messages are grouped by; the values of these fields make the group key. */
export const groupByFields = ['site', 'host', 'tag', 'kind', 'priority', 'rule'] as const;

const destination = {
  team: teamNameSchema,
  /** The on-call schedule and escalation policy that page for this route; without them the team gets messages only. */
  schedule: idSchema.optional(),
  escalationPolicy: idSchema.optional(),
  groupBy: z.array(z.enum(groupByFields)).max(groupByFields.length).default(['site', 'rule']),
  grouping: groupTimingSchema.default(groupTimingSchema.parse({})),
};

export const routeSchema = z.strictObject({
  id: idSchema,
  match: routeMatchSchema.default({}),
  ...destination,
  /** Go on to the routes below after this one matched. */
  continue: z.boolean().default(false),
});
export type Route = z.infer<typeof routeSchema>;

export const routingSchema = z
  .strictObject({
    routes: z.array(routeSchema).max(500).default([]),
    fallback: z.strictObject(destination),
  })
  .superRefine((routing, ctx) => {
    const seen = new Set<string>(['fallback']);
    routing.routes.forEach((route, index) => {
      if (seen.has(route.id)) ctx.addIssue({ code: 'custom', path: ['routes', index, 'id'], message: 'is used twice (or is "fallback")' });
      seen.add(route.id);
    });
  });
export type Routing = z.infer<typeof routingSchema>;
export type RoutingInput = z.input<typeof routingSchema>;

/** Check routing from configuration or the API; throws GatehouseError 'invalid-params' naming the bad key. */
export function parseRouting(input: unknown): Routing {
  return parseParams(routingSchema, input, 'alarm routing');
}

/** The alarm fields routing looks at, and the host groups of its host (the alarm itself names only the host). */
export type RoutableAlarm = Pick<Alarm, 'ruleId' | 'priority' | 'kind' | 'source'>;

export interface RouteDecision {
  /** The route's id, or `fallback`. */
  route: string;
  team: string;
  schedule?: string;
  escalationPolicy?: string;
  /** The key the grouping (./grouping.ts) groups this alarm's messages under. */
  groupKey: string;
  grouping: GroupTiming;
}

/** The routes an alarm goes to, in order: the first match, plus those after any `continue`; else the fallback. */
export function routeAlarm(routing: Routing, alarm: RoutableAlarm, hostGroups: readonly string[] = []): RouteDecision[] {
  const decisions: RouteDecision[] = [];
  for (const route of routing.routes) {
    if (!matches(route.match, alarm, hostGroups)) continue;
    decisions.push(decide(route.id, route, alarm));
    if (!route.continue) return decisions;
  }
  if (decisions.length === 0) decisions.push(decide('fallback', routing.fallback, alarm));
  return decisions;
}

function matches(match: RouteMatch, alarm: RoutableAlarm, hostGroups: readonly string[]): boolean {
  const { siteId, tag } = alarm.source;
  if (match.sites && !(siteId !== undefined && match.sites.includes(siteId))) return false;
  if (match.hostGroups && !match.hostGroups.some((group) => hostGroups.includes(group))) return false;
  if (match.tags && !(tag !== undefined && match.tags.some((pattern) => tagMatches(pattern, tag)))) return false;
  if (match.priorities && !match.priorities.includes(alarm.priority)) return false;
  if (match.kinds && !match.kinds.includes(alarm.kind)) return false;
  return true;
}

/** Plain string comparison, no regular expression built from configuration. */
function tagMatches(pattern: string, tag: string): boolean {
  return pattern.endsWith('*') ? tag.startsWith(pattern.slice(0, -1)) : tag === pattern;
}

function decide(id: string, target: z.infer<z.ZodObject<typeof destination>>, alarm: RoutableAlarm): RouteDecision {
  const values: Record<(typeof groupByFields)[number], string | undefined> = {
    site: alarm.source.siteId,
    host: alarm.source.hostId,
    tag: alarm.source.tag,
    kind: alarm.kind,
    priority: alarm.priority,
    rule: alarm.ruleId,
  };
  // Encoded so a site called "a rule=b" cannot pose as another group.
  const groupKey = target.groupBy.map((field) => `${field}=${encodeURIComponent(values[field] ?? '')}`).join(' ');
  const decision: RouteDecision = { route: id, team: target.team, groupKey, grouping: target.grouping };
  if (target.schedule) decision.schedule = target.schedule;
  if (target.escalationPolicy) decision.escalationPolicy = target.escalationPolicy;
  return decision;
}
