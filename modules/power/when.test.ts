import { describe, expect, it } from 'vitest';
import { parseScheduled } from './agent.js';
import { contract } from './contract.js';
import { parseWhen, shutdownTimeArgument } from './when.js';

const now = new Date('2026-05-01T10:00:00Z');

describe('when a reboot or shutdown should happen', () => {
  it('reads now, HH:MM, +minutes and zoned ISO times', () => {
    expect(parseWhen('now', now)).toEqual({ kind: 'now' });
    expect(parseWhen('03:30', now)).toEqual({ kind: 'clock', hour: 3, minute: 30 });
    expect(parseWhen('+60', now)).toEqual({ kind: 'minutes', minutes: 60 });
    expect(parseWhen('2026-05-01T12:00:30Z', now)).toEqual({ kind: 'instant', at: new Date('2026-05-01T12:00:30Z') });
    expect(parseWhen('2026-05-01T13:00+02:00', now)).toEqual({ kind: 'instant', at: new Date('2026-05-01T11:00:00Z') });
  });

  it('refuses the past, more than 7 days ahead, and anything else', () => {
    for (const bad of ['2026-05-01T09:59:59Z', '2026-05-08T10:00:01Z', '+10081', '+0', '24:00', '7:5', '3:30', '2026-05-01T12:00', 'tomorrow', '', 'NOW', '+-5', '+60;reboot', '$(id)', '-rf', '../', 'now\n', 'x'.repeat(10_000), '０３:３０']) {
      expect(typeof parseWhen(bad, now), JSON.stringify(bad.slice(0, 30))).toBe('string');
    }
    expect(typeof parseWhen('2026-05-08T10:00:00Z', now)).toBe('object');
  });

  it('gives shutdown(8) only now, HH:MM or +minutes, rounding ISO times up to the minute', () => {
    expect(shutdownTimeArgument({ kind: 'now' }, now)).toBe('now');
    expect(shutdownTimeArgument({ kind: 'clock', hour: 3, minute: 5 }, now)).toBe('03:05');
    expect(shutdownTimeArgument({ kind: 'minutes', minutes: 90 }, now)).toBe('+90');
    expect(shutdownTimeArgument({ kind: 'instant', at: new Date('2026-05-01T10:00:30Z') }, now)).toBe('+1');
    expect(shutdownTimeArgument({ kind: 'instant', at: new Date('2026-05-01T12:00:00Z') }, now)).toBe('+120');
  });

  it('the contract refuses hostile times and unknown params, naming the field', () => {
    for (const method of ['reboot', 'poweroff'] as const) {
      for (const bad of ['-rf', ';reboot', '$(id)', '../', 'now\nreboot', 'x'.repeat(10_000), 'nöw', '+60 -r']) {
        const parsed = contract.methods[method].params.safeParse({ when: bad });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['when']);
      }
      expect(contract.methods[method].params.safeParse({ when: '+5', force: true }).success).toBe(false);
      expect(contract.methods[method].params.safeParse({}).success).toBe(false);
    }
    expect(contract.methods.cancel.params.safeParse({ at: 'now' }).success).toBe(false);
    expect(contract.permissions['power.control'].risk).toBe('dangerous');
  });
});

describe('the scheduled-shutdown file', () => {
  it('reads logind’s USEC and MODE', () => {
    expect(parseScheduled('USEC=1777636800000000\nWARN_WALL=1\nMODE=reboot\n')).toEqual({ action: 'reboot', at: '2026-05-01T12:00:00.000Z' });
    expect(parseScheduled('MODE=poweroff\n')).toBeNull();
    expect(parseScheduled('')).toBeNull();
  });
});
