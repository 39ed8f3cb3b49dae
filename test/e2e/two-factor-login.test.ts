/**
 * Two-factor login through the real page in Debian's Chromium: a person with an authenticator app enters the
 * password, then the code (the field asks the browser for a one-time code), a wrong one first; and a person whose
 * role requires a second factor is walked through setting up the app (secret read off the page, code computed here)
 * and shown the recovery codes before getting in.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totpCodeAt, totpKeyFromText } from '../../console/server/two-factor/totp.js';
import { launchChromium } from '../support/browser.js';
import { ApiClient } from '../support/client.js';
import { startTestConsole, type TestConsole } from '../support/console.js';

const password = 'a-long-enough-password-42';
let consoleUnderTest: TestConsole;
let admin: ApiClient;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  consoleUnderTest = await startTestConsole();
  admin = new ApiClient(consoleUnderTest.url);
  await admin.login();
  browser = await launchChromium();
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    const shot = join(tmpdir(), `gatehouse-e2e-${context.task.name.replace(/\W+/g, '-')}.png`);
    await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    process.stderr.write(`screenshot of the failed step: ${shot}\n`);
  }
  await page?.context().close();
});

afterAll(async () => {
  await browser?.close();
  await consoleUnderTest?.stop();
});

async function freshPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  return page;
}

async function enterPassword(username: string): Promise<void> {
  await page.goto(consoleUnderTest.url);
  await page.getByLabel(/username/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
}

it('logs in with the password and a code from the authenticator app', async () => {
  expect((await admin.post('/api/users', { username: 'tina', password, role: 'viewer' })).status).toBe(201);
  const tina = new ApiClient(consoleUnderTest.url);
  await tina.login('tina', password);
  const begun = await tina.post('/api/two-factor/totp');
  const key = totpKeyFromText(begun.body.secret);
  expect((await tina.post('/api/two-factor/totp/confirm', { code: totpCodeAt(key, Date.now()) })).status).toBe(200);

  await freshPage();
  await enterPassword('tina');
  const codeField = page.getByLabel('Code from your authenticator app');
  await codeField.waitFor();
  expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
  await expect(page.getByRole('button', { name: 'Use a recovery code' }).isVisible()).resolves.toBe(true);

  const good = totpCodeAt(key, Date.now() + 30_000);
  await codeField.fill(good === '000000' ? '000001' : '000000');
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('second-factor-error').getByText(/not right/).waitFor();

  await codeField.fill(good);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('button', { name: 'Account: tina' }).click();
  await page.getByRole('menuitem', { name: 'Account security' }).click();
  await page.getByTestId('totp-state').waitFor();
  expect(await page.getByTestId('recovery-left').textContent()).toContain('10 of 10 left');
  expect(pageErrors).toEqual([]);
}, 60_000);

it('walks a person whose role requires it through setting up the app before the first session', async () => {
  expect((await admin.post('/api/users', { username: 'ada', password, role: 'auditor' })).status).toBe(201);
  expect((await admin.request('PUT', '/api/two-factor/policy', { requiredRoles: ['auditor'] })).status).toBe(200);

  await freshPage();
  await enterPassword('ada');
  await page.getByText('Your role requires two-factor login').waitFor();
  await page.getByAltText('QR code for the authenticator app').waitFor();
  const secret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await page.getByLabel('Code from the app').fill(totpCodeAt(totpKeyFromText(secret), Date.now()));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = (await page.getByTestId('recovery-codes').textContent())!;
  expect(codes.match(/[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}/g)).toHaveLength(10);
  await page.getByRole('button', { name: /continue/ }).click();
  await page.getByRole('button', { name: 'Account: ada' }).waitFor();
  expect(pageErrors).toEqual([]);
}, 60_000);
