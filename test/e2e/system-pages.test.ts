/**
 * A sysadmin in a real browser on a real managed host (a Debian root booted with systemd-nspawn, agent inside):
 * creates a user from the Users page (checked with getent inside the host), reads the installed software, and
 * sees the host's figures drawn as charts on the Metrics page. The Services, Network and Power pages have their
 * own browser tests.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserOnManagedHost } from '../support/browser-on-host.js';
import { debianHostAvailable, type ManagedHost } from '../support/managed-host.js';
import { signIn } from '../support/terminal-page.js';

const available = debianHostAvailable();

describe.skipIf(!available.ok)(`Users, Software and Metrics pages${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  const env = browserOnManagedHost();
  let host: ManagedHost;
  let page: Page;
  const errors = env.errors;

  beforeAll(async () => {
    ({ host, page } = env);
    await signIn(page, host.console.url);
    await page.getByRole('link', { name: host.debian.name }).first().click();
  });

  it('creates a user from the Users page', async () => {
    await page.getByRole('tab', { name: 'Users' }).click();
    // A fresh host has only system accounts, hidden until asked for.
    await page.getByText('No accounts to show.').waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('User name').fill('plantops');
    await page.getByLabel('Full name or comment').fill('Plant operations');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.locator('[data-user-row="plantops"]').waitFor();
    const entry = await host.debian.exec(['getent', 'passwd', 'plantops']);
    expect(entry.stdout).toMatch(/^plantops:x:\d+:\d+:Plant operations:\/home\/plantops:/);
    // The new account opens in its drawer, locked until it is given a password or a key.
    await page.locator('[data-user-drawer="plantops"]').getByText('Locked').first().waitFor();
    await page.keyboard.press('Escape');
    await page.locator('[data-user-drawer="plantops"]').waitFor({ state: 'detached' });
  });

  it('lists the installed software', async () => {
    await page.getByRole('tab', { name: 'Software' }).click();
    await page.locator('[data-package="bash"]').first().waitFor();
    await page.getByPlaceholder('Filter by name or summary').fill('systemd');
    await page.locator('[data-package="systemd"]').first().waitFor();
    expect(await page.locator('[data-package="bash"]').count()).toBe(0);
  });

  it('draws the host’s figures as charts', async () => {
    await page.getByRole('tab', { name: 'Metrics' }).click();
    // uPlot draws on canvases; at least the CPU and memory charts are there, sized.
    const canvases = page.locator('.gh-metric-chart canvas');
    await canvases.first().waitFor();
    expect(await canvases.count()).toBeGreaterThanOrEqual(2);
    const box = await canvases.first().boundingBox();
    expect(box?.width).toBeGreaterThan(200);
    expect(errors).toEqual([]);
  });
});
