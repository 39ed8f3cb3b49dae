/**
 * A read-only agent changes nothing in the field either: modbus.write (risk dangerous) and modbus.apply (permission
 * modbus.configure, risk change) are refused by the dispatcher before their handlers run, while modbus.status (a
 * read) still reaches its handler. No gateway runs here, so a call that got through would answer not-supported.
 */
import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../modules/kernel/errors.js';
import type { ModuleHandlers } from '../modules/kernel/handler.js';
import { agentPolicySchema } from '../modules/kernel/policy.js';
import { handlers } from '../modules/modbus/agent.js';
import { Dispatcher } from './dispatcher.js';

const signal = new AbortController().signal;

async function problem(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected a problem');
}

function dispatcher(policy: object): Dispatcher {
  return new Dispatcher(new Map([['modbus', handlers as unknown as ModuleHandlers]]), agentPolicySchema.parse(policy));
}

const call = (d: Dispatcher, name: string, params: unknown) => d.call({ module: 'modbus', name, params, actor: 'test' }, signal);

describe('readOnly and the Modbus module', () => {
  it('refuses modbus.write and modbus.apply (permission modbus.configure) with policy-denied, and lets modbus.status through', async () => {
    const d = dispatcher({ readOnly: true, modbusWritableTags: ['*'] });
    const write = await problem(call(d, 'write', { tag: 'dose.setpoint', value: 40, reason: 'read-only test' }));
    expect(write.code).toBe('policy-denied');
    expect(write.message).toMatch(/read-only/);
    expect((await problem(call(d, 'apply', { profile: {} }))).code).toBe('policy-denied');
    // The read reaches the handler, which has no gateway to ask.
    expect((await problem(call(d, 'status', {}))).code).toBe('not-supported');
  });

  it('passes the same write to the handler when the agent is not read-only (the control)', async () => {
    const d = dispatcher({});
    expect((await problem(call(d, 'write', { tag: 'dose.setpoint', value: 40, reason: 'control case' }))).code).toBe('not-supported');
  });
});
