/**
 * An agent in read-only mode refuses renaming the host and every power action in its dispatcher, before any
 * handler runs. The handlers here are stand-ins that fail the test if reached: the real ones would rename or
 * reboot THIS machine, which no test may do.
 */
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../agent/dispatcher.js';
import { GatehouseError } from '../../modules/kernel/errors.js';
import { defineHandlers, type ModuleHandlers } from '../../modules/kernel/handler.js';
import { agentPolicySchema } from '../../modules/kernel/policy.js';
import { contract as networkContract } from '../../modules/network/contract.js';
import { contract as powerContract } from '../../modules/power/contract.js';

const reached: string[] = [];
const never = (name: string) => async () => {
  reached.push(name);
  throw new Error(`${name} must not run`);
};
const network = defineHandlers(networkContract, {
  methods: {
    interfaces: async () => ({ interfaces: [] }),
    routes: never('routes'),
    dns: never('dns'),
    listening: never('listening'),
    hostname: never('hostname'),
    setHostname: never('setHostname'),
  },
});
const power = defineHandlers(powerContract, {
  methods: { status: never('status'), reboot: never('reboot'), poweroff: never('poweroff'), cancel: never('cancel') },
});

describe('read-only agents and the network and power modules (stand-in handlers, never the real ones)', () => {
  const dispatcher = new Dispatcher(
    new Map<string, ModuleHandlers>([
      ['network', network as unknown as ModuleHandlers],
      ['power', power as unknown as ModuleHandlers],
    ]),
    agentPolicySchema.parse({ readOnly: true }),
    1_000,
  );
  const signal = new AbortController().signal;
  const codeOf = async (module: string, name: string, params: unknown) => {
    try {
      await dispatcher.call({ module, name, params, actor: 'test' }, signal);
      return 'ok';
    } catch (err) {
      return err instanceof GatehouseError ? err.code : String(err);
    }
  };

  it('refuses setHostname, reboot, poweroff and cancel with policy-denied, reaching no handler', async () => {
    expect(await codeOf('network', 'setHostname', { hostname: 'gw-1' })).toBe('policy-denied');
    expect(await codeOf('power', 'reboot', { when: 'now' })).toBe('policy-denied');
    expect(await codeOf('power', 'poweroff', { when: '+5' })).toBe('policy-denied');
    expect(await codeOf('power', 'cancel', {})).toBe('policy-denied');
    expect(reached).toEqual([]);
    // Reads still pass.
    expect(await codeOf('network', 'interfaces', {})).toBe('ok');
  });
});
