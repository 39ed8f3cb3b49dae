/**
 * Four eyes in a real browser: an operator's setpoint write to a tag whose rule asks for approval turns into
 * "Needs a second person", a request with a reason; a second administrator, in their own browser, sees it on the
 * Approvals page with the exact params and approves it; the device takes the value, and the operator's own list
 * shows the request done without reloading (the live socket's `approvals-changed`).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { startPlantStack, type PlantStack } from '../support/plant-stack.js';
import { signIn, watchPageErrors } from '../support/terminal-page.js';
import { userWithRole } from '../support/users.js';

const guarded = 'P-102.speed-setpoint';

let stack: PlantStack;
let browser: Browser;
let operator: Page;
let approver: Page;
const errors: string[] = [];

describe('approvals in the browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      startPlantStack({
        editProfile: (profile) => {
          const tag = profile.devices.flatMap((d) => d.tags).find((t) => t.name === guarded)!;
          tag.write = { ...(tag.write as object), approval: true };
        },
      }),
      launchChromium(),
    ]);
    await userWithRole({ url: stack.consoleUrl, dataDir: stack.consoleDataDir }, 'second-sam', 'administrator');
    operator = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    approver = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    for (const page of [operator, approver]) {
      page.setDefaultTimeout(20_000);
      watchPageErrors(page, errors);
    }
  }, 180_000);

  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      for (const [name, page] of [['operator', operator], ['approver', approver]] as const) {
        const shot = join(tmpdir(), `gatehouse-e2e-approvals-${name}.png`);
        await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
        process.stderr.write(`screenshot: ${shot}\n`);
      }
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('turns a refused setpoint write into a request for approval', async () => {
    await signIn(operator, stack.consoleUrl);
    await operator.goto(`${stack.consoleUrl}/sites/demo`);
    await operator.getByRole('button', { name: `Change ${guarded}` }).click();
    await operator.getByLabel('New value').fill('70');
    await operator.getByLabel('Reason').fill('reduce intake for the filter wash');
    await operator.getByRole('button', { name: 'Write to the device' }).click();
    const form = operator.locator('[data-outcome="approval-required"]');
    await form.waitFor();
    expect(await form.getByLabel('Parameters to approve').textContent()).toContain(guarded);
    await form.getByLabel('Reason for the request').fill('filter wash at 14:00, agreed with the shift lead');
    await form.getByRole('button', { name: 'Request approval' }).click();
    await operator.locator('[data-approval-request]').waitFor();
    expect((await stack.sim.state()).pumps['P-102'].speedSetpoint).toBe(80);
  }, 60_000);

  it('lets a second administrator approve it on the Approvals page; the device takes the value', async () => {
    // The operator watches their own request meanwhile: it must turn to done without a reload.
    await operator.keyboard.press('Escape');
    await operator.getByRole('link', { name: 'Approvals' }).click();
    const mine = operator.getByRole('table', { name: 'Your requests' });
    await mine.getByText('waiting', { exact: true }).waitFor();

    await signIn(approver, stack.consoleUrl, 'second-sam', 'a-long-enough-test-password');
    await approver.getByRole('link', { name: 'Approvals' }).click();
    const row = approver.getByRole('table', { name: 'Requests waiting for approval' }).locator('[data-approval-id]').first();
    await row.waitFor();
    expect(await row.textContent()).toContain('"value": 70');
    expect(await row.textContent()).toContain('filter wash at 14:00');
    await row.getByRole('button', { name: 'Approve' }).click();
    await approver.getByRole('dialog').getByLabel('Comment (optional)').fill('ok, wash planned');
    await approver.getByRole('dialog').getByRole('button', { name: 'Approve' }).click();
    await approver.getByRole('table', { name: 'Decided requests' }).getByText('done', { exact: true }).waitFor();
    await expect.poll(async () => (await stack.sim.state()).pumps['P-102'].speedSetpoint, { timeout: 10_000 }).toBeCloseTo(70, 4);
    // Pushed over the live socket (the page's own refetch is a minute away).
    await mine.getByText('done', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await mine.textContent()).toContain('by second-sam');
  }, 90_000);


  it('raised no script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
