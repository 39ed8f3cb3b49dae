/**
 * An administrator on the Network and Power pages in a real browser, against a real Debian host booted with
 * systemd-nspawn: the container's sshd is found among the listening ports, the host is renamed behind a typed
 * confirmation, and a reboot is scheduled (typed host name), shown as a banner and cancelled — each change
 * checked inside the host. Nothing here touches this machine.
 */
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserOnManagedHost } from '../support/browser-on-host.js';
import { debianHostAvailable, type ManagedHost } from '../support/managed-host.js';
import { signIn, watchPageErrors } from '../support/terminal-page.js';
import { userWithRole } from '../support/users.js';

const available = debianHostAvailable();

describe.skipIf(!available.ok)(`Network and Power pages${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  const env = browserOnManagedHost();
  let host: ManagedHost;
  let page: Page;
  const errors = env.errors;
  const inside = async (argv: string[]) => (await host.debian.exec(argv)).stdout.trim();

  beforeAll(() => {
    ({ host, page } = env);
  });

  it('shows interfaces and finds the host’s sshd among the listening ports', async () => {
    await signIn(page, host.console.url);
    await page.getByRole('link', { name: host.debian.name }).first().click();
    await page.getByRole('tab', { name: 'Network' }).click();
    const interfaces = page.getByRole('table', { name: 'Network interfaces' });
    await interfaces.getByText('127.0.0.1/8').waitFor();
    await page.getByRole('tab', { name: 'Listening ports' }).click();
    await page.getByLabel('Filter listening ports').fill(String(host.debian.sshPort));
    const rows = page.getByRole('table', { name: 'Listening ports' }).locator('tbody tr');
    await rows.filter({ hasText: 'sshd' }).first().waitFor();
    expect(await rows.first().textContent()).toContain(String(host.debian.sshPort));
  });

  it('renames the host only after the current name is typed, and refuses a hostile name as it is typed', async () => {
    const before = await inside(['hostname']);
    await page.getByRole('button', { name: 'Change' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the host name' });
    await dialog.getByLabel('New host name').fill('gw;reboot');
    await dialog.getByText(/Use letters, digits and hyphens/).waitFor();
    await dialog.getByLabel('New host name').fill('pump-gw-e2e');
    const save = dialog.getByRole('button', { name: 'Change host name' });
    expect(await save.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the current name/).fill(before);
    await save.click();
    await page.getByText('Host name changed').waitFor();
    expect(await inside(['hostname'])).toBe('pump-gw-e2e');
    expect(await inside(['cat', '/etc/hostname'])).toBe('pump-gw-e2e');
  });

  it('schedules a reboot in 60 minutes after the host name is typed, shows the banner, and cancels it', async () => {
    await page.getByRole('tab', { name: 'Power' }).click();
    await page.getByText('Up since').waitFor();
    const card = page.locator('.mantine-Card-root').filter({ hasText: 'Every service stops and the host starts again' });
    await card.getByText('In minutes').click();
    await card.getByLabel('Minutes from now').fill('60');
    await card.getByRole('button', { name: /Reboot in 60 min/ }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: /Reboot in 60 min/ });
    await dialog.getByLabel(/Type the host name/).fill(host.debian.name.slice(0, 4));
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type the host name/).fill(host.debian.name);
    await confirm.click();
    await page.getByRole('button', { name: 'Cancel it' }).waitFor();
    expect(await inside(['cat', '/run/systemd/shutdown/scheduled'])).toMatch(/MODE=reboot/);
    await page.getByRole('button', { name: 'Cancel it' }).click();
    await page.getByRole('button', { name: 'Cancel it' }).waitFor({ state: 'detached' });
    expect((await host.debian.exec(['test', '-e', '/run/systemd/shutdown/scheduled'])).code).not.toBe(0);
    expect(errors).toEqual([]);
  });

  it('a viewer sees the network and the power state, but no rename and no power controls', async () => {
    await userWithRole(host.console, 'page-viewer', 'viewer');
    const context = await env.browser.newContext({ viewport: { width: 1440, height: 900 } });
    const viewerPage = await context.newPage();
    viewerPage.setDefaultTimeout(15_000);
    watchPageErrors(viewerPage, errors);
    try {
      await signIn(viewerPage, host.console.url, 'page-viewer', 'a-long-enough-test-password');
      await viewerPage.goto(`${host.console.url}/hosts/${host.hostId}/network`);
      await viewerPage.getByRole('table', { name: 'Network interfaces' }).getByText('127.0.0.1/8').waitFor();
      expect(await viewerPage.getByRole('button', { name: 'Change' }).count()).toBe(0);
      await viewerPage.getByRole('tab', { name: 'Power' }).click();
      await viewerPage.getByText('Your role may see the power state').waitFor();
      expect(await viewerPage.getByRole('button', { name: /Reboot|Shut down/ }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
