import { describe, expect, it } from 'vitest';
import type { SiteTag } from '../../../../modules/modbus/site-api.js';
import {
  equipmentOf,
  findSignal,
  formatAge,
  formatNumber,
  formatTagValue,
  formatWithUnit,
  groupEquipment,
  kindOf,
  mergeReadings,
  outOfRange,
  percentOfRange,
  shownQuality,
  signalOf,
} from './tagState.js';

const now = Date.parse('2026-01-01T12:00:00.000Z');
const secondsAgo = (s: number) => new Date(now - s * 1000).toISOString();

function tag(name: string, extra: Partial<SiteTag> = {}): SiteTag {
  return {
    name,
    description: '',
    device: 'intake-plc',
    deviceName: 'Raw-water intake PLC',
    hostId: 'h_gw',
    unit: '',
    type: 'float32',
    value: 1,
    quality: 'good',
    ts: secondsAgo(1),
    derived: false,
    ...extra,
  };
}

describe('equipment from tag names', () => {
  it('takes the part before the first dot as the equipment and the rest as the signal', () => {
    expect(equipmentOf('P-101.speed')).toBe('P-101');
    expect(signalOf('P-101.speed-setpoint')).toBe('speed-setpoint');
    expect(equipmentOf('AIT-401.chlorine.raw')).toBe('AIT-401');
    expect(signalOf('AIT-401.chlorine.raw')).toBe('chlorine.raw');
    expect(equipmentOf('spare')).toBe('spare');
  });

  it('reads the kind from the ISA-style prefix', () => {
    expect(kindOf('P-101')).toBe('pump');
    expect(kindOf('DP-401')).toBe('pump');
    expect(kindOf('LT-201')).toBe('tank');
    expect(kindOf('FT-101')).toBe('flow');
    expect(kindOf('PT-301')).toBe('pressure');
    expect(kindOf('AIT-402')).toBe('analyser');
    expect(kindOf('intake')).toBe('other');
    // A prefix is a prefix: "PUMP-1" and "XP-1" are not ISA pump tags.
    expect(kindOf('PUMP-1')).toBe('other');
    expect(kindOf('XP-1')).toBe('other');
  });

  it('groups tags into equipment in process order and keeps comm tags apart', () => {
    const tags = [
      tag('DP-401.rate'),
      tag('AIT-401.chlorine'),
      tag('P-102.running'),
      tag('intake-plc.comm', { derived: true, type: 'bool', value: true }),
      tag('P-101.speed'),
      tag('LT-201.level'),
      tag('P-101.running'),
      tag('treatment-plc.comm', { device: 'treatment-plc', type: 'bool', value: false }),
      tag('intake.level-call'),
    ];
    const layout = groupEquipment(tags);
    expect(layout.devices.map((t) => t.name)).toEqual(['intake-plc.comm', 'treatment-plc.comm']);
    expect(layout.equipment.map((e) => `${e.kind}:${e.id}`)).toEqual(['pump:P-101', 'pump:P-102', 'pump:DP-401', 'tank:LT-201', 'analyser:AIT-401', 'other:intake']);
    const pump = layout.equipment[0]!;
    expect(pump.tags.map((t) => t.name)).toEqual(['P-101.speed', 'P-101.running']);
    expect(findSignal(pump, 'running')?.name).toBe('P-101.running');
    expect(findSignal(pump, 'fault')).toBeUndefined();
  });

  it('does not take a tag named like a comm tag of another device for a comm tag', () => {
    const layout = groupEquipment([tag('other-plc.comm', { device: 'intake-plc' })]);
    expect(layout.devices).toEqual([]);
    expect(layout.equipment.map((e) => e.id)).toEqual(['other-plc']);
  });
});

describe('values', () => {
  it('shows the tag’s decimal places, and no "-0"', () => {
    expect(formatNumber(45.678, 1)).toBe('45.7');
    expect(formatNumber(45, 2)).toBe('45.00');
    expect(formatNumber(-0.001, 1)).toBe('0.0');
    expect(formatNumber(-0.4, 0)).toBe('0');
    expect(formatNumber(-1.26, 1)).toBe('-1.3');
    // Without decimals: whole numbers stay whole, others get two places (one from 100 up).
    expect(formatNumber(1234)).toBe('1234');
    expect(formatNumber(0.456)).toBe('0.46');
    expect(formatNumber(123.456)).toBe('123.5');
  });

  it('never shows a number for a tag without communication', () => {
    expect(formatTagValue(tag('P-101.speed', { value: 45, quality: 'comm-fault', decimals: 1 }))).toBe('—');
    expect(formatTagValue(tag('P-101.speed', { value: null, quality: 'good' }))).toBe('—');
    expect(formatWithUnit(tag('P-101.speed', { value: 45, quality: 'comm-fault', unit: '%' }))).toBe('—');
  });

  it('keeps a stale value (it is shown greyed, with its age)', () => {
    expect(formatTagValue(tag('P-101.speed', { value: 45, quality: 'stale', decimals: 1 }))).toBe('45.0');
  });

  it('puts bools in the words of the signal', () => {
    expect(formatTagValue(tag('P-101.running', { value: true }))).toBe('running');
    expect(formatTagValue(tag('P-101.running', { value: false }))).toBe('stopped');
    expect(formatTagValue(tag('P-101.fault', { value: true }))).toBe('tripped');
    expect(formatTagValue(tag('LT-201.high-alarm', { value: false }))).toBe('normal');
    expect(formatTagValue(tag('P-101.run-command', { value: true }))).toBe('on');
  });

  it('writes units as people do', () => {
    expect(formatWithUnit(tag('FT-101.flow', { value: 81.234, decimals: 1, unit: 'm3/h' }))).toBe('81.2 m³/h');
  });
});

describe('quality and age', () => {
  it('says how old a good reading is', () => {
    expect(shownQuality(tag('x', { ts: secondsAgo(3) }), now)).toEqual({ quality: 'good', text: 'just now' });
    expect(shownQuality(tag('x', { ts: secondsAgo(45) }), now)).toEqual({ quality: 'good', text: '45 s ago' });
  });

  it('says "stale" with the age of a stale reading', () => {
    expect(shownQuality(tag('x', { quality: 'stale', ts: secondsAgo(130) }), now)).toEqual({ quality: 'stale', text: 'stale · 2 min old' });
    expect(shownQuality(tag('x', { quality: 'stale', ts: secondsAgo(3 * 3600 + 60) }), now).text).toBe('stale · 3 h old');
  });

  it('says "no communication" for comm-fault and for a tag never read', () => {
    expect(shownQuality(tag('x', { quality: 'comm-fault', value: null }), now)).toEqual({ quality: 'comm-fault', text: 'no communication' });
    expect(shownQuality(tag('x', { ts: '' }), now)).toEqual({ quality: 'comm-fault', text: 'no reading yet' });
  });

  it('treats a good reading from an offline gateway as stale', () => {
    expect(shownQuality(tag('x', { ts: secondsAgo(300) }), now, { gatewayOnline: false })).toEqual({ quality: 'stale', text: 'gateway offline · 5 min old' });
  });

  it('formats ages in their largest unit', () => {
    expect(formatAge(4_000)).toBe('4 s');
    expect(formatAge(-5)).toBe('0 s');
    expect(formatAge(2 * 86_400_000 + 3_600_000)).toBe('2 d');
  });
});

describe('range', () => {
  const level = (value: number | null, quality: SiteTag['quality'] = 'good') => tag('LT-201.level', { value, quality, range: { min: 0, max: 5 } });

  it('flags readings outside the range, not those on its edges', () => {
    expect(outOfRange(level(5))).toBe(false);
    expect(outOfRange(level(0))).toBe(false);
    expect(outOfRange(level(5.2))).toBe(true);
    expect(outOfRange(level(-0.1))).toBe(true);
    expect(outOfRange(level(7, 'comm-fault'))).toBe(false);
    expect(outOfRange(tag('x', { value: 1e9 }))).toBe(false);
  });

  it('places a value in its range for a level bar, clamped', () => {
    expect(percentOfRange(level(2.5))).toBe(50);
    expect(percentOfRange(level(6))).toBe(100);
    expect(percentOfRange(level(-1))).toBe(0);
    expect(percentOfRange(level(null))).toBeUndefined();
  });
});

describe('merging readings', () => {
  it('takes newer readings and keeps newer ones already shown', () => {
    const tags = [tag('a', { value: 1, ts: secondsAgo(10) }), tag('b', { value: 2, ts: secondsAgo(1) })];
    const merged = mergeReadings(tags, [
      { name: 'a', value: 5, quality: 'good', ts: secondsAgo(2) },
      { name: 'b', value: 9, quality: 'good', ts: secondsAgo(20) },
      { name: 'unknown', value: 1, quality: 'good', ts: secondsAgo(0) },
    ]);
    expect(merged.map((t) => t.value)).toEqual([5, 2]);
  });

  it('takes a quality change at the same reading time (a reading turning stale)', () => {
    const tags = [tag('a', { value: 1, ts: secondsAgo(10) })];
    const merged = mergeReadings(tags, [{ name: 'a', value: 1, quality: 'stale', ts: tags[0]!.ts }]);
    expect(merged[0]!.quality).toBe('stale');
  });

  it('keeps a refetched judgement at the same reading time over what was shown (ties: keep)', () => {
    const fetched = [tag('a', { value: 1, quality: 'stale', ts: secondsAgo(90) })];
    const shown = [{ name: 'a', value: 1, quality: 'good' as const, ts: fetched[0]!.ts }];
    expect(mergeReadings(fetched, shown, 'keep')[0]!.quality).toBe('stale');
    // A newer reading shown (a live push during the fetch) still wins.
    expect(mergeReadings(fetched, [{ name: 'a', value: 2, quality: 'good', ts: secondsAgo(1) }], 'keep')[0]!.value).toBe(2);
  });

  it('returns the same array when nothing changed, so React does not redraw', () => {
    const tags = [tag('a', { value: 1 })];
    expect(mergeReadings(tags, [{ name: 'a', value: 1, quality: 'good', ts: tags[0]!.ts }])).toBe(tags);
  });
});
