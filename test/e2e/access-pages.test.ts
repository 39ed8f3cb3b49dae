/**
 * Roles, custom roles and grants on scopes through the real pages in Debian's Chromium (issue 7): an administrator
 * makes a custom role with one denied code, gives a new account that role on one site, and sees the grant in the
 * list; the role in use cannot be deleted; the server's refusal shows inside the form; a site's delegated
 * administrator sees only their site, and their grants in the user menu.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountView, RoleView } from '../../modules/kernel/access.js';
import { launchChromium } from '../support/browser.js';
import { ApiClient } from '../support/client.js';
import { adminPassword, startTestConsole, type TestConsole } from '../support/console.js';

let consoleUnderTest: TestConsole;
let admin: ApiClient;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  consoleUnderTest = await startTestConsole();
  admin = new ApiClient(consoleUnderTest.url);
  await admin.login();
  for (const site of [
    { id: 'north-ps', name: 'North pumping station' },
    { id: 'south-ps', name: 'South pumping station' },
  ]) {
    expect((await admin.post('/api/sites', site)).status).toBe(201);
  }
  browser = await launchChromium();
}, 60_000);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    const shot = join(tmpdir(), `gatehouse-e2e-${context.task.name.replace(/\W+/g, '-')}.png`);
    await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    process.stderr.write(`screenshot of the failed step: ${shot}\n`);
  }
});

afterAll(async () => {
  await browser?.close();
  await consoleUnderTest?.stop();
});

async function signInAs(username: string, password: string): Promise<Page> {
  await page?.context().close();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
  await page.goto(consoleUnderTest.url);
  await page.getByLabel(/username/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.getByRole('button', { name: `Account: ${username}` }).waitFor();
  return page;
}

it('an administrator makes a custom role with one denied code', async () => {
  await signInAs('admin', adminPassword);
  await page.getByRole('link', { name: 'Roles' }).click();
  await page.getByRole('button', { name: 'New role' }).click();
  const editor = page.getByRole('dialog', { name: 'New role' });
  await editor.getByRole('textbox', { name: 'Name' }).fill('Pump reader');
  await editor.getByRole('textbox', { name: 'Summary' }).fill('Reads the pumps of a station; never writes a setpoint.');
  await editor.locator('[data-editor-module="modbus"]').getByRole('button', { name: 'Allow all reads' }).click();
  await editor.locator('[data-editor-code="site.read"]').getByText('Allow', { exact: true }).click();
  await editor.locator('[data-editor-code="modbus.write"]').getByText('Deny', { exact: true }).click();
  await expect(editor.locator('[data-editor-code="modbus.write"]').getAttribute('data-choice')).resolves.toBe('deny');
  await expect(editor.getByTestId('role-counts').textContent()).resolves.toMatch(/2 allowed.*1 denied/);
  await editor.getByRole('button', { name: 'Create role' }).click();
  await editor.waitFor({ state: 'detached' });

  // The new role has its own column: the denied code says so, in words.
  const denied = page.locator('[data-permission="modbus.write"] [data-role="pump-reader"]');
  await expect(denied.getAttribute('data-choice')).resolves.toBe('deny');
  await expect(denied.textContent()).resolves.toBe('Denied');
  await expect(page.locator('[data-permission="modbus.read"] [data-role="pump-reader"]').getAttribute('data-choice')).resolves.toBe('allow');
  const roles = (await admin.get<RoleView[]>('/api/roles')).body;
  expect(roles.find((r) => r.id === 'pump-reader')).toMatchObject({ builtIn: false, allow: ['modbus.read', 'site.read'], deny: ['modbus.write'] });
});

it('creates an account with a site grant of that role, and the list shows the grant', async () => {
  await page.getByRole('link', { name: 'Accounts' }).click();
  await page.getByRole('button', { name: 'New account' }).click();
  const form = page.getByRole('dialog', { name: 'New account' });
  await form.getByRole('textbox', { name: 'Username' }).fill('north-reader');
  await form.locator('input[type="password"]').fill('north-reader-password-1');
  await form.getByRole('combobox', { name: 'Role of grant 1' }).click();
  await page.getByRole('option', { name: 'Pump reader' }).click();
  await form.getByRole('combobox', { name: 'Where grant 1 holds' }).click();
  await page.getByRole('option', { name: 'Site' }).click();
  await form.getByRole('combobox', { name: 'Site of grant 1' }).click();
  await page.getByRole('option', { name: 'North pumping station' }).click();
  await form.getByRole('button', { name: 'Create account' }).click();
  await form.waitFor({ state: 'detached' });

  const chip = page.locator('[data-account="north-reader"] [data-grant]');
  await chip.waitFor();
  await expect(chip.textContent()).resolves.toMatch(/^Pump reader · .*North pumping station$/);
  const accounts = (await admin.get<AccountView[]>('/api/users')).body;
  expect(accounts.find((a) => a.username === 'north-reader')?.grants.map(({ role, scope }) => ({ role, scope }))).toEqual([
    { role: 'pump-reader', scope: { kind: 'site', siteId: 'north-ps' } },
  ]);
});

it('shows the server’s refusal inside the form, and keeps the role in use from being deleted', async () => {
  await page.getByRole('button', { name: 'New account' }).click();
  const form = page.getByRole('dialog', { name: 'New account' });
  await form.getByRole('textbox', { name: 'Username' }).fill('north-reader');
  await form.locator('input[type="password"]').fill('another-password-22');
  await form.getByRole('combobox', { name: 'Role of grant 1' }).click();
  await page.getByRole('option', { name: 'Viewer' }).click();
  await form.getByRole('button', { name: 'Create account' }).click();
  // The name is taken: the console's answer, in the form, which stays open with what was typed.
  await form.getByRole('alert').waitFor();
  await expect(form.getByRole('alert').textContent()).resolves.toMatch(/not created/);
  await expect(form.getByRole('textbox', { name: 'Username' }).inputValue()).resolves.toBe('north-reader');
  await page.keyboard.press('Escape');

  await page.getByRole('link', { name: 'Roles' }).click();
  const card = page.locator('[data-role="pump-reader"]').first();
  // The page may show the list it had before the grant for a moment, then the fresh one.
  await card.getByText('In use: cannot delete').waitFor();
  await expect(card.getByRole('button', { name: 'Delete' }).isDisabled()).resolves.toBe(true);
});

it('changes a custom role not in use, then deletes it', async () => {
  const made = await admin.post<RoleView>('/api/roles', { name: 'Spare role', allow: ['site.read'] });
  expect(made.status).toBe(201);
  await page.reload();
  const card = page.locator('[data-role="spare-role"]').first();
  await card.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('dialog', { name: 'Edit role Spare role' });
  await expect(editor.locator('[data-editor-code="site.read"]').getAttribute('data-choice')).resolves.toBe('allow');
  await editor.getByLabel('Filter permissions').fill('terminal');
  await editor.locator('[data-editor-code="terminal.open"]').getByText('Deny', { exact: true }).click();
  await editor.getByRole('button', { name: 'Save role' }).click();
  await editor.waitFor({ state: 'detached' });
  await expect(page.locator('[data-permission="terminal.open"] [data-role="spare-role"]').getAttribute('data-choice')).resolves.toBe('deny');

  await card.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete role' }).click();
  await card.waitFor({ state: 'detached' });
  expect((await admin.get<RoleView[]>('/api/roles')).body.map((r) => r.id)).not.toContain('spare-role');
});

it('a site’s delegated administrator sees only their site, and their grants in the user menu', async () => {
  const created = await admin.post('/api/users', {
    username: 'north-admin',
    password: 'north-admin-password-1',
    grants: [{ role: 'administrator', scope: { kind: 'site', siteId: 'north-ps' } }],
  });
  expect(created.status).toBe(201);
  // north-reader also gets a grant on the whole fleet, beyond the site administrator's reach.
  const reader = (await admin.get<AccountView[]>('/api/users')).body.find((a) => a.username === 'north-reader')!;
  const widened = await admin.request('PATCH', `/api/users/${reader.id}`, {
    grants: [
      { role: 'pump-reader', scope: { kind: 'site', siteId: 'north-ps' } },
      { role: 'viewer', scope: { kind: 'fleet' } },
    ],
  });
  expect(widened.status).toBe(200);
  await signInAs('north-admin', 'north-admin-password-1');
  await page.getByRole('button', { name: 'Account: north-admin' }).click();
  await expect(page.locator('[data-user-grant]').allTextContents()).resolves.toEqual([expect.stringMatching(/^Administrator on .*North pumping station$/)]);
  await page.keyboard.press('Escape');

  await page.goto(`${consoleUnderTest.url}/accounts`);
  await page.locator('[data-account="north-reader"]').waitFor();
  // Grants they give are on their site: no "whole fleet" to choose, and their one site chosen already.
  await page.getByRole('button', { name: 'New account' }).click();
  const form = page.getByRole('dialog', { name: 'New account' });
  await form.getByRole('combobox', { name: 'Where grant 1 holds' }).click();
  await expect(page.getByRole('option').allTextContents()).resolves.not.toContain('Whole fleet');
  await page.keyboard.press('Escape');
  await expect(form.getByRole('combobox', { name: 'Site of grant 1' }).inputValue()).resolves.toBe('North pumping station');
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'detached' });

  // The fleet grant they cannot touch stays shown; saving is refused by the console, and the form says why.
  await page.getByRole('button', { name: 'Edit grants of north-reader' }).click();
  const grants = page.getByRole('dialog', { name: 'Grants of north-reader' });
  await expect(grants.getByRole('combobox', { name: 'Where grant 2 holds' }).inputValue()).resolves.toBe('Whole fleet');
  await expect(grants.getByRole('combobox', { name: 'Site of grant 1' }).inputValue()).resolves.toBe('North pumping station');
  await grants.getByRole('button', { name: 'Save grants' }).click();
  await expect(grants.getByRole('alert').textContent()).resolves.toMatch(/forbidden.*outside your reach/);
  await page.keyboard.press('Escape');
  // Roles are read-only for them: changing roles needs account management on the whole fleet.
  await page.goto(`${consoleUnderTest.url}/roles`);
  await page.getByRole('heading', { name: 'Roles and permissions' }).waitFor();
  await page.locator('[data-permission="modbus.write"] [data-role="pump-reader"]').waitFor();
  expect(await page.getByRole('button', { name: 'New role' }).count()).toBe(0);
  expect(pageErrors).toEqual([]);
});
