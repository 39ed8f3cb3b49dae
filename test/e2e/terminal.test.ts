/**
 * An on-call engineer in a real browser: opens a host's terminal, runs a command and reads its output from the
 * screen, resizes the window and sees the shell's size follow, closes the page, comes back in a new one and
 * re-attaches to the same shell (a variable set before is still there, the screen restored), then replays the
 * session from the Recordings page.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { waitFor } from '../support/console.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { activeTerminal, openTerminalTab, run, screenLines, signIn, waitForLine, watchPageErrors } from '../support/terminal-page.js';

const hostName = 'term-host';
let fleet: Fleet;
let browser: Browser;
let context: BrowserContext | undefined;
let page: Page;
/** The last thing the shell printed before the page closed; the restored screen must show it. */
let lastOutput = '';
const pageErrors: string[] = [];

async function newPage(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const opened = await context.newPage();
  // Fail a step well inside the test's own time limit, so the report names the step that did not happen.
  opened.setDefaultTimeout(10_000);
  watchPageErrors(opened, pageErrors);
  return opened;
}

/** `stty size` in a cleared screen: the shell's own idea of its size, as "rows cols". */
async function shellSize(): Promise<{ rows: number; cols: number }> {
  const terminal = activeTerminal(page);
  await run(page, 'clear; stty size');
  const line = await waitForLine(terminal, /^\d+ \d+$/, 'the output of stty size');
  const [rows, cols] = line.split(' ').map(Number);
  return { rows: rows!, cols: cols! };
}

beforeAll(async () => {
  fleet = await startFleet({ name: hostName });
  browser = await launchChromium();
  page = await newPage();
}, 60_000);

afterEach(async (test) => {
  if (test.task.result?.state === 'fail') {
    const shot = join(tmpdir(), `gatehouse-e2e-terminal-${test.task.name.replace(/\W+/g, '-')}.png`);
    await page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    process.stderr.write(`screenshot of the failed step: ${shot}\n`);
  }
});

afterAll(async () => {
  await browser?.close();
  await fleet?.stop();
});

it('opens a terminal and reads a command’s output from the screen', async () => {
  await signIn(page, fleet.console.url);
  await openTerminalTab(page, hostName);
  await page.getByRole('button', { name: 'New terminal' }).click();
  const terminal = activeTerminal(page);
  await terminal.and(page.locator('[data-state="attached"]')).waitFor();
  await expect(terminal.locator('[data-recording-id]').textContent()).resolves.toMatch(/Recorded/);

  await run(page, 'echo hello-$((6*7))');
  await waitForLine(terminal, /^hello-42$/);
  // True colour is painted through the CSSOM, not a style attribute the CSP would refuse (the last test checks).
  await run(page, "printf '\\033[38;2;255;120;0m%s\\033[0m\\n' true-colour");
  await waitForLine(terminal, /^true-colour$/);
  const colour = await terminal
    .locator('.xterm-rows span', { hasText: /^true-colour$/ })
    .last()
    .evaluate((span) => getComputedStyle(span).color);
  expect(colour).toBe('rgb(255, 120, 0)');
  await run(page, 'export GH_MARK=kept-$((2+3))');
}, 30_000);

it('follows the window’s size: stty size changes after a resize', async () => {
  const before = await shellSize();
  await page.setViewportSize({ width: 1000, height: 640 });
  const after = await waitFor(
    'the shell to see the new window size',
    async () => {
      const size = await shellSize();
      return size.cols !== before.cols && size.rows !== before.rows ? size : undefined;
    },
    15_000,
  );
  lastOutput = `${after.rows} ${after.cols}`;
  expect(after.cols).toBeLessThan(before.cols);
  expect(after.rows).toBeLessThan(before.rows);
  const terminal = activeTerminal(page);
  await expect(terminal.getAttribute('data-cols')).resolves.toBe(String(after.cols));
  await expect(terminal.getAttribute('data-rows')).resolves.toBe(String(after.rows));
}, 30_000);

it('re-attaches to the same shell from a new page, screen restored', async () => {
  const sessionId = await activeTerminal(page).getAttribute('data-session-id');
  expect(sessionId).toMatch(/^t_[a-z0-9]{16}$/);
  await context?.close();

  page = await newPage();
  await signIn(page, fleet.console.url);
  await openTerminalTab(page, hostName);
  // The page offers the shell it finds detached.
  const offer = page.locator('[data-reattach-offer]');
  await offer.locator(`[data-session-id="${sessionId}"]`).getByRole('button', { name: 'Re-attach' }).click();

  const terminal = activeTerminal(page);
  await terminal.and(page.locator('[data-state="attached"][data-restored="true"]')).waitFor();
  await expect(terminal.getAttribute('data-session-id')).resolves.toBe(sessionId);
  await expect(terminal.locator('[data-terminal-status]').textContent()).resolves.toMatch(/restored/);
  // What was on the screen is back.
  await waitForLine(terminal, new RegExp(`^${lastOutput}$`), `the screen from before (${lastOutput})`);

  await run(page, 'echo $GH_MARK');
  await waitForLine(terminal, /^kept-5$/);
}, 30_000);

it('replays the recording and finds the output by searching its text', async () => {
  await page.getByRole('link', { name: 'Recordings' }).click();
  const rows = page.locator('[data-recording-id]');
  await rows.first().waitFor();
  // One recording per attachment; the first attachment (the oldest) ran the echo.
  await rows.last().getByRole('link', { name: /^Play the recording/ }).click();

  const screen = page.locator('[data-player-screen]');
  await screen.locator('.xterm-rows').waitFor();
  await page.getByLabel('Search the text').fill('hello-42');
  const match = page.getByRole('listitem', { name: /hello-42/ }).first();
  await match.click();
  await waitFor('the player to show hello-42', async () => (await screenLines(screen)).some((line) => line === 'hello-42'));
}, 30_000);

it('raised no script errors or CSP violations', () => {
  expect(pageErrors).toEqual([]);
});
