/**
 * Driving the Terminal tab and the recording player in a real browser: sign in, open a host's terminal, read
 * what xterm.js drew (its DOM renderer keeps one element per row), and collect script errors and CSP violations.
 */
import type { Locator, Page } from 'playwright-core';
import { adminPassword } from './console.js';
import { waitFor } from './console.js';

/** Script errors and CSP violations a page raised; a test expects none. */
export function watchPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (err) => errors.push(`${page.url()}: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) errors.push(`${page.url()}: ${msg.text()}`);
  });
}

export async function signIn(page: Page, consoleUrl: string, username = 'admin', password = adminPassword): Promise<void> {
  await page.goto(consoleUrl);
  await page.getByLabel(/username/i).fill(username);
  await page.getByLabel(/password/i).fill(password);
  await page.getByRole('button', { name: /log in|sign in/i }).click();
  await page.locator('[data-host-id]').first().waitFor();
}

export async function openTerminalTab(page: Page, hostName: string): Promise<void> {
  await page.getByRole('link', { name: hostName }).first().click();
  await page.getByRole('tab', { name: 'Terminal' }).click();
}

/** The terminal in front (the others stay mounted, hidden). */
export function activeTerminal(page: Page): Locator {
  return page.locator('[data-terminal-pane][data-active="true"]');
}

/** The rows xterm.js drew inside `scope`, as text, trailing blanks trimmed. */
export async function screenLines(scope: Locator): Promise<string[]> {
  const rows = await scope.locator('.xterm-rows > div').allTextContents();
  return rows.map((row) => row.replace(/\u00a0/g, ' ').trimEnd());
}

/** Wait until a row of the screen satisfies `match`; returns that row (the last one that does). */
export async function waitForLine(scope: Locator, match: RegExp, what = String(match), timeoutMs = 10_000): Promise<string> {
  return waitFor(
    `the screen to show ${what}`,
    async () => (await screenLines(scope)).filter((line) => match.test(line)).at(-1),
    timeoutMs,
  ).catch(async (error: Error) => {
    throw new Error(`${error.message}; the screen was:\n${(await screenLines(scope)).join('\n')}`);
  });
}

/** Type a command line into the focused terminal and press Enter. */
export async function run(page: Page, command: string): Promise<void> {
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
}
