/**
 * A sysadmin on the Services page in a real browser, against a real systemd (a Debian host booted with
 * systemd-nspawn): start a unit from its row menu, read and follow its journal in the drawer, stop it behind
 * the confirmation — each change checked with systemctl inside the host.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserOnManagedHost } from '../support/browser-on-host.js';
import { debianHostAvailable, type ManagedHost } from '../support/managed-host.js';
import { signIn } from '../support/terminal-page.js';

const available = debianHostAvailable();
const unit = 'gatehouse-e2e.service';
const unitText = `[Unit]
Description=Gatehouse e2e ticker

[Service]
ExecStart=/bin/sh -c 'n=0; while true; do n=$((n+1)); echo "beat $n"; sleep 1; done'
`;

describe.skipIf(!available.ok)(`Services page${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  const env = browserOnManagedHost();
  let host: ManagedHost;
  let page: Page;
  const errors = env.errors;
  const isActive = async () => (await host.debian.exec(['systemctl', 'is-active', unit])).stdout.trim();

  beforeAll(async () => {
    ({ host, page } = env);
    await host.debian.exec(['mkdir', '-p', '/usr/local/lib/systemd/system']);
    await host.debian.exec(['sh', '-c', `cat > /usr/local/lib/systemd/system/${unit}`], { input: unitText });
    await host.debian.exec(['systemctl', 'daemon-reload']);
  });

  it('starts a unit from the page', async () => {
    await signIn(page, host.console.url);
    await page.getByRole('link', { name: host.debian.name }).first().click();
    await page.getByRole('tab', { name: 'Services' }).click();
    await page.getByLabel('Filter units').fill('gatehouse-e2e');
    const row = page.locator(`[data-unit="${unit}"]`);
    await row.getByText('inactive').waitFor();
    await page.getByRole('button', { name: `Actions for ${unit}` }).click();
    await page.getByRole('menuitem', { name: 'Start' }).click();
    await row.getByText('active · running').waitFor();
    expect(await isActive()).toBe('active');
  }, 60_000);

  it('shows and follows its journal live in the drawer', async () => {
    await page.getByRole('button', { name: unit, exact: true }).click();
    const journal = page.getByLabel('Journal');
    await journal.locator('[data-message]').getByText(/^beat \d+$/).first().waitFor();
    // Not forced: Playwright waits for the drawer to stop sliding in, and check() confirms the switch took.
    await page.getByRole('switch', { name: 'Follow' }).check();
    await page.getByText('Following', { exact: true }).waitFor();
    // A line with a higher count than any shown when following began arrives without a reload.
    const count = async () => Math.max(0, ...(await journal.locator('[data-message]').allTextContents()).filter((t) => /^beat \d+$/.test(t)).map((t) => Number(t.split(' ')[1])));
    await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(0);
    const before = await count();
    await expect.poll(count, { timeout: 10_000 }).toBeGreaterThan(before + 1);
    await page.getByRole('tab', { name: 'Unit file' }).click();
    await page.getByLabel('Unit file').getByText('Description=Gatehouse e2e ticker').waitFor();
  }, 60_000);

  it('stops it only after the confirmation', async () => {
    await page.getByRole('button', { name: 'Stop…' }).click();
    const dialog = page.getByRole('dialog', { name: `Stop ${unit}?` });
    await dialog.waitFor();
    expect(await isActive()).toBe('active');
    await dialog.getByRole('button', { name: `Stop ${unit}` }).click();
    await expect.poll(isActive, { timeout: 10_000 }).toBe('inactive');
    await page.getByText(`Stopped ${unit}`).first().waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});
