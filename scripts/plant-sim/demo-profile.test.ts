import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { profileSchema, type Profile, type Tag } from '../../modules/modbus/profile.js';
import { simTags } from './registers.js';

const profilePath = join(import.meta.dirname, 'demo-profile.yaml');

function loadProfile(): Profile {
  return profileSchema.parse(parse(readFileSync(profilePath, 'utf8')));
}

function profileTags(profile: Profile): (Tag & { unitId: number })[] {
  return profile.devices.flatMap((d) => d.tags.map((t) => ({ ...t, unitId: d.unitId })));
}

describe('demo-profile.yaml', () => {
  it('is a valid Gatehouse device profile for two PLCs on one TCP bus at 127.0.0.1:5020', () => {
    const profile = loadProfile();
    expect(profile.buses).toEqual([expect.objectContaining({ kind: 'tcp', host: '127.0.0.1', port: 5020 })]);
    expect(profile.devices.map((d) => d.unitId)).toEqual([1, 2]);
    expect(new Set(profile.devices.map((d) => d.bus)).size).toBe(1);
  });

  it('names every tag the simulator serves, at the address, type, word order and scaling it serves it', () => {
    const tags = profileTags(loadProfile());
    expect(tags.map((t) => t.name).sort()).toEqual(simTags.map((t) => t.name).sort());
    for (const sim of simTags) {
      const tag = tags.find((t) => t.name === sim.name)!;
      const what = { name: tag.name, unitId: tag.unitId, area: tag.area, address: tag.address, type: tag.type, bit: tag.bit, unit: tag.unit };
      expect(what).toEqual({ name: sim.name, unitId: sim.unitId, area: sim.area, address: sim.address, type: sim.type, bit: sim.bit, unit: sim.unit });
      if (sim.type !== 'bool' && sim.type !== 'int16' && sim.type !== 'uint16') expect(tag.wordOrder, tag.name).toBe(sim.wordOrder);
      expect(tag.scaling, tag.name).toEqual(sim.scaling);
      expect(tag.description.length, `${tag.name} has a description`).toBeGreaterThan(10);
    }
  });

  it('allows writes exactly on the setpoints and commands, inside what the PLC accepts', () => {
    const tags = profileTags(loadProfile());
    for (const sim of simTags) {
      const rule = tags.find((t) => t.name === sim.name)!.write;
      if (!sim.write) {
        expect(rule, sim.name).toBeUndefined();
        continue;
      }
      expect(rule, sim.name).toBeDefined();
      expect(rule!.min).toBeGreaterThanOrEqual(sim.write.min);
      expect(rule!.max).toBeLessThanOrEqual(sim.write.max);
      if (sim.type !== 'bool') expect(rule!.maxStep, sim.name).toBeGreaterThan(0);
      expect(rule!.minIntervalSeconds).toBeGreaterThan(0);
    }
  });

  it('polls states and flows fast, measurements normally, counters slowly, and tracks the pump its PLC does not count', () => {
    const tags = profileTags(loadProfile());
    const classOf = (name: string) => tags.find((t) => t.name === name)!.pollClass;
    for (const tag of tags) {
      if (tag.type === 'bool' || tag.name.endsWith('.flow')) expect(classOf(tag.name), tag.name).toBe('fast');
    }
    for (const name of ['FT-101.total', 'P-101.run-hours', 'P-101.starts']) expect(classOf(name)).toBe('slow');
    for (const name of ['LT-201.level', 'PT-301.pressure', 'AIT-401.chlorine', 'AIT-402.turbidity', 'AIT-403.ph']) expect(classOf(name)).toBe('normal');
    const tracked = tags.filter((t) => t.track);
    expect(tracked.map((t) => [t.name, t.track])).toEqual([['P-102.running', { runHours: 'P-102.run-hours', starts: 'P-102.starts' }]]);
    // P-101 is counted by its PLC, so Gatehouse must not derive its own.
    expect(tags.some((t) => t.name === 'P-101.run-hours') && tags.some((t) => t.name === 'P-101.starts')).toBe(true);
  });
});
