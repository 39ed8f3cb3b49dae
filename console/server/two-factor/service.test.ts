/** The two-factor service against a real SQLite database: enrolment, replay, recovery codes, passkeys, policy. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SoftwareAuthenticator } from '../../../test/support/webauthn-authenticator.js';
import { hashPassword } from '../auth/passwords.js';
import { Vault } from '../ssh/vault.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { RoleId } from '../storage/types.js';
import { RECOVERY_CODE_COUNT } from './recovery-codes.js';
import { TwoFactor } from './service.js';
import { totpCodeAt, totpKeyFromText } from './totp.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const T0 = Date.parse('2026-11-24T08:00:00Z');
const origin = 'https://console.example.net';
const rp = { origin, rpID: 'console.example.net' };

async function open() {
  const dir = await mkdtemp(join(tmpdir(), 'gh-2fa-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const storage = await openSqliteStorage(join(dir, 'gatehouse.db'));
  await storage.migrate();
  let closed = false;
  const close = async () => {
    if (!closed) await storage.close();
    closed = true;
  };
  cleanups.push(close);
  const clock = { now: T0 };
  const twoFactor = new TwoFactor({ storage, vault: Vault.fromKey(randomBytes(32)), now: () => clock.now });
  const user = async (id: string, role: RoleId = 'viewer', password = 'a-long-enough-password') =>
    storage.createUser({ id, username: id, role, passwordHash: await hashPassword(password) });
  return { dir, storage, twoFactor, clock, user, close };
}

describe('TOTP enrolment', () => {
  it('counts only once confirmed with a code, then answers codes once each (no replay)', async () => {
    const { twoFactor, clock, user } = await open();
    const ana = await user('ana');
    const enrolment = await twoFactor.beginTotp(ana);
    expect(enrolment.uri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.qr).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(enrolment.qr.split(',')[1]!, 'base64').toString()).toContain('<svg');
    const key = totpKeyFromText(enrolment.secret);
    expect(await twoFactor.methods('ana')).toEqual([]);
    expect(await twoFactor.checkTotp('ana', totpCodeAt(key, clock.now))).toBe(false);

    await expect(twoFactor.confirmTotp(ana, '000000' === totpCodeAt(key, clock.now) ? '111111' : '000000')).rejects.toMatchObject({ code: 'unauthorized' });
    const codes = await twoFactor.confirmTotp(ana, totpCodeAt(key, clock.now));
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(await twoFactor.methods('ana')).toEqual(['totp', 'recovery']);
    // The code that confirmed cannot log in within its step; the next step's code can, once.
    expect(await twoFactor.checkTotp('ana', totpCodeAt(key, clock.now))).toBe(false);
    clock.now += 30_000;
    const next = totpCodeAt(key, clock.now);
    expect(await twoFactor.checkTotp('ana', next)).toBe(true);
    expect(await twoFactor.checkTotp('ana', next)).toBe(false);
    // A code from before a used step is refused too, though inside the ±1 window.
    expect(await twoFactor.checkTotp('ana', totpCodeAt(key, clock.now - 30_000))).toBe(false);
    // A second app cannot be set up over the first.
    await expect(twoFactor.beginTotp(ana)).rejects.toMatchObject({ code: 'conflict' });
  });

  it('keeps the secret sealed: it appears nowhere in the database files', async () => {
    const { dir, twoFactor, clock, user, close } = await open();
    const ana = await user('ana');
    const enrolment = await twoFactor.beginTotp(ana);
    await twoFactor.confirmTotp(ana, totpCodeAt(totpKeyFromText(enrolment.secret), clock.now));
    expect(JSON.stringify(await twoFactor.status(ana))).not.toContain(enrolment.secret);
    await close();
    for (const file of await readdir(dir)) {
      const bytes = await readFile(join(dir, file));
      expect(bytes.includes(enrolment.secret)).toBe(false);
      expect(bytes.includes(Buffer.from(totpKeyFromText(enrolment.secret)))).toBe(false);
    }
  });

  it('removal needs the password or a current code, and takes the recovery codes with the last factor', async () => {
    const { twoFactor, clock, user } = await open();
    const ana = await user('ana', 'viewer', 'the-right-password');
    const enrolment = await twoFactor.beginTotp(ana);
    const key = totpKeyFromText(enrolment.secret);
    await twoFactor.confirmTotp(ana, totpCodeAt(key, clock.now));
    expect(await twoFactor.proveOwner(ana, { password: 'a-wrong-password' })).toBe(false);
    expect(await twoFactor.proveOwner(ana, { password: 'the-right-password' })).toBe(true);
    clock.now += 30_000;
    expect(await twoFactor.proveOwner(ana, { code: totpCodeAt(key, clock.now) })).toBe(true);
    expect(await twoFactor.removeTotp('ana')).toBe(true);
    expect(await twoFactor.status(ana)).toMatchObject({ totp: { enabled: false }, recoveryCodesLeft: 0 });
    expect(await twoFactor.methods('ana')).toEqual([]);
  });
});

describe('recovery codes', () => {
  it('each works once; regenerating voids the old ones', async () => {
    const { twoFactor, clock, user } = await open();
    const ana = await user('ana');
    const enrolment = await twoFactor.beginTotp(ana);
    const codes = (await twoFactor.confirmTotp(ana, totpCodeAt(totpKeyFromText(enrolment.secret), clock.now)))!;
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    expect(await twoFactor.useRecoveryCode('ana', codes[0]!.toUpperCase().replaceAll('-', ' '))).toBe(true);
    expect(await twoFactor.useRecoveryCode('ana', codes[0]!)).toBe(false);
    expect((await twoFactor.status(ana)).recoveryCodesLeft).toBe(RECOVERY_CODE_COUNT - 1);

    const bob = await user('bob');
    expect(await twoFactor.useRecoveryCode('bob', codes[1]!)).toBe(false);

    const fresh = await twoFactor.regenerateRecoveryCodes('ana');
    expect(await twoFactor.useRecoveryCode('ana', codes[1]!)).toBe(false);
    expect(await twoFactor.useRecoveryCode('ana', fresh[0]!)).toBe(true);
    await expect(twoFactor.regenerateRecoveryCodes(bob.id)).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('passkeys', () => {
  it('registers a software security key and logs in with it; a replayed or foreign assertion is refused', async () => {
    const { twoFactor, user } = await open();
    const ana = await user('ana');
    const key = new SoftwareAuthenticator();
    const options = await twoFactor.passkeyRegistrationOptions(ana, rp);
    expect(options.rp.id).toBe('console.example.net');
    const added = await twoFactor.addPasskey(ana, 'yubikey', key.register(options, origin));
    expect(added.passkey).toMatchObject({ id: key.id, name: 'yubikey', lastUsedAt: null });
    expect(added.recoveryCodes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(await twoFactor.methods('ana')).toEqual(['webauthn', 'recovery']);

    const login = await twoFactor.passkeyLoginOptions('ana', rp);
    expect(login.allowCredentials?.map((c) => c.id)).toEqual([key.id]);
    const assertion = key.authenticate(login, origin);
    expect(await twoFactor.checkPasskey('ana', assertion)).toBe(true);
    // The challenge was spent: the same assertion again is refused.
    await twoFactor.passkeyLoginOptions('ana', rp);
    expect(await twoFactor.checkPasskey('ana', assertion)).toBe(false);
    // An assertion made for another site is refused.
    const again = await twoFactor.passkeyLoginOptions('ana', rp);
    expect(await twoFactor.checkPasskey('ana', key.authenticate(again, 'https://evil.example.com'))).toBe(false);
    // Another user cannot log in with ana's key.
    const bob = await user('bob');
    await expect(twoFactor.passkeyLoginOptions('bob', rp)).rejects.toMatchObject({ code: 'not-found' });
    const bobsKey = new SoftwareAuthenticator();
    await twoFactor.addPasskey(bob, 'bob', bobsKey.register(await twoFactor.passkeyRegistrationOptions(bob, rp), origin));
    const bobLogin = await twoFactor.passkeyLoginOptions('bob', rp);
    expect(await twoFactor.checkPasskey('bob', key.authenticate(bobLogin, origin))).toBe(false);

    expect((await twoFactor.status(ana)).passkeys[0]?.lastUsedAt).not.toBeNull();
    expect(await twoFactor.removePasskey('bob', key.id)).toBeUndefined();
    expect(await twoFactor.removePasskey('ana', key.id)).toMatchObject({ name: 'yubikey' });
    expect(await twoFactor.methods('ana')).toEqual([]);
  });

  it('refuses a registration answering another challenge, and one with no registration under way', async () => {
    const { twoFactor, user } = await open();
    const ana = await user('ana');
    const key = new SoftwareAuthenticator();
    const options = await twoFactor.passkeyRegistrationOptions(ana, rp);
    await expect(twoFactor.addPasskey(ana, 'k', key.register(options, origin, { challenge: 'AAAA' }))).rejects.toMatchObject({ code: 'unauthorized' });
    // The challenge was spent by the failed attempt.
    await expect(twoFactor.addPasskey(ana, 'k', key.register(options, origin))).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('login step and policy', () => {
  it('a session at once without factors; a ticket with them; an enrolment when the role requires one', async () => {
    const { twoFactor, clock, user } = await open();
    const ana = await user('ana', 'administrator');
    const olga = await user('olga', 'plant-operator');
    expect(await twoFactor.loginStep(ana, '10.0.0.5')).toEqual({ kind: 'session' });

    expect(await twoFactor.setRequiredRoles(['administrator', 'administrator'], 'root')).toEqual(['administrator']);
    expect(await twoFactor.requiredRoles()).toEqual(['administrator']);
    const forced = await twoFactor.loginStep(ana, '10.0.0.5');
    expect(forced).toMatchObject({ kind: 'enrolment' });
    expect(await twoFactor.loginStep(olga, '10.0.0.5')).toEqual({ kind: 'session' });

    const enrolment = await twoFactor.beginTotp(ana);
    await twoFactor.confirmTotp(ana, totpCodeAt(totpKeyFromText(enrolment.secret), clock.now));
    const step = await twoFactor.loginStep(ana, '10.0.0.5');
    expect(step).toMatchObject({ kind: 'second-factor', methods: ['totp', 'recovery'] });
    // A user with a factor is asked for it whatever the policy says.
    await twoFactor.setRequiredRoles([], 'root');
    expect(await twoFactor.loginStep(ana, '10.0.0.5')).toMatchObject({ kind: 'second-factor' });
    expect((await twoFactor.status(ana)).required).toBe(false);
    // An administrator's reset takes every factor and voids the ticket in flight.
    const live = (await twoFactor.loginStep(ana, '10.0.0.5')) as { ticket: string };
    expect(await twoFactor.resetUser('ana')).toBe(true);
    expect(twoFactor.tickets.find(live.ticket, 'second-factor', '10.0.0.5')).toBeUndefined();
    expect(await twoFactor.status(ana)).toMatchObject({ totp: { enabled: false }, passkeys: [], recoveryCodesLeft: 0 });
    expect(await twoFactor.resetUser('ana')).toBe(false);
  });
});
