import { describe, expect, it } from 'vitest';
import { design, Plant, type PumpName } from './plant.js';

describe('plant physics', () => {
  it('runs unattended for days: the level stays in the tank and the pumps cycle on level', () => {
    const plant = new Plant();
    let lowest = Infinity;
    let highest = -Infinity;
    let seenNoPump = false;
    let seenTwoPumps = false;
    for (let t = 0; t < 5 * design.dayLength; t += 5) {
      plant.advance(5);
      const s = plant.state;
      lowest = Math.min(lowest, s.level);
      highest = Math.max(highest, s.level);
      const running = Object.values(s.pumps).filter((p) => p.running).length;
      if (running === 0) seenNoPump = true;
      if (running === 2) seenTwoPumps = true;
      expect(s.pressure).toBeGreaterThanOrEqual(0);
      expect(s.chlorine).toBeGreaterThanOrEqual(0);
      expect(s.ph).toBeGreaterThan(6.5);
      expect(s.ph).toBeLessThan(8.5);
    }
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(highest).toBeLessThanOrEqual(design.tankHeight);
    // The level swings between the controller's switch points rather than sitting still.
    expect(highest).toBeGreaterThan(design.leadStop - 0.1);
    expect(lowest).toBeLessThan(design.leadStart + 0.1);
    expect(seenNoPump && seenTwoPumps).toBe(true);
    expect(plant.state.pumps['P-101'].starts).toBeGreaterThan(1523 + 2);
  });

  it('a tripped pump stops and the other takes its place', () => {
    let tripped: PumpName | undefined;
    const plant = new Plant({ isTripped: (pump) => pump === tripped });
    plant.advance(1);
    expect(plant.state.pumps['P-101'].running).toBe(true);
    tripped = 'P-101';
    plant.advance(10);
    expect(plant.state.pumps['P-101']).toMatchObject({ running: false, fault: true, speed: 0, current: 0 });
    expect(plant.state.pumps['P-102'].running).toBe(true);
    tripped = undefined;
    plant.advance(1);
    expect(plant.state.pumps['P-101'].fault).toBe(false);
  });

  it('pressure follows the pumps and speed follows the setpoint', () => {
    const plant = new Plant();
    plant.advance(10);
    const withPump = plant.state.pressure;
    plant.setSpeedSetpoint('P-101', 50);
    plant.advance(10);
    expect(plant.state.pumps['P-101'].speed).toBe(50);
    expect(plant.state.pressure).toBeLessThan(withPump);
    plant.setRunCommand('P-101', false);
    plant.setRunCommand('P-102', false);
    plant.advance(20);
    expect(plant.state.inletFlow).toBe(0);
    expect(plant.state.pressure).toBeLessThan(1);
  });

  it('chlorine residual follows dosing with a lag and decays without it', () => {
    const plant = new Plant();
    plant.setRunCommand('P-102', false); // one pump, steady flow
    plant.setDosingRateSetpoint(12);
    const before = plant.state.chlorine;
    plant.advance(5);
    const soon = plant.state.chlorine;
    plant.advance(300);
    const later = plant.state.chlorine;
    expect(soon).toBeGreaterThan(before);
    expect(later).toBeGreaterThan(soon + 0.3); // lag: most of the rise comes later
    plant.setDosingCommand(false);
    plant.advance(20);
    expect(plant.state.dosing.running).toBe(false);
    plant.advance(600);
    expect(plant.state.chlorine).toBeLessThan(later / 2);
  });
});
