import { describe, expect, it } from 'vitest';
import { configSchema } from '../config.js';
import { approvalNeeded, approvalsConfigSchema, defaultApprovalsConfig, type PolicyCall } from './policy.js';

const call = (over: Partial<PolicyCall>): PolicyCall => ({ action: 'package.install', permission: 'package.install', hostTags: [], ...over });

describe('approval policy', () => {
  it('asks for approval of the issue’s examples by default', () => {
    const needs = (c: Partial<PolicyCall>) => approvalNeeded(defaultApprovalsConfig, call(c)) !== undefined;
    expect(needs({ action: 'package.remove', permission: 'package.remove' })).toBe(true);
    expect(needs({ action: 'user.delete', permission: 'user.delete' })).toBe(true);
    expect(needs({ action: 'power.reboot', permission: 'power.control', hostTags: ['field-gateway'] })).toBe(true);
    expect(needs({ action: 'power.poweroff', permission: 'power.control', hostTags: ['plant-north', 'field-gateway'] })).toBe(true);
    expect(needs({ action: 'terminal.session', permission: 'terminal.open', hostTags: ['field-gateway'], unixUser: 'root' })).toBe(true);
  });

  it('lets ordinary calls through: installs, a reboot of an office server, a non-root terminal, a power cancel', () => {
    const needs = (c: Partial<PolicyCall>) => approvalNeeded(defaultApprovalsConfig, call(c)) !== undefined;
    expect(needs({})).toBe(false);
    expect(needs({ action: 'power.reboot', permission: 'power.control', hostTags: ['office'] })).toBe(false);
    expect(needs({ action: 'power.cancel', permission: 'power.control', hostTags: ['field-gateway'] })).toBe(false);
    expect(needs({ action: 'terminal.session', permission: 'terminal.open', hostTags: ['field-gateway'], unixUser: 'oncall' })).toBe(false);
    expect(needs({ action: 'terminal.session', permission: 'terminal.open', hostTags: [], unixUser: 'root' })).toBe(false);
    expect(needs({ action: 'modbus.write', permission: 'modbus.write', tagNeedsApproval: false })).toBe(false);
  });

  it('always asks for a Modbus tag whose write rule says approval: true, even with no rules', () => {
    const none = approvalsConfigSchema.parse({ rules: [] });
    expect(approvalNeeded(none, call({ action: 'modbus.write', permission: 'modbus.write', tagNeedsApproval: true }))).toEqual({ timeLimitMinutes: 30 });
    expect(approvalNeeded(none, call({ action: 'package.remove', permission: 'package.remove' }))).toBeUndefined();
  });

  it('matches a permission code for all its methods, and uses the rule’s own time limit', () => {
    const config = approvalsConfigSchema.parse({ timeLimitMinutes: 10, rules: [{ action: 'power.control', timeLimitMinutes: 5 }, { action: 'user.delete' }] });
    expect(approvalNeeded(config, call({ action: 'power.cancel', permission: 'power.control' }))).toEqual({ timeLimitMinutes: 5 });
    expect(approvalNeeded(config, call({ action: 'user.delete', permission: 'user.delete' }))).toEqual({ timeLimitMinutes: 10 });
  });

  it('is the console configuration’s `approvals` key, with defaults, refusing unknown keys', () => {
    const parsed = configSchema.parse({});
    expect(parsed.approvals.timeLimitMinutes).toBe(30);
    expect(parsed.approvals.rules.map((r) => r.action)).toEqual(['package.remove', 'user.delete', 'power.reboot', 'power.poweroff', 'terminal.session']);
    expect(configSchema.safeParse({ approvals: { rules: [{ action: 'package.remove', hosts: ['x'] }] } }).success).toBe(false);
    expect(configSchema.safeParse({ approvals: { rules: [{ action: 'rm -rf' }] } }).success).toBe(false);
  });
});
