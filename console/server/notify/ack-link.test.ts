import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { AckLinks, MemoryAckTokenStore } from './ack-link.js';

const t0 = Date.parse('2026-11-24T02:12:00Z');
const hour = 3_600_000;

function setup() {
  const store = new MemoryAckTokenStore();
  let now = t0;
  const links = new AckLinks({ publicOrigin: 'https://console.example:8443', store, now: () => now });
  return { store, links, setNow: (ms: number) => (now = ms) };
}

async function problem(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof GatehouseError) return err.code;
    throw err;
  }
  return 'no error';
}

const tokenOf = (url: URL) => url.pathname.replace(/^\/ack\//, '');

describe('signed acknowledge links', () => {
  it('puts one random token in the path on the public origin, and stores only its hash', async () => {
    const { links, store } = setup();
    const a = await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + 4 * hour });
    const b = await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + 4 * hour });
    expect(a.origin).toBe('https://console.example:8443');
    expect(a.pathname).toMatch(/^\/ack\/[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{24}$/);
    expect(a.search).toBe('');
    expect(a.href).not.toBe(b.href);
    const verifier = tokenOf(a).split('.')[1] ?? '';
    const stored = JSON.stringify(store.all());
    expect(stored).not.toContain(verifier);
    expect(store.all()[0]?.verifierHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('works once: the second use is a conflict', async () => {
    const { links } = setup();
    const url = await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + hour });
    expect(await links.redeemAckLink(tokenOf(url), t0 + 60_000)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });
    expect(await problem(links.redeemAckLink(tokenOf(url), t0 + 61_000))).toBe('conflict');
    expect(await problem(links.checkAckLink(tokenOf(url), t0 + 61_000))).toBe('conflict');
  });

  it('checking a link (the GET page) does not use it up', async () => {
    const { links } = setup();
    const url = await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + hour });
    expect(await links.checkAckLink(tokenOf(url), t0)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });
    expect(await links.checkAckLink(tokenOf(url), t0)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });
    expect(await links.redeemAckLink(tokenOf(url), t0)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });
  });

  it('two clicks at once acknowledge once', async () => {
    const { links } = setup();
    const token = tokenOf(await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + hour }));
    const results = await Promise.all([problem(links.redeemAckLink(token, t0)), problem(links.redeemAckLink(token, t0))]);
    expect(results.sort()).toEqual(['conflict', 'no error']);
  });

  it('an expired link is refused, and stays unused', async () => {
    const { links } = setup();
    const token = tokenOf(await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + hour }));
    expect(await problem(links.redeemAckLink(token, t0 + hour))).toBe('unauthorized');
    expect(await problem(links.redeemAckLink(token, t0 + 2 * hour))).toBe('unauthorized');
    expect(await links.redeemAckLink(token, t0 + hour - 1)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });
  });

  it('a tampered or made-up token is not found, and does not burn the real one', async () => {
    const { links } = setup();
    const token = tokenOf(await links.createAckLink({ alarmId: 'alarm-42', recipient: 'ana', expiresAt: t0 + hour }));
    const [selector = '', verifier = ''] = token.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const hostile = [
      `${selector}.${flip(verifier, 5)}`,
      `${flip(selector, 0)}.${verifier}`,
      `${selector}.${verifier}x`,
      `${selector}`,
      '',
      '../../etc/passwd',
      `${selector}.${verifier}\r\n`,
      'A'.repeat(10_000),
      `${selector}.${'%00'.repeat(8)}`,
    ];
    for (const bad of hostile) expect(await problem(links.redeemAckLink(bad, t0)), JSON.stringify(bad.slice(0, 60))).toBe('not-found');
    expect(await problem(links.redeemAckLink(undefined as unknown as string, t0))).toBe('not-found');
    expect(await links.redeemAckLink(token, t0)).toEqual({ alarmId: 'alarm-42', recipient: 'ana' });
  });

  it('refuses links that would be already expired, live longer than a week, or carry control characters', async () => {
    const { links } = setup();
    expect(await problem(links.createAckLink({ alarmId: 'a', recipient: 'ana', expiresAt: t0 }))).toBe('invalid-params');
    expect(await problem(links.createAckLink({ alarmId: 'a', recipient: 'ana', expiresAt: t0 + 8 * 24 * hour }))).toBe('invalid-params');
    expect(await problem(links.createAckLink({ alarmId: 'a', recipient: 'ana\r\nx', expiresAt: t0 + hour }))).toBe('invalid-params');
    expect(await problem(links.createAckLink({ alarmId: '', recipient: 'ana', expiresAt: t0 + hour }))).toBe('invalid-params');
    expect(() => new AckLinks({ publicOrigin: 'javascript:alert(1)', store: new MemoryAckTokenStore() })).toThrow(GatehouseError);
  });
});
