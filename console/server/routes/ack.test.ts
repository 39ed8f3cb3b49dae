import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Alarm } from '../../../modules/kernel/alarm-model.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { AckLinks, MemoryAckTokenStore } from '../notify/ack-link.js';
import { sampleNotification } from '../notify/sample-notification.js';
import type { AppEnv } from '../http/env.js';
import { type AckServices, ackRoutes } from './ack.js';

const start = Date.parse('2026-11-24T02:12:00Z');

function fixture(alarmChanges: Partial<Alarm> = {}) {
  const clock = { now: start };
  const store = new MemoryAckTokenStore();
  const links = new AckLinks({ publicOrigin: 'https://console.example', store, now: () => clock.now });
  // The notify tests' alarm, under the id and source this route's links name.
  let alarm: Alarm = {
    ...sampleNotification().alarm,
    id: 'lt101-hh@h1',
    ruleId: 'lt101-hh',
    source: { hostId: 'h1', siteId: 'north', tag: 'LT-101' },
    ...alarmChanges,
  };
  const acknowledged: Array<{ username: string; address: string | null; comment: string | undefined }> = [];
  const services: AckServices = {
    alarms: {
      async acknowledge(actor, alarmId, comment) {
        if (alarmId !== alarm.id) throw new GatehouseError('not-found', 'no such alarm');
        if (alarm.state !== 'unacknowledged') throw new GatehouseError('conflict', `the alarm is ${alarm.state}`);
        acknowledged.push({ ...actor, comment });
        alarm = { ...alarm, state: 'acknowledged', acknowledgedBy: actor.username, acknowledgedAt: new Date(clock.now).toISOString() };
        return alarm;
      },
      alarm(alarmId) {
        if (alarmId !== alarm.id) throw new GatehouseError('not-found', 'no such alarm');
        return alarm;
      },
    },
    pager: {
      links,
      timeZone: 'Europe/Berlin',
      now: () => clock.now,
      names: () => ({ site: 'North water works', host: 'plc-gateway-1' }),
      async describeAckLink(token) {
        const link = await links.checkAckLink(token, clock.now);
        return { ...link, expiresAt: (await store.get(token.split('.')[0] ?? ''))?.expiresAt ?? null };
      },
    },
  };
  const app = new Hono<AppEnv>().route('/ack', ackRoutes(services));
  const newLink = async (recipient = 'ana') => {
    const url = await links.createAckLink({ alarmId: alarm.id, recipient, expiresAt: start + 4 * 3_600_000 });
    return url.pathname;
  };
  const post = (path: string, comment = '') =>
    app.request(path, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ comment }).toString() });
  return { app, clock, store, acknowledged, newLink, post, setAlarm: (changes: Partial<Alarm>) => (alarm = { ...alarm, ...changes }) };
}

describe('the acknowledge page', () => {
  it('shows the alarm and one button on GET, and acknowledges nothing', async () => {
    const f = fixture();
    const path = await f.newLink();
    const res = await f.app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    const html = await res.text();
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1] ?? 'missing';
    expect(html).toContain(`<style nonce="${nonce}">`);
    expect(html).not.toContain('<script');
    for (const text of ['CRITICAL · grade A', 'Clear water tank level high high', 'North water works', 'plc-gateway-1', 'LT-101', '4.82 (limit 4.5, HH)', '2026-11-24 03:12:05 CET (Europe/Berlin)', 'active, not acknowledged', 'sent to ana', 'expires 2026-11-24 07:12:00 CET']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/<form method="post">[\s\S]*<textarea[^>]*name="comment"[\s\S]*<button type="submit">Acknowledge<\/button>/);
    expect(f.acknowledged).toEqual([]);
    expect(f.store.all().map((r) => r.usedAt)).toEqual([null]);
    // A second look (a scanner, then the person) still works.
    expect((await f.app.request(path)).status).toBe(200);
  });

  it("acknowledges on POST as the link's recipient, once", async () => {
    const f = fixture();
    const path = await f.newLink();
    const res = await f.post(path, '  on my way  ');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Acknowledged — the page has stopped');
    expect(f.acknowledged).toEqual([{ username: 'ana', address: null, comment: 'on my way' }]);

    const again = await f.post(path);
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toContain('This link was already used');
    expect(html).toContain('ana acknowledged this alarm');
  });

  it('records a default comment when none is given', async () => {
    const f = fixture();
    await f.post(await f.newLink());
    expect(f.acknowledged[0]?.comment).toBe('acknowledged from the notification link');
  });

  it('says who acknowledged already, and leaves the link unused', async () => {
    const f = fixture();
    const path = await f.newLink();
    f.setAlarm({ state: 'acknowledged', acknowledgedBy: 'ben', acknowledgedAt: '2026-11-24T02:20:00.000Z' });
    for (const res of [await f.app.request(path), await f.post(path)]) {
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Already acknowledged');
      expect(html).toContain('acknowledged by ben, 2026-11-24 03:20:00 CET');
      expect(html).not.toContain('<form');
    }
    expect(f.acknowledged).toEqual([]);
    expect(f.store.all().map((r) => r.usedAt)).toEqual([null]);
  });

  it('answers 404 for an unknown or tampered link, 410 for an expired one', async () => {
    const f = fixture();
    const path = await f.newLink();
    expect((await f.app.request('/ack/nonsense')).status).toBe(404);
    const tampered = path.slice(0, -1) + (path.endsWith('A') ? 'B' : 'A');
    expect((await f.app.request(tampered)).status).toBe(404);
    expect((await f.post(tampered)).status).toBe(404);
    f.clock.now += 5 * 3_600_000;
    const expired = await f.app.request(path);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('This link has expired');
    expect((await f.post(path)).status).toBe(410);
    expect(f.acknowledged).toEqual([]);
  });

  it('refuses a comment over 1000 characters without using the link', async () => {
    const f = fixture();
    const path = await f.newLink();
    expect((await f.post(path, 'x'.repeat(1001))).status).toBe(400);
    expect(f.store.all().map((r) => r.usedAt)).toEqual([null]);
  });

  it('shows hostile alarm text as text', async () => {
    const f = fixture({ message: '<script>alert(1)</script>', source: { hostId: 'h1', siteId: 'north', tag: '"><img src=x>' } });
    const html = await (await f.app.request(await f.newLink())).text();
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });
});
