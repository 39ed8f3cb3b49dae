/**
 * A gateway's local policy as an operator sees it, in a real browser: the host page shows the policy its agent
 * enforces (as text, under the host's details), the site page offers no Change button on a tag that policy will
 * refuse and says why, and once the agent is offline the host page shows the last known policy. Screenshots of
 * both pages are left in the temp folder for a person to look at.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { waitUntilOnline } from '../support/fleet.js';
import { startPlantStack, type PlantStack } from '../support/plant-stack.js';
import { signIn, watchPageErrors } from '../support/terminal-page.js';

let stack: PlantStack;
let browser: Browser;
let page: Page;
const errors: string[] = [];
// A hostile-looking but valid entry, to see that it is rendered as text.
const policy = { modbusWritableTags: ['*.speed-setpoint', 'P-101.mode'], fileRoots: ['/tmp'], terminalDetachedMinutes: 5 };
const shot = (name: string) => join(tmpdir(), `gatehouse-e2e-modbus-policy-${name}.png`);

describe('the local policy in the browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startPlantStack({ agentPolicy: policy }), launchChromium()]);
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000);
    watchPageErrors(page, errors);
  }, 180_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      await page?.screenshot({ path: shot('failed'), fullPage: true }).catch(() => undefined);
      process.stderr.write(`screenshot of the failed step: ${shot('failed')}\n`);
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("shows the host's policy under its details", async () => {
    await signIn(page, stack.consoleUrl);
    await page.goto(`${stack.consoleUrl}/hosts/${stack.hostId}`);
    const section = page.locator('[data-host-policy="live"]');
    await section.waitFor();
    const text = (await section.textContent()) ?? '';
    expect(text).toMatch(/Local policy/);
    expect(text).toMatch(/the console cannot change it/);
    expect(text).toMatch(/\*\.speed-setpoint, P-101\.mode/);
    expect(text).toMatch(/Read-only\s*no/);
    expect(text).toMatch(/File roots\s*\/tmp/);
    expect(text).toMatch(/5 min/);
    expect(text).toMatch(/Modules servedall \(\d+\)/);
    await page.screenshot({ path: shot('host'), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  it('offers no Change button on a tag the policy refuses, and says why', async () => {
    await page.goto(`${stack.consoleUrl}/sites/demo`);
    await page.locator('[data-equipment="P-101"]').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Change P-101.speed-setpoint' }).count()).toBe(1);
    const dosing = page.locator('[data-write-blocked="DP-401.rate-setpoint"]');
    await dosing.waitFor();
    expect(await dosing.textContent()).toBe('Locked by policy');
    expect(await dosing.getAttribute('title')).toMatch(/^Not writable: .*modbusWritableTags/);
    expect(await page.getByRole('button', { name: 'Change DP-401.rate-setpoint' }).count()).toBe(0);
    await dosing.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot('site'), fullPage: true });
  }, 60_000);

  it('shows the last known policy once the agent is offline', async () => {
    await stack.agentProcess.stop();
    await waitUntilOnline(stack.api, stack.hostId, false);
    await page.goto(`${stack.consoleUrl}/hosts/${stack.hostId}`);
    const section = page.locator('[data-host-policy="last-known"]');
    await section.waitFor();
    expect(await section.textContent()).toMatch(/last known.*\*\.speed-setpoint/s);
    expect(await section.textContent()).toMatch(/Last reported when the agent connected/);
    await page.screenshot({ path: shot('offline'), fullPage: true });
  }, 60_000);
});
