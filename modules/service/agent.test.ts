/**
 * The handlers on a machine without systemd (this one, where tests run; the real systemd behaviour is tested
 * inside an nspawn host in test/integration/service.test.ts): the list says so and offers the init scripts,
 * everything else answers not-supported.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../kernel/handler.js';
import { defaultAgentPolicy } from '../kernel/policy.js';
import { handlers } from './agent.js';
import { contract } from './contract.js';

const context = (): CallContext => ({ policy: defaultAgentPolicy, signal: new AbortController().signal, actor: 'test' });
const withoutSystemd = !existsSync('/run/systemd/system');

describe.skipIf(!withoutSystemd)('on a host without systemd', () => {
  it('lists no units, says there is no manager, and lists /etc/init.d', async () => {
    const result = contract.methods.list.result.parse(await handlers.methods.list({}, context()));
    expect(result.manager).toBe('none');
    expect(result.units).toEqual([]);
    if (existsSync('/etc/init.d')) expect(result.initScripts.length).toBeGreaterThanOrEqual(0);
  });

  it.each(['start', 'stop', 'details', 'unitFile'] as const)('%s answers not-supported', async (method) => {
    await expect(handlers.methods[method]({ unit: 'ssh.service' }, context())).rejects.toMatchObject({ code: 'not-supported' });
  });

  it('journal answers not-supported', async () => {
    await expect(handlers.methods.journal({ lines: 10 }, context())).rejects.toMatchObject({ code: 'not-supported' });
  });
});
