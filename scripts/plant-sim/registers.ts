/**
 * The register map of the two simulated PLCs: which tag lives at which unit, area and address, in which data
 * type, word order and scaling, and where its value comes from in the plant (or goes to, for setpoints).
 *
 * The mix of types and word orders is deliberate — real sites have it — so the agent's decoding is exercised:
 * Siemens-style 0..27648 analog inputs, 12-bit 0..4095 transmitters, fixed-point integers, 32-bit counters in
 * two word orders, floats in three, a float64 totaliser and bools in coils, discrete inputs and a status word.
 * demo-profile.yaml describes the same map for the agent; a test holds the two together.
 */
import type { DataType, RegisterArea, Scaling, WordOrder } from '../../modules/modbus/profile.js';
import { design, type Plant, type PlantState } from './plant.js';

export const plantUnits = {
  1: 'Raw-water intake PLC',
  2: 'Treatment PLC',
} as const;
export type UnitId = keyof typeof plantUnits;
export const unitIds = Object.keys(plantUnits).map(Number) as UnitId[];

/** How many addresses each area of each PLC has; reading beyond is an illegal data address. */
export const areaSize: Record<RegisterArea, number> = { coil: 16, 'discrete-input': 16, 'input-register': 32, 'holding-register': 16 };

export interface SimTag {
  name: string;
  description: string;
  unitId: UnitId;
  area: RegisterArea;
  address: number;
  type: DataType;
  wordOrder: WordOrder;
  /** For a bool kept in one bit of a register. */
  bit?: number;
  scaling?: Scaling;
  unit: string;
  /** The true value in the plant, engineering units. */
  read(state: PlantState): number | boolean;
  /** Sensor noise (engineering units, ± this much, uniformly). */
  noise?: number;
  /** For setpoints and commands: the PLC accepts values in this range and hands them to the plant. */
  write?: { min: number; max: number; apply(plant: Plant, value: number | boolean): void };
}

const siemens = (engMax: number): Scaling => ({ rawMin: 0, rawMax: 27_648, engMin: 0, engMax });
const twelveBit = (engMax: number): Scaling => ({ rawMin: 0, rawMax: 4095, engMin: 0, engMax });
const gain = (g: number): Scaling => ({ gain: g, offset: 0 });
const bool = { type: 'bool', wordOrder: 'ABCD', unit: '' } as const;

export const simTags: readonly SimTag[] = [
  // ── Unit 1: raw-water intake PLC ──────────────────────────────────────────────────────────────────────────
  { name: 'P-101.run-command', description: 'Run command for intake pump 1: on lets the level controller run it, off holds it stopped', unitId: 1, area: 'coil', address: 0, ...bool,
    read: (s) => s.pumps['P-101'].command, write: { min: 0, max: 1, apply: (p, v) => p.setRunCommand('P-101', Boolean(v)) } },
  { name: 'P-102.run-command', description: 'Run command for intake pump 2: on lets the level controller run it, off holds it stopped', unitId: 1, area: 'coil', address: 1, ...bool,
    read: (s) => s.pumps['P-102'].command, write: { min: 0, max: 1, apply: (p, v) => p.setRunCommand('P-102', Boolean(v)) } },
  { name: 'P-101.running', description: 'Intake pump 1 is running', unitId: 1, area: 'discrete-input', address: 0, ...bool, read: (s) => s.pumps['P-101'].running },
  { name: 'P-101.fault', description: 'Intake pump 1 has tripped (motor protection)', unitId: 1, area: 'discrete-input', address: 1, ...bool, read: (s) => s.pumps['P-101'].fault },
  { name: 'P-102.running', description: 'Intake pump 2 is running', unitId: 1, area: 'discrete-input', address: 2, ...bool, read: (s) => s.pumps['P-102'].running },
  { name: 'P-101.speed', description: 'Intake pump 1 actual speed', unitId: 1, area: 'input-register', address: 0, type: 'int16', wordOrder: 'ABCD', scaling: siemens(100), unit: '%',
    read: (s) => s.pumps['P-101'].speed },
  { name: 'P-101.current', description: 'Intake pump 1 motor current', unitId: 1, area: 'input-register', address: 1, type: 'uint16', wordOrder: 'ABCD', scaling: gain(0.1), unit: 'A',
    read: (s) => s.pumps['P-101'].current, noise: 0.1 },
  { name: 'P-102.speed', description: 'Intake pump 2 actual speed', unitId: 1, area: 'input-register', address: 2, type: 'int16', wordOrder: 'ABCD', scaling: siemens(100), unit: '%',
    read: (s) => s.pumps['P-102'].speed },
  { name: 'P-102.current', description: 'Intake pump 2 motor current', unitId: 1, area: 'input-register', address: 3, type: 'int16', wordOrder: 'ABCD', scaling: siemens(50), unit: 'A',
    read: (s) => s.pumps['P-102'].current, noise: 0.1 },
  { name: 'FT-101.flow', description: 'Raw water flowing into the works', unitId: 1, area: 'input-register', address: 4, type: 'float32', wordOrder: 'CDAB', unit: 'm3/h',
    read: (s) => s.inletFlow, noise: 0.4 },
  { name: 'P-101.run-hours', description: 'Hours intake pump 1 has run, counted by the PLC (in seconds on the wire)', unitId: 1, area: 'input-register', address: 6, type: 'uint32', wordOrder: 'ABCD',
    scaling: { rawMin: 0, rawMax: 3600, engMin: 0, engMax: 1 }, unit: 'h', read: (s) => s.pumps['P-101'].runSeconds / 3600 },
  { name: 'P-101.starts', description: 'Times intake pump 1 has started, counted by the PLC', unitId: 1, area: 'input-register', address: 8, type: 'int32', wordOrder: 'CDAB', unit: '',
    read: (s) => s.pumps['P-101'].starts },
  { name: 'FT-101.total', description: 'Raw water taken in since commissioning (totaliser)', unitId: 1, area: 'input-register', address: 10, type: 'float64', wordOrder: 'DCBA', unit: 'm3',
    read: (s) => s.inletTotal },
  { name: 'intake.level-call', description: 'The level controller is calling for water (bit 0 of the intake status word)', unitId: 1, area: 'input-register', address: 14, bit: 0, ...bool,
    read: (s) => s.levelCall > 0 },
  { name: 'P-102.fault', description: 'Intake pump 2 has tripped (bit 3 of the intake status word)', unitId: 1, area: 'input-register', address: 14, bit: 3, ...bool,
    read: (s) => s.pumps['P-102'].fault },
  { name: 'P-101.speed-setpoint', description: 'Speed setpoint for intake pump 1', unitId: 1, area: 'holding-register', address: 0, type: 'uint16', wordOrder: 'ABCD', scaling: gain(0.1), unit: '%',
    read: (s) => s.pumps['P-101'].speedSetpoint, write: { ...design.speedSetpointRange, apply: (p, v) => p.setSpeedSetpoint('P-101', Number(v)) } },
  { name: 'P-102.speed-setpoint', description: 'Speed setpoint for intake pump 2', unitId: 1, area: 'holding-register', address: 2, type: 'float32', wordOrder: 'ABCD', unit: '%',
    read: (s) => s.pumps['P-102'].speedSetpoint, write: { ...design.speedSetpointRange, apply: (p, v) => p.setSpeedSetpoint('P-102', Number(v)) } },

  // ── Unit 2: treatment PLC ─────────────────────────────────────────────────────────────────────────────────
  { name: 'DP-401.run-command', description: 'Run command for the chlorine dosing pump (it doses only while raw water flows)', unitId: 2, area: 'coil', address: 0, ...bool,
    read: (s) => s.dosing.command, write: { min: 0, max: 1, apply: (p, v) => p.setDosingCommand(Boolean(v)) } },
  { name: 'DP-401.running', description: 'The chlorine dosing pump is running', unitId: 2, area: 'discrete-input', address: 0, ...bool, read: (s) => s.dosing.running },
  { name: 'LT-201.low-alarm', description: 'Clear-water tank level is low (below 0.5 m)', unitId: 2, area: 'discrete-input', address: 1, ...bool, read: (s) => s.level < 0.5 },
  { name: 'LT-201.high-alarm', description: 'Clear-water tank level is high (above 4.8 m)', unitId: 2, area: 'discrete-input', address: 2, ...bool, read: (s) => s.level > 4.8 },
  { name: 'LT-201.level', description: 'Clear-water tank level', unitId: 2, area: 'input-register', address: 0, type: 'int16', wordOrder: 'ABCD', scaling: siemens(5), unit: 'm',
    read: (s) => s.level, noise: 0.005 },
  { name: 'LT-201.percent', description: 'Clear-water tank level as a share of its height', unitId: 2, area: 'input-register', address: 1, type: 'uint16', wordOrder: 'ABCD', scaling: gain(0.1), unit: '%',
    read: (s) => s.levelPercent, noise: 0.1 },
  { name: 'PT-301.pressure', description: 'Pressure in the outlet main to the town', unitId: 2, area: 'input-register', address: 2, type: 'uint16', wordOrder: 'ABCD', scaling: twelveBit(10), unit: 'bar',
    read: (s) => s.pressure, noise: 0.02 },
  { name: 'AIT-401.chlorine', description: 'Free chlorine left in the clear water', unitId: 2, area: 'input-register', address: 4, type: 'float32', wordOrder: 'BADC', unit: 'mg/l',
    read: (s) => s.chlorine, noise: 0.005 },
  { name: 'AIT-402.turbidity', description: 'Turbidity (cloudiness) of the treated water', unitId: 2, area: 'input-register', address: 6, type: 'float32', wordOrder: 'CDAB', unit: 'NTU',
    read: (s) => s.turbidity, noise: 0.01 },
  { name: 'AIT-403.ph', description: 'pH of the treated water', unitId: 2, area: 'input-register', address: 8, type: 'int16', wordOrder: 'ABCD', scaling: gain(0.01), unit: 'pH',
    read: (s) => s.ph, noise: 0.01 },
  { name: 'DP-401.rate', description: 'Chlorine dosing pump actual rate', unitId: 2, area: 'input-register', address: 10, type: 'float32', wordOrder: 'ABCD', unit: 'l/h',
    read: (s) => s.dosing.rate },
  { name: 'FT-301.flow', description: 'Water flowing out to the town', unitId: 2, area: 'input-register', address: 12, type: 'float32', wordOrder: 'ABCD', unit: 'm3/h',
    read: (s) => s.outletFlow, noise: 0.4 },
  { name: 'DP-401.rate-setpoint', description: 'Chlorine dosing rate setpoint', unitId: 2, area: 'holding-register', address: 0, type: 'float32', wordOrder: 'ABCD', unit: 'l/h',
    read: (s) => s.dosing.rateSetpoint, write: { ...design.dosingRateRange, apply: (p, v) => p.setDosingRateSetpoint(Number(v)) } },
];

const byName = new Map(simTags.map((t) => [t.name, t]));

/** The tag of this name, or undefined. */
export function findSimTag(name: string): SimTag | undefined {
  return byName.get(name);
}

/** Tags a sensor fault can act on: what the PLC reads from the field (discrete and register inputs). */
export function isSensorTag(tag: SimTag): boolean {
  return tag.area === 'discrete-input' || tag.area === 'input-register';
}
