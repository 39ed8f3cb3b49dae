/**
 * The `notifications` key of the console's configuration: how alarms reach people. Channels (how to send),
 * people and teams (whom, at which addresses), on-call schedules and escalation policies (who is on call, who next),
 * and routing (which alarm goes to which team, schedule and policy). One schema; the cross-checks below name the
 * bad key, so a typo in a person's name fails at start-up instead of at 3 a.m.
 *
 * Without `routing` nothing is paged (the alarm list still works); without the whole key, nothing is recorded either.
 */
import { z } from 'zod';
import { retryPolicySchema } from '../notify/dispatcher.js';
import { EmailChannel, emailConfigSchema } from '../notify/email-channel.js';
import { type Channel, channelIdSchema } from '../notify/notification.js';
import { SmsChannel, smsConfigSchema } from '../notify/sms-channel.js';
import { WebhookChannel, webhookConfigSchema } from '../notify/webhook-channel.js';
import { maxAckLinkLifetimeMs } from '../notify/ack-link.js';
import { escalationPolicySchema } from '../oncall/escalation.js';
import { routingSchema } from '../oncall/routing.js';
import { scheduleSchema } from '../oncall/schedule.js';
import { parseParams, personNameSchema, teamNameSchema } from '../oncall/validation.js';
import { timeZoneSchema } from '../time-zone.js';

/** One configured channel; `type` picks which. The fields are the channel's own (notify/README.md). */
export const channelConfigSchema = z.discriminatedUnion('type', [
  emailConfigSchema.extend({ type: z.literal('email') }).strict(),
  webhookConfigSchema.extend({ type: z.literal('webhook') }).strict(),
  smsConfigSchema.extend({ type: z.literal('sms') }).strict(),
]);
export type ChannelConfig = z.output<typeof channelConfigSchema>;

/** The channel a configuration entry describes; throws GatehouseError 'invalid-params' as its constructor does. */
export function buildChannel(config: ChannelConfig, now: () => number = Date.now): Channel {
  const { type, ...options } = config;
  if (type === 'email') return new EmailChannel(options as z.output<typeof emailConfigSchema>);
  if (type === 'webhook') return new WebhookChannel(options as z.output<typeof webhookConfigSchema>, now);
  return new SmsChannel(options as z.output<typeof smsConfigSchema>);
}

/**
 * One way of reaching a person or a team: a channel, and the address on it (an e-mail address, a phone number).
 * A webhook has its address in its own configuration and takes none here.
 */
export const contactSchema = z.strictObject({
  channel: channelIdSchema,
  address: z.string().min(1).max(320).regex(/^[^\p{Cc}\u2028\u2029]*$/u, 'no control characters').optional(),
});
export type Contact = z.infer<typeof contactSchema>;

/** Person names become the acknowledging user of an alarm (64 characters at most there). */
const pagedNameSchema = personNameSchema.max(64);

export const personSchema = z.strictObject({
  name: pagedNameSchema,
  /** Every contact is paged at once (an e-mail and an SMS, say). */
  contacts: z.array(contactSchema).min(1).max(10),
});

export const teamSchema = z.strictObject({
  name: teamNameSchema.max(64),
  /** People of `people`; an escalation step `{ "team": … }` pages each of them. */
  members: z.array(pagedNameSchema).max(200).default([]),
  /**
   * Where the route's grouped messages go (a shared mailbox, a chat webhook). Left empty, they go to each member's
   * own contacts, so a team is never silently without messages.
   */
  contacts: z.array(contactSchema).max(20).default([]),
});

export const notificationsSchema = z
  .strictObject({
    /** The time zone messages and the acknowledge page show times in (the site-local wall clock). Default UTC. */
    timeZone: timeZoneSchema.default('UTC'),
    /** How long an acknowledge link in a message works, in minutes (default 240 = 4 h; at most 7 days). */
    ackLinkMinutes: z
      .number()
      .int()
      .min(5)
      .max(maxAckLinkLifetimeMs / 60_000)
      .default(240),
    /** Retries of a failed send: `maxAttempts` (5), `firstDelayMs` (30 000, doubling), `maxDelayMs` (900 000). */
    retry: retryPolicySchema.default(retryPolicySchema.parse({})),
    channels: z.array(channelConfigSchema).max(50).default([]),
    people: z.array(personSchema).max(1000).default([]),
    teams: z.array(teamSchema).max(200).default([]),
    schedules: z.array(scheduleSchema).max(200).default([]),
    escalationPolicies: z.array(escalationPolicySchema).max(200).default([]),
    /** Which alarm goes where (oncall/README.md "Routing"). Absent: nobody is paged. */
    routing: routingSchema.optional(),
  })
  .superRefine((config, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = <T>(items: T[], key: (item: T) => string, listPath: string, field: string) => {
      const seen = new Set<string>();
      items.forEach((item, index) => {
        const value = key(item);
        if (seen.has(value)) issue([listPath, index, field], 'is used twice');
        seen.add(value);
      });
      return seen;
    };
    const channels = new Map(config.channels.map((c) => [c.id, c.type]));
    // The channels' own checks (https or loopback only, no password without TLS, a fillable SMS template) run here
    // too, so they fail at start-up with the key named.
    config.channels.forEach((channel, index) => {
      try {
        const built = buildChannel(channel);
        if (built instanceof EmailChannel) built.close();
      } catch (err) {
        issue(['channels', index], err instanceof Error ? err.message : 'is invalid');
      }
    });
    unique(config.channels, (c) => c.id, 'channels', 'id');
    const people = unique(config.people, (p) => p.name, 'people', 'name');
    const teams = unique(config.teams, (t) => t.name, 'teams', 'name');
    const schedules = unique(config.schedules, (s) => s.id, 'schedules', 'id');
    const policies = unique(config.escalationPolicies, (p) => p.id, 'escalationPolicies', 'id');

    const checkContacts = (contacts: Contact[], path: (string | number)[]) =>
      contacts.forEach((contact, index) => {
        const type = channels.get(contact.channel);
        if (!type) issue([...path, index, 'channel'], 'names no configured channel');
        else if (type !== 'webhook' && contact.address === undefined) issue([...path, index, 'address'], `is needed for a ${type} channel`);
      });
    const checkPerson = (name: string | undefined, path: (string | number)[]) => {
      if (name !== undefined && !people.has(name)) issue(path, 'names nobody in "people"');
    };

    config.people.forEach((person, i) => checkContacts(person.contacts, ['people', i, 'contacts']));
    config.teams.forEach((team, i) => {
      checkContacts(team.contacts, ['teams', i, 'contacts']);
      team.members.forEach((member, j) => checkPerson(member, ['teams', i, 'members', j]));
      if (team.members.length === 0 && team.contacts.length === 0) issue(['teams', i], 'needs members or contacts, or its messages reach nobody');
    });
    config.schedules.forEach((schedule, i) => {
      schedule.primary.people.forEach((p, j) => checkPerson(p, ['schedules', i, 'primary', 'people', j]));
      schedule.backup?.people.forEach((p, j) => checkPerson(p, ['schedules', i, 'backup', 'people', j]));
      checkPerson(schedule.manager, ['schedules', i, 'manager']);
      schedule.overrides.forEach((o, j) => checkPerson(o.person, ['schedules', i, 'overrides', j, 'person']));
    });
    config.escalationPolicies.forEach((policy, i) =>
      policy.steps.forEach((step, j) => {
        if (typeof step.notify !== 'object') return;
        if ('person' in step.notify) checkPerson(step.notify.person, ['escalationPolicies', i, 'steps', j, 'notify', 'person']);
        else if (!teams.has(step.notify.team)) issue(['escalationPolicies', i, 'steps', j, 'notify', 'team'], 'names no team in "teams"');
      }),
    );
    if (!config.routing) return;
    const destinations = [
      ...config.routing.routes.map((route, i) => ({ route, path: ['routing', 'routes', i] as (string | number)[] })),
      { route: config.routing.fallback, path: ['routing', 'fallback'] as (string | number)[] },
    ];
    for (const { route, path } of destinations) {
      if (!teams.has(route.team)) issue([...path, 'team'], 'names no team in "teams"');
      if (route.schedule !== undefined && !schedules.has(route.schedule)) issue([...path, 'schedule'], 'names no schedule in "schedules"');
      if (route.escalationPolicy === undefined) continue;
      if (!policies.has(route.escalationPolicy)) {
        issue([...path, 'escalationPolicy'], 'names no policy in "escalationPolicies"');
        continue;
      }
      const policy = config.escalationPolicies.find((p) => p.id === route.escalationPolicy);
      const needsSchedule = policy?.steps.some((step) => typeof step.notify === 'string');
      if (needsSchedule && route.schedule === undefined) {
        issue([...path, 'schedule'], `is needed: policy ${route.escalationPolicy} pages the primary, backup or manager of a schedule`);
      }
    }
  });

export type Notifications = z.output<typeof notificationsSchema>;
export type NotificationsInput = z.input<typeof notificationsSchema>;

/** Check the `notifications` configuration; throws GatehouseError 'invalid-params' naming the bad key. */
export function parseNotifications(input: unknown): Notifications {
  return parseParams(notificationsSchema, input, 'notifications');
}
