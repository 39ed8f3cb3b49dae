import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineModule } from '../modules/kernel/contract.js';
import { GatehouseError } from '../modules/kernel/errors.js';
import { defineHandlers, type ModuleHandlers } from '../modules/kernel/handler.js';
import { agentPolicySchema } from '../modules/kernel/policy.js';
import { Dispatcher } from './dispatcher.js';

const contract = defineModule({
  name: 'demo',
  title: 'Demo',
  permissions: {
    'demo.read': { risk: 'read', summary: 'read' },
    'demo.write': { risk: 'change', summary: 'write' },
  },
  methods: {
    echo: { summary: 'echo', permission: 'demo.read', params: z.object({ text: z.string().max(10) }).strict(), result: z.object({ text: z.string() }) },
    lie: { summary: 'returns a wrong shape', permission: 'demo.read', params: z.object({}), result: z.object({ n: z.number() }) },
    slow: { summary: 'never ends', permission: 'demo.read', params: z.object({}), result: z.object({}) },
    touch: { summary: 'changes something', permission: 'demo.write', params: z.object({}), result: z.object({ ok: z.boolean() }) },
    crash: { summary: 'throws an OS error', permission: 'demo.read', params: z.object({}), result: z.object({}) },
  },
});

let sawAbort = false;
const handlers = defineHandlers(contract, {
  methods: {
    echo: async ({ text }) => ({ text }),
    lie: async () => ({ n: 'not a number' }) as never,
    slow: (_p, { signal }) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('aborted'));
        });
      }),
    touch: async () => ({ ok: true }),
    crash: async () => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    },
  },
});

function dispatcher(policy: object = {}, timeoutMs = 1_000) {
  return new Dispatcher(new Map([['demo', handlers as unknown as ModuleHandlers]]), agentPolicySchema.parse(policy), timeoutMs);
}

async function problem(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return (err as GatehouseError).code;
  }
  throw new Error('expected a problem');
}

const signal = new AbortController().signal;
const call = (d: Dispatcher, name: string, params: unknown, module = 'demo') => d.call({ module, name, params, actor: 'test' }, signal);

describe('Dispatcher', () => {
  it('validates params and returns the handler result', async () => {
    await expect(call(dispatcher(), 'echo', { text: 'hi' })).resolves.toEqual({ text: 'hi' });
  });

  it('refuses unknown modules and methods with their codes', async () => {
    expect(await problem(call(dispatcher(), 'echo', {}, 'nope'))).toBe('unknown-module');
    expect(await problem(call(dispatcher(), 'explode', {}))).toBe('unknown-method');
    // Inherited object keys are not methods.
    expect(await problem(call(dispatcher(), 'constructor', {}))).toBe('unknown-method');
  });

  it('refuses params that fail the schema, naming the field', async () => {
    const d = dispatcher();
    await expect(call(d, 'echo', { text: 'far too long a text' })).rejects.toThrow(/text/);
    expect(await problem(call(d, 'echo', { text: 1 }))).toBe('invalid-params');
    expect(await problem(call(d, 'echo', { text: 'a', extra: true }))).toBe('invalid-params');
  });

  it('never passes on a result that breaks the contract', async () => {
    expect(await problem(call(dispatcher(), 'lie', {}))).toBe('internal-error');
  });

  it('times out a call and aborts its handler', async () => {
    sawAbort = false;
    expect(await problem(call(dispatcher({}, 50), 'slow', {}))).toBe('timeout');
    expect(sawAbort).toBe(true);
  });

  it('maps operating-system errors to problem codes', async () => {
    expect(await problem(call(dispatcher(), 'crash', {}))).toBe('not-found');
  });

  it('refuses changes under a read-only policy but still serves reads', async () => {
    const d = dispatcher({ readOnly: true });
    expect(await problem(call(d, 'touch', {}))).toBe('policy-denied');
    await expect(call(d, 'echo', { text: 'ok' })).resolves.toEqual({ text: 'ok' });
  });
});
