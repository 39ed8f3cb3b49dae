/**
 * An administrator in a real browser registers a machine that has no agent, over SSH (a real sshd on a loopback
 * port): checks its host key in the form, registers it with a private key, opens a terminal on it and reads a
 * command's output from the screen; then the server's key changes, the terminal is refused with both
 * fingerprints shown, and the admin reviews and trusts the new key and gets a shell again. Meanwhile an agent
 * host's terminal stays connected while another tab of its page is open.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { startSshd, type TestSshd } from '../support/sshd.js';
import { activeTerminal, run, signIn, waitForLine, watchPageErrors } from '../support/terminal-page.js';

let fleet: Fleet;
let sshd: TestSshd;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  [fleet, sshd] = await Promise.all([startFleet({ name: 'pump-station-3' }), startSshd()]);
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  watchPageErrors(page, pageErrors);
}, 60_000);

afterEach(async (test) => {
  if (test.task.result?.state === 'fail') {
    const shot = join(tmpdir(), `gatehouse-e2e-ssh-${test.task.name.replace(/\W+/g, '-')}.png`);
    await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    process.stderr.write(`screenshot of the failed step: ${shot}\n`);
  }
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([fleet?.stop(), sshd?.stop()]);
});

it('registers a host over SSH after showing its key, and opens a terminal on it', async () => {
  await signIn(page, fleet.console.url);
  await page.getByRole('button', { name: 'Add host' }).click();
  await page.getByText('Over SSH (no agent)').click();
  await page.getByLabel('Name').fill('backup-01');
  await page.getByLabel('User').fill(sshd.username);
  await page.getByLabel('Address').fill('127.0.0.1');
  await page.getByLabel('Port').fill(String(sshd.port));
  await page.getByRole('button', { name: 'Check host key' }).click();
  await expect(page.getByTestId('scanned-fingerprint').textContent()).resolves.toContain(sshd.hostKeyFingerprint);
  await page.getByRole('textbox', { name: 'Private key' }).fill(sshd.clientPrivateKey);
  await page.getByRole('button', { name: 'Register host' }).click();

  const header = page.locator('[data-ssh-header]');
  await header.waitFor();
  await expect(header.textContent()).resolves.toContain(`${sshd.username}@127.0.0.1:${sshd.port}`);
  await expect(header.textContent()).resolves.toContain(sshd.hostKeyFingerprint);

  await page.getByRole('button', { name: 'New terminal' }).click();
  const terminal = activeTerminal(page);
  await terminal.and(page.locator('[data-state="attached"]')).waitFor();
  await run(page, ' unset HISTFILE; echo over-ssh-$((6*7))');
  await waitForLine(terminal, /^over-ssh-42$/);
});

it('refuses the terminal when the host key changes, and works again once the admin trusts the new key', async () => {
  const old = sshd.hostKeyFingerprint;
  const replaced = await sshd.replaceHostKey();
  await page.getByRole('button', { name: 'New terminal' }).click();
  const notice = page.locator('[data-terminal-notice="host-key-changed"]');
  await notice.waitFor();
  const text = (await notice.textContent()) ?? '';
  expect(text).toContain(old);
  expect(text).toContain(replaced);
  expect(text).toMatch(/Do not continue unless you know why the key changed/);

  await page.getByRole('button', { name: 'Review new key…' }).click();
  await page.getByText('Presented now').waitFor();
  await page.getByRole('button', { name: 'Trust the new key' }).click();
  await page.getByRole('dialog', { name: /Trust the new key of/ }).getByRole('button', { name: 'Trust the new key' }).click();
  await page.locator('[data-terminal-pane][data-state="attached"]').last().waitFor();
  await expect(page.locator('[data-ssh-header]').textContent()).resolves.toContain(replaced);
});

it('keeps an agent host’s terminal connected while the Files tab is open', async () => {
  await page.getByRole('link', { name: 'Hosts' }).first().click();
  await page.getByRole('link', { name: 'pump-station-3' }).first().click();
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await page.getByRole('button', { name: 'New terminal' }).click();
  const pane = page.locator('[data-terminal-pane][data-active="true"]');
  await pane.and(page.locator('[data-state="attached"]')).waitFor();
  const before = await pane.getAttribute('data-session-id');
  await page.getByRole('tab', { name: 'Files' }).click();
  // Long enough for an unmounted terminal to have closed its socket.
  await page.waitForTimeout(1000);
  await page.getByRole('tab', { name: 'Terminal' }).click();
  await pane.and(page.locator('[data-state="attached"]')).waitFor();
  expect(await pane.getAttribute('data-session-id')).toBe(before);
  // Still the same attachment: nothing was restored from the agent's screen copy.
  expect(await pane.getAttribute('data-restored')).not.toBe('true');
  expect(pageErrors).toEqual([]);
});
