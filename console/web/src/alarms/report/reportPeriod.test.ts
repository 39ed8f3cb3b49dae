import { describe, expect, it } from 'vitest';
import { barText, formatRate, periodRange, toLocalInput } from './reportPeriod.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const hour = 3_600_000;

describe('the report period', () => {
  it('ends the fixed choices now', () => {
    expect(periodRange('24h', { from: '', to: '' }, now)).toEqual({ from: now - 24 * hour, to: now });
    expect(periodRange('30d', { from: '', to: '' }, now)).toEqual({ from: now - 720 * hour, to: now });
  });

  it('reads a custom period in local time and says what is wrong with a bad one', () => {
    const from = toLocalInput(now - 2 * hour);
    const to = toLocalInput(now);
    expect(periodRange('custom', { from, to }, now)).toEqual({ from: now - 2 * hour, to: now });
    expect(periodRange('custom', { from: to, to: from }, now)).toEqual({ error: 'The period must end after it starts.' });
    expect(periodRange('custom', { from: '', to }, now)).toEqual({ error: 'Choose when the period starts.' });
    expect(periodRange('custom', { from: toLocalInput(now - 401 * 24 * hour), to }, now)).toEqual({ error: 'A report covers at most 400 days.' });
  });

  it('formats rates and bar widths briefly', () => {
    expect([formatRate(0.083), formatRate(1.54), formatRate(12.4), formatRate(null)]).toEqual(['0.08', '1.5', '12', '—']);
    expect([barText(600_000), barText(3 * hour), barText(24 * hour), barText(7 * 24 * hour)]).toEqual(['10 min', '3 h', '1 day', '7 days']);
  });
});
