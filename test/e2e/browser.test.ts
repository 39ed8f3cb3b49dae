/**
 * A sysadmin in a real browser: log in, open the host, find a `sleep` the test started and kill it from the
 * page, open a file in the editor, save a change, and see it on disk.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { adminPassword } from '../support/console.js';
import { launchChromium } from '../support/browser.js';
import { startFleet, type Fleet } from '../support/fleet.js';

let fleet: Fleet;
let browser: Browser;
let page: Page;
let work: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  fleet = await startFleet({ name: 'e2e-host' });
  work = await mkdtemp(join(tmpdir(), 'gh-e2e-'));
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Fail a step well inside the test's own time limit, so the report names the step that did not happen.
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    // A CSP violation is reported on the console; the page must not trigger any.
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
  });
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
  await fleet?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

it('logs in and shows the host online', async () => {
  await page.goto(fleet.console.url);
  await page.getByLabel(/username/i).fill('admin');
  await page.getByLabel(/password/i).fill(adminPassword);
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  const row = page.locator('[data-host-id]', { hasText: 'e2e-host' });
  await row.waitFor();
  await expect(row.locator('[data-status]').getAttribute('data-status')).resolves.toBe('online');
});

it('kills a sleep process from the Processes tab', async () => {
  const sleeper = spawn('sleep', ['31337'], { stdio: 'ignore' });
  const exited = new Promise((r) => sleeper.once('exit', (_code, signal) => r(signal)));
  await page.getByRole('link', { name: 'e2e-host' }).first().click();
  await page.getByRole('tab', { name: /processes/i }).click();
  await page.getByLabel('Filter processes').fill('sleep 31337');
  const actions = page.getByRole('button', { name: `Actions for PID ${sleeper.pid}` });
  await actions.click();
  await page.getByRole('menuitem', { name: 'Kill (KILL)' }).click();
  await page.getByRole('button', { name: 'Send KILL' }).click();
  expect(await exited).toBe('SIGKILL');
}, 30_000);

it('opens a file in the editor, saves a change, and the change is on disk', async () => {
  const path = join(work, 'notes.conf');
  await writeFile(path, 'setting = old\n');
  await page.getByRole('tab', { name: /files/i }).click();
  await page.getByRole('button', { name: 'Type a path' }).click();
  const pathBox = page.getByLabel('Path', { exact: true });
  await pathBox.fill(work);
  await pathBox.press('Enter');
  await page.locator(`tr[data-path="${path}"]`).getByRole('button', { name: 'notes.conf', exact: true }).click();
  const editor = page.getByLabel('File editor');
  await editor.waitFor();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('added = from the browser\n');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => readFile(path, 'utf8'), { timeout: 10_000 }).toBe('setting = old\nadded = from the browser\n');
}, 30_000);

it('raised no script errors or CSP violations', () => {
  expect(pageErrors).toEqual([]);
});
