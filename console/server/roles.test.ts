import { describe, expect, it } from 'vitest';
import { configSchema } from './config.js';
import { mayOpenTerminalAs, terminalUsersOf } from './roles.js';

describe('which Unix users a role may open terminals as', () => {
  it('lets administrators open any user and every other role none, unless configured', () => {
    expect(mayOpenTerminalAs(['administrator'], 'root')).toBe(true);
    expect(mayOpenTerminalAs(['administrator'], 'postgres')).toBe(true);
    for (const role of ['system-operator', 'plant-operator', 'on-call', 'auditor', 'viewer'] as const) {
      expect(mayOpenTerminalAs([role], 'root')).toBe(false);
      expect(terminalUsersOf([role])).toEqual([]);
    }
  });

  it('follows the configuration, which can narrow administrators too', () => {
    const configured = configSchema.parse({ terminalUsers: { 'on-call': ['oncall', 'www-data'], administrator: ['root'] } }).terminalUsers;
    expect(mayOpenTerminalAs(['on-call'], 'oncall', configured)).toBe(true);
    expect(mayOpenTerminalAs(['on-call'], 'root', configured)).toBe(false);
    expect(mayOpenTerminalAs(['administrator'], 'root', configured)).toBe(true);
    expect(mayOpenTerminalAs(['administrator'], 'postgres', configured)).toBe(false);
    expect(mayOpenTerminalAs(['viewer'], 'oncall', configured)).toBe(false);
  });

  it('gives someone holding several roles on a host the users of each', () => {
    const configured = { 'on-call': ['oncall'], 'system-operator': ['deploy'] };
    expect(terminalUsersOf(['on-call', 'system-operator'], configured)).toEqual(['deploy', 'oncall']);
    expect(terminalUsersOf(['custom-role'], configured)).toEqual([]);
  });

  it('refuses a configuration naming an unknown role or an impossible user name', () => {
    expect(configSchema.safeParse({ terminalUsers: { superuser: ['root'] } }).success).toBe(false);
    expect(configSchema.safeParse({ terminalUsers: { 'on-call': ['root; reboot'] } }).success).toBe(false);
  });
});
