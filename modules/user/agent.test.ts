import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../agent/dispatcher.js';
import { handlers as groupHandlers } from '../group/agent.js';
import { GatehouseError } from '../kernel/errors.js';
import type { ModuleHandlers } from '../kernel/handler.js';
import { agentPolicySchema } from '../kernel/policy.js';
import { handlers as userHandlers } from './agent.js';

function dispatcher(policy: object = {}) {
  return new Dispatcher(
    new Map<string, ModuleHandlers>([
      ['user', userHandlers as unknown as ModuleHandlers],
      ['group', groupHandlers as unknown as ModuleHandlers],
    ]),
    agentPolicySchema.parse(policy),
    10_000,
  );
}

const signal = new AbortController().signal;
const call = (d: Dispatcher, module: string, name: string, params: unknown) => d.call({ module, name, params, actor: 'test' }, signal);

async function problem(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return (err as GatehouseError).code;
  }
  throw new Error('expected a problem');
}

describe('user and group handlers under the dispatcher', () => {
  it('a read-only agent refuses every change before anything runs, and still lists', async () => {
    const d = dispatcher({ readOnly: true });
    // Names that exist nowhere: a handler that ran would answer not-found, so policy-denied proves none did.
    const changes: [string, string, unknown][] = [
      ['user', 'create', { name: 'gh-nobody-here' }],
      ['user', 'modify', { name: 'gh-nobody-here', shell: '/bin/sh' }],
      ['user', 'lock', { name: 'gh-nobody-here' }],
      ['user', 'unlock', { name: 'gh-nobody-here' }],
      ['user', 'expire', { name: 'gh-nobody-here', accountExpiresOn: 'now' }],
      ['user', 'setPassword', { name: 'gh-nobody-here', password: 'x' }],
      ['user', 'delete', { name: 'gh-nobody-here' }],
      ['user', 'addKey', { name: 'gh-nobody-here', key: 'ssh-ed25519 AAAA' }],
      ['user', 'removeKey', { name: 'gh-nobody-here', fingerprint: `SHA256:${'A'.repeat(43)}` }],
      ['group', 'create', { name: 'gh-nobody-here' }],
      ['group', 'rename', { name: 'gh-nobody-here', newName: 'x' }],
      ['group', 'setMembers', { name: 'gh-nobody-here', members: [] }],
      ['group', 'delete', { name: 'gh-nobody-here' }],
    ];
    for (const [module, method, params] of changes) {
      expect(await problem(call(d, module, method, params)), `${module}.${method}`).toBe('policy-denied');
    }
    const { users } = (await call(d, 'user', 'list', {})) as { users: { name: string; uid: number }[] };
    expect(users.find((u) => u.name === 'root')).toMatchObject({ uid: 0 });
    const { groups } = (await call(d, 'group', 'list', {})) as { groups: { name: string }[] };
    expect(groups.some((g) => g.name === 'root')).toBe(true);
  });

  it('answers not-found for an account that does not exist, before any tool runs', async () => {
    expect(await problem(call(dispatcher(), 'user', 'keys', { name: 'gh-nobody-here' }))).toBe('not-found');
    expect(await problem(call(dispatcher(), 'user', 'lock', { name: 'gh-nobody-here' }))).toBe('not-found');
    expect(await problem(call(dispatcher(), 'group', 'delete', { name: 'gh-nobody-here' }))).toBe('not-found');
  });
});
