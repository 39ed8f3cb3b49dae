import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../../modules/modbus/profile.js';
import { judgedQuality, siteState, siteTags, staleAfterMs, type GatewayView, type Reading } from './site-tags.js';

const profile = profileSchema.parse({
  version: 1,
  refreshSeconds: 60,
  buses: [{ id: 'lan', kind: 'tcp', host: '127.0.0.1' }],
  devices: [
    {
      id: 'plc',
      name: 'Intake PLC',
      bus: 'lan',
      unitId: 1,
      tags: [
        { name: 'P-101.running', area: 'coil', address: 0, type: 'bool', pollClass: 'fast', track: { runHours: 'P-101.hours', starts: 'P-101.starts' } },
        { name: 'LT-201.level', area: 'input-register', address: 0, unit: 'm', decimals: 2, range: { min: 0, max: 5 } },
        { name: 'P-101.speed-sp', area: 'holding-register', address: 0, unit: '%', write: { min: 30, max: 100 } },
      ],
    },
  ],
});

const now = 1_800_000_000_000;
const view = (readings: Reading[], online = true): GatewayView => ({ hostId: 'h1', online, profile, readings: new Map(readings.map((r) => [r.tag, r])) });

describe('site tags', () => {
  it('lists the comm tag, each tag and the derived counters, with what the page needs', () => {
    const tags = siteTags([view([{ tag: 'LT-201.level', value: 2.5, quality: 'good', ts: now - 1000 }])], now);
    expect(tags.map((t) => t.name)).toEqual(['plc.comm', 'P-101.running', 'P-101.hours', 'P-101.starts', 'LT-201.level', 'P-101.speed-sp']);
    const level = tags.find((t) => t.name === 'LT-201.level');
    expect(level).toMatchObject({ value: 2.5, quality: 'good', unit: 'm', decimals: 2, range: { min: 0, max: 5 }, derived: false, deviceName: 'Intake PLC' });
    expect(level?.ts).toBe(new Date(now - 1000).toISOString());
    expect(tags.find((t) => t.name === 'P-101.speed-sp')?.write).toMatchObject({ min: 30, max: 100 });
    expect(tags.find((t) => t.name === 'P-101.hours')).toMatchObject({ derived: true, unit: 'h' });
  });

  it('never shows a number without communication, and calls old or cut-off readings stale', () => {
    const stale = staleAfterMs(profile, 'normal');
    expect(stale).toBeGreaterThanOrEqual(90_000); // one and a half refreshes of 60 s
    const reading: Reading = { tag: 'LT-201.level', value: 2.5, quality: 'good', ts: now - 1000 };
    expect(judgedQuality(reading, true, stale, now)).toBe('good');
    expect(judgedQuality({ ...reading, ts: now - stale - 1 }, true, stale, now)).toBe('stale');
    expect(judgedQuality(reading, false, stale, now)).toBe('stale');
    expect(judgedQuality(undefined, true, stale, now)).toBe('comm-fault');
    const tags = siteTags([view([{ tag: 'LT-201.level', value: 2.5, quality: 'comm-fault', ts: now }])], now);
    expect(tags.find((t) => t.name === 'LT-201.level')).toMatchObject({ value: null, quality: 'comm-fault' });
  });

  it("sums a site's state up as the worst of its tags and gateways", () => {
    const all = (quality: Reading['quality']) =>
      ['plc.comm', 'P-101.running', 'P-101.hours', 'P-101.starts', 'LT-201.level', 'P-101.speed-sp'].map((tag) => ({ tag, value: 1, quality, ts: now }));
    const good = [view(all('good'))];
    expect(siteState(good, siteTags(good, now))).toBe('ok');
    const stale = [view(all('stale'))];
    expect(siteState(stale, siteTags(stale, now))).toBe('degraded');
    const fault = [view(all('comm-fault'))];
    expect(siteState(fault, siteTags(fault, now))).toBe('comm-fault');
    const offline = [view(all('good'), false)];
    expect(siteState(offline, siteTags(offline, now))).toBe('offline');
    expect(siteState([], [])).toBe('no-data');
    const empty = [view([])];
    expect(siteState(empty, siteTags(empty, now))).toBe('no-data');
  });
});
