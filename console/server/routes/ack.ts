/**
 * The page behind the acknowledge link in a notification, mounted at /ack outside /api: the link is the only
 * credential (single-use, expiring, notify/ack-link.ts), so there is no session. GET only shows the alarm and a
 * button — mail scanners and chat previews fetch every link, and must not acknowledge anything; the button POSTs
 * back to the same address (the app's Origin check applies), and only that uses the link.
 *
 * The token is in the path, so no answer here may let it travel on: no referrer, no caching, and it never reaches a
 * log line — every failure is turned into a page here rather than left to the app's error logger, which logs paths.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Alarm } from '../../../modules/kernel/alarm-model.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { type AckPageContent, ackPageContentSecurityPolicy, renderAckPage } from '../alarms/ack-page.js';
import type { AlarmPager } from '../alarms/paging.js';
import type { AppEnv } from '../http/env.js';
import { log } from '../log.js';

/** What the page needs of the console (a subset of Services, so tests can fake it). */
export interface AckServices {
  alarms: {
    acknowledge(actor: { username: string; address: string | null }, alarmId: string, comment?: string): Promise<Alarm>;
    /** Throws GatehouseError 'not-found' for an unknown alarm. */
    alarm(alarmId: string): Alarm | Promise<Alarm>;
  };
  pager: Pick<AlarmPager, 'links' | 'describeAckLink' | 'names' | 'timeZone' | 'now'>;
}

const maxCommentLength = 1000;
const defaultComment = 'acknowledged from the notification link';

/** States in which the link can still acknowledge the alarm. */
const acknowledgeable = new Set<Alarm['state']>(['unacknowledged', 'returned-unacknowledged']);

export function ackRoutes(services: AckServices): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { alarms, pager } = services;

  const page = (c: Context<AppEnv>, status: ContentfulStatusCode, content: Omit<AckPageContent, 'timeZone'>): Response => {
    const nonce = randomBytes(16).toString('base64');
    return c.html(renderAckPage({ ...content, timeZone: pager.timeZone }, nonce), status, {
      'Content-Security-Policy': ackPageContentSecurityPolicy(nonce),
      // same-origin, not no-referrer: with no-referrer a browser's form POST says `Origin: null`, which the Origin
      // check rightly refuses. same-origin still keeps the token in this URL from leaking to any other site.
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      'X-Robots-Tag': 'noindex, nofollow',
    });
  };
  const withNames = (alarm: Alarm) => ({ alarm, ...pager.names(alarm) });

  /** The alarm is past acknowledging: say by whom and when, or what it is now. */
  const alreadyHandled = (c: Context<AppEnv>, alarm: Alarm, recipient?: string): Response =>
    page(c, 200, {
      tone: 'info',
      title: alarm.state === 'acknowledged' || alarm.acknowledgedBy ? 'Already acknowledged' : 'Nothing to acknowledge',
      lead: alarm.acknowledgedBy
        ? `${alarm.acknowledgedBy} acknowledged this alarm. Nothing more is needed from this link.`
        : 'This alarm no longer waits for an acknowledgement.',
      alarm: withNames(alarm),
      ...(recipient ? { recipient } : {}),
    });

  /** Link problems as pages: unknown 404, used 409 (with the alarm, if it can be found), expired 410. */
  const problem = async (c: Context<AppEnv>, err: unknown): Promise<Response> => {
    if (err instanceof GatehouseError) {
      if (err.code === 'not-found') {
        return page(c, 404, { tone: 'problem', title: 'This link is not valid', lead: 'Check that the whole link was opened, or acknowledge the alarm in the console.' });
      }
      if (err.code === 'conflict') {
        const alarm = await findAlarm(err.context.alarmId);
        return page(c, 409, {
          tone: 'problem',
          title: 'This link was already used',
          lead: alarm?.acknowledgedBy ? `${alarm.acknowledgedBy} acknowledged this alarm.` : 'Each link acknowledges once. Open the console to see the alarm.',
          ...(alarm ? { alarm: withNames(alarm) } : {}),
        });
      }
      if (err.code === 'unauthorized') {
        return page(c, 410, { tone: 'problem', title: 'This link has expired', lead: 'Acknowledge the alarm in the console, or use the link in a newer message.' });
      }
    }
    log.error('acknowledge page failed', { message: err instanceof Error ? err.message : String(err) });
    return page(c, 500, { tone: 'problem', title: 'Something went wrong', lead: 'The alarm was not acknowledged. Try again, or acknowledge it in the console.' });
  };

  const findAlarm = async (alarmId: string | number | undefined): Promise<Alarm | undefined> => {
    if (typeof alarmId !== 'string') return undefined;
    try {
      return await alarms.alarm(alarmId);
    } catch {
      return undefined;
    }
  };

  app.get('/:token', async (c) => {
    try {
      const link = await pager.describeAckLink(c.req.param('token'));
      const alarm = await alarms.alarm(link.alarmId);
      if (!acknowledgeable.has(alarm.state)) return alreadyHandled(c, alarm, link.recipient);
      return page(c, 200, {
        tone: 'ask',
        title: 'Acknowledge this alarm?',
        lead: 'Acknowledging tells everyone you are dealing with it, and stops the paging.',
        alarm: withNames(alarm),
        recipient: link.recipient,
        expiresAt: link.expiresAt,
        form: true,
      });
    } catch (err) {
      return problem(c, err);
    }
  });

  app.post(
    '/:token',
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => page(c, 413, { tone: 'problem', title: 'The comment is too long', lead: `At most ${maxCommentLength} characters.` }) }),
    async (c) => {
      try {
        const token = c.req.param('token');
        const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
        const raw = body['comment'];
        const comment = typeof raw === 'string' ? raw.trim() : '';
        if (comment.length > maxCommentLength) {
          return page(c, 400, { tone: 'problem', title: 'The comment is too long', lead: `At most ${maxCommentLength} characters. Go back and shorten it; the alarm is not acknowledged yet.` });
        }
        // Look first, so a link to an alarm someone else has acknowledged stays unused and says who did.
        const link = await pager.describeAckLink(token);
        const before = await alarms.alarm(link.alarmId);
        if (!acknowledgeable.has(before.state)) return alreadyHandled(c, before, link.recipient);

        const redeemed = await pager.links.redeemAckLink(token, pager.now());
        let alarm: Alarm;
        try {
          alarm = await alarms.acknowledge({ username: redeemed.recipient, address: c.get('address') ?? null }, redeemed.alarmId, comment || defaultComment);
        } catch (err) {
          // Someone acknowledged it between our look and our click.
          const now = err instanceof GatehouseError && err.code === 'conflict' ? await findAlarm(redeemed.alarmId) : undefined;
          if (now) return alreadyHandled(c, now, redeemed.recipient);
          throw err;
        }
        return page(c, 200, {
          tone: 'done',
          title: 'Acknowledged — the page has stopped',
          lead: `Thank you, ${redeemed.recipient}. Everyone looking at the alarm list sees that you have it.`,
          alarm: withNames(alarm),
        });
      } catch (err) {
        return problem(c, err);
      }
    },
  );

  return app;
}
