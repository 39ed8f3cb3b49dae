import { describe, expect, it } from 'vitest';
import { agentPolicySchema } from '../../../modules/kernel/policy.js';
import { profileSchema } from '../../../modules/modbus/profile.js';
import { siteTags, writeBlockedBy, type GatewayView } from './site-tags.js';

const profile = profileSchema.parse({
  version: 1,
  buses: [{ id: 'lan', kind: 'tcp', host: '127.0.0.1' }],
  devices: [
    {
      id: 'plc',
      name: 'Intake PLC',
      bus: 'lan',
      unitId: 1,
      tags: [
        { name: 'P-101.speed-sp', area: 'holding-register', address: 0, write: { min: 30, max: 100 } },
        { name: 'DP-401.rate-sp', area: 'holding-register', address: 1, write: { min: 0, max: 15 } },
        { name: 'LT-201.level', area: 'input-register', address: 0 },
      ],
    },
  ],
});

const policy = (p: object) => agentPolicySchema.parse(p);
const view = (p: GatewayView['policy']): GatewayView => ({ hostId: 'h1', online: true, profile, readings: new Map(), policy: p });
const blocked = (p: GatewayView['policy']) => Object.fromEntries(siteTags([view(p)], 0).filter((t) => t.write).map((t) => [t.name, t.writeBlocked]));

describe("site tags under the gateway's local policy", () => {
  it('marks profile-writable tags outside modbusWritableTags, and only writable ones', () => {
    expect(blocked(policy({ modbusWritableTags: ['*.speed-sp'] }))).toEqual({ 'P-101.speed-sp': undefined, 'DP-401.rate-sp': expect.stringMatching(/modbusWritableTags/) });
    const tags = siteTags([view(policy({ modbusWritableTags: [] }))], 0);
    expect(tags.find((t) => t.name === 'LT-201.level')?.writeBlocked).toBeUndefined();
  });

  it('leaves them to the profile without a list, and when the policy is unknown', () => {
    expect(blocked(policy({}))).toEqual({ 'P-101.speed-sp': undefined, 'DP-401.rate-sp': undefined });
    expect(blocked(null)).toEqual({ 'P-101.speed-sp': undefined, 'DP-401.rate-sp': undefined });
    expect(blocked(undefined)).toEqual({ 'P-101.speed-sp': undefined, 'DP-401.rate-sp': undefined });
  });

  it('blocks every write on a read-only gateway and one that does not serve Modbus', () => {
    expect(writeBlockedBy(policy({ readOnly: true, modbusWritableTags: ['*.*'] }), 'P-101.speed-sp')).toMatch(/read-only/);
    expect(writeBlockedBy(policy({ modules: ['process'] }), 'P-101.speed-sp')).toMatch(/does not serve Modbus/);
  });
});
