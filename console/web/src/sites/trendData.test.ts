import { describe, expect, it } from 'vitest';
import { checkSetpoint, describeRule } from './setpointCheck.js';
import { parseTrendView, trendColumns, trendLink, trendViewSearch, viewWindow } from './trendData.js';
import type { SiteTag } from '../../../../modules/modbus/site-api.js';

describe('the trend view in the URL', () => {
  it('reads tags, range and zoom, and writes them back the same', () => {
    const view = parseTrendView(new URLSearchParams('tags=P-101.speed,LT-201.level&range=24h&from=1000&to=5000'));
    expect(view).toEqual({ tags: ['P-101.speed', 'LT-201.level'], range: '24h', zoom: { from: 1000, to: 5000 } });
    expect(trendViewSearch(view)).toBe('tags=P-101.speed,LT-201.level&range=24h&from=1000&to=5000');
  });

  it('falls back to defaults for anything malformed', () => {
    expect(parseTrendView(new URLSearchParams('tags=<script>,,P-101.speed,P-101.speed&range=1y&from=9&to=3'))).toEqual({ tags: ['P-101.speed'], range: '1h' });
    expect(parseTrendView(new URLSearchParams(''))).toEqual({ tags: [], range: '1h' });
  });

  it('keeps at most 16 tags', () => {
    const many = Array.from({ length: 20 }, (_, i) => `T-${i}.v`).join(',');
    expect(parseTrendView(new URLSearchParams(`tags=${many}`)).tags).toHaveLength(16);
  });

  it('links a value to its trend', () => {
    expect(trendLink('demo', ['P-101.speed'])).toBe('/sites/demo/trend?tags=P-101.speed&range=1h');
  });

  it('spans the range up to now, or the zoomed span', () => {
    expect(viewWindow({ tags: [], range: '1h' }, 10_000_000)).toEqual({ from: 10_000_000 - 3_600_000, to: 10_000_000 });
    expect(viewWindow({ tags: [], range: '1h', zoom: { from: 1, to: 2 } }, 10_000_000)).toEqual({ from: 1, to: 2 });
  });
});

describe('trend columns', () => {
  it('puts series with different times on one axis: stepped over where only the other has a point, broken at a null', () => {
    const { times, columns, banded } = trendColumns({
      resolution: 'raw',
      series: [
        { tag: 'a', unit: '%', points: [{ ts: 1000, value: 1 }, { ts: 3000, value: null }, { ts: 4000, value: 3 }] },
        { tag: 'b', unit: 'm', points: [{ ts: 2000, value: 7 }] },
      ],
    });
    expect(banded).toBe(false);
    expect(times).toEqual([1, 2, 3, 4]);
    expect(columns.map((c) => [c.tag, c.role, c.values])).toEqual([
      ['a', 'value', [1, undefined, null, 3]],
      ['b', 'value', [undefined, 7, undefined, undefined]],
    ]);
  });

  it('adds min and max columns for buckets, and a gap where buckets are missing', () => {
    const minute = 60_000;
    const { times, columns, banded } = trendColumns({
      resolution: 'minute',
      series: [{ tag: 'a', unit: '%', points: [{ ts: 0, value: 2, min: 1, max: 3 }, { ts: minute, value: 4 }, { ts: 10 * minute, value: 5, min: 5, max: 6 }] }],
    });
    expect(banded).toBe(true);
    expect(times).toEqual([0, 60, 120, 600]);
    expect(columns.map((c) => [c.role, c.values])).toEqual([
      ['value', [2, 4, null, 5]],
      ['min', [1, 4, null, 5]],
      ['max', [3, 4, null, 6]],
    ]);
  });
});

describe('the setpoint check before sending', () => {
  const speed: Pick<SiteTag, 'type' | 'unit' | 'decimals' | 'value' | 'quality' | 'write'> = {
    type: 'float32',
    unit: '%',
    decimals: 1,
    value: 45,
    quality: 'good',
    write: { min: 20, max: 100, maxStep: 10, minIntervalSeconds: 5, approval: false },
  };

  it('shows the step and accepts a change within the rule', () => {
    expect(checkSetpoint(speed, 50)).toEqual({ change: '45.0 % → 50.0 % (+5.0 %)', problems: [], notes: [] });
    expect(checkSetpoint(speed, 35).problems).toEqual([]);
    expect(checkSetpoint(speed, 35).change).toBe('45.0 % → 35.0 % (−10.0 %)');
  });

  it('refuses a step too large and a value outside the limits', () => {
    expect(checkSetpoint(speed, 60).problems).toEqual(['A change of 15.0 % is more than the 10.0 % allowed in one step']);
    expect(checkSetpoint({ ...speed, value: 25 }, 15).problems).toEqual(['15.0 % is outside the limits 20.0 % – 100.0 %']);
    expect(checkSetpoint(speed, undefined).problems).toEqual(['Enter the new value']);
    expect(checkSetpoint(speed, Number.NaN).problems).toEqual(['Enter a number']);
  });

  it('leaves the step to the gateway when the current value is unknown', () => {
    const check = checkSetpoint({ ...speed, value: 45, quality: 'comm-fault' }, 90);
    expect(check.problems).toEqual([]);
    expect(check.change).toBe('unknown → 90.0 %');
    expect(check.notes[0]).toMatch(/unknown/);
  });

  it('shows on/off for a bool', () => {
    const command = { ...speed, type: 'bool', unit: '', value: false, write: { min: 0, max: 1, minIntervalSeconds: 5, approval: false } };
    expect(checkSetpoint(command, true)).toEqual({ change: 'off → on', problems: [], notes: [] });
  });

  it('describes the rule in words', () => {
    expect(describeRule(speed.write!, speed)).toEqual(['Limits 20.0 – 100.0 %', 'At most 10.0 % per change', 'At most one change every 5 s']);
  });
});
