/**
 * For browser tests on a managed host: within a `describe`, a Debian host under systemd-nspawn with its agent
 * (managed-host.ts) and a Chromium page, started before the tests and stopped after; a failing test leaves a
 * screenshot of the page in the temp folder and names it. Fields are set once the `beforeAll` has run.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { startManagedHost, type ManagedHost } from './managed-host.js';
import { watchPageErrors } from './terminal-page.js';

export interface BrowserOnHost {
  host: ManagedHost;
  browser: Browser;
  page: Page;
  /** Script errors and CSP refusals the page reported. */
  errors: string[];
}

export function browserOnManagedHost(): BrowserOnHost {
  const env = { errors: [] as string[] } as BrowserOnHost;

  beforeAll(async () => {
    [env.host, env.browser] = await Promise.all([startManagedHost(), launchChromium()]);
    env.page = await env.browser.newPage({ viewport: { width: 1440, height: 900 } });
    // Fail a step well inside the test's own time limit, so the report names the step that did not happen.
    env.page.setDefaultTimeout(15_000);
    watchPageErrors(env.page, env.errors);
  }, 180_000);

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail') return;
    const shot = join(tmpdir(), `gatehouse-e2e-${context.task.name.replace(/\W+/g, '-')}.png`);
    await env.page?.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    process.stderr.write(`screenshot of the failed step: ${shot}\n`);
  });

  afterAll(async () => {
    await env.browser?.close();
    await env.host?.stop();
  }, 60_000);

  return env;
}
