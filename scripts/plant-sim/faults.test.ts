import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../modules/kernel/errors.js';
import { FaultBoard, parseFaultOption } from './faults.js';

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return (err as GatehouseError).code;
  }
  throw new Error('expected an error');
}

describe('plant-sim faults', () => {
  it('reads --fault options', () => {
    expect(parseFaultOption('pump1-trip')).toEqual({ fault: 'pump1-trip', on: true });
    expect(parseFaultOption('sensor-stuck:LT-201.level')).toEqual({ fault: 'sensor-stuck', tag: 'LT-201.level', on: true });
    expect(parseFaultOption('no-answer:2')).toEqual({ fault: 'no-answer', device: 2, on: true });
    expect(parseFaultOption('slow:1:800')).toEqual({ fault: 'slow', device: 1, delayMs: 800, on: true });
    expect(parseFaultOption('slow::800')).toEqual({ fault: 'slow', delayMs: 800, on: true });
    expect(problem(() => parseFaultOption('meltdown'))).toBe('invalid-params');
    expect(problem(() => parseFaultOption('slow:x:800'))).toBe('invalid-params');
    expect(problem(() => parseFaultOption('pump1-trip:3'))).toBe('invalid-params');
  });

  it('turns faults on and off and answers what they mean', () => {
    const board = new FaultBoard();
    board.apply({ fault: 'pump2-trip' });
    board.apply({ fault: 'no-answer', device: 2 });
    board.apply({ fault: 'slow', device: 1, delayMs: 300 });
    board.apply({ fault: 'sensor-stuck', tag: 'LT-201.level' });
    expect(board.isTripped('P-102')).toBe(true);
    expect(board.isTripped('P-101')).toBe(false);
    expect(board.isSilent(2)).toBe(true);
    expect(board.isSilent(1)).toBe(false);
    expect(board.replyDelayMs(1)).toBe(300);
    expect(board.replyDelayMs(2)).toBe(0);
    expect(board.isStuck('LT-201.level')).toBe(true);
    expect(board.list()).toHaveLength(4);
    board.apply({ fault: 'no-answer', device: 2, on: false });
    board.apply({ fault: 'pump2-trip', on: false });
    expect(board.isSilent(2)).toBe(false);
    expect(board.isTripped('P-102')).toBe(false);
    board.apply({ fault: 'no-answer' });
    expect(board.isSilent(1) && board.isSilent(2)).toBe(true);
    board.clearAll();
    expect(board.list()).toEqual([]);
  });

  it('refuses hostile or wrong requests with a problem code', () => {
    const board = new FaultBoard();
    expect(problem(() => board.apply(null))).toBe('invalid-params');
    expect(problem(() => board.apply({ fault: 'pump1-trip', extra: 1 }))).toBe('invalid-params');
    expect(problem(() => board.apply({ fault: 'sensor-stuck' }))).toBe('invalid-params');
    expect(problem(() => board.apply({ fault: 'sensor-stuck', tag: 'NOPE.level' }))).toBe('not-found');
    expect(problem(() => board.apply({ fault: 'sensor-stuck', tag: 'P-101.speed-setpoint' }))).toBe('invalid-params');
    expect(problem(() => board.apply({ fault: 'sensor-out-of-range', tag: 'P-101.running' }))).toBe('invalid-params');
    expect(problem(() => board.apply({ fault: 'no-answer', device: 9 }))).toBe('not-found');
    expect(problem(() => board.apply({ fault: 'slow', device: 1, delayMs: -5 }))).toBe('invalid-params');
    expect(problem(() => board.apply({ fault: 'pump1-trip', device: 1 }))).toBe('invalid-params');
    expect(board.list()).toEqual([]);
  });
});
