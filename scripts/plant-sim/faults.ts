/**
 * Faults an engineer or a test injects into the running plant: a pump trip, a sensor that sticks or reads out of
 * range, a PLC that stops answering or answers slowly. Given on the command line (`--fault pump1-trip`) or over
 * the HTTP port (POST /faults); clearing a fault restores normal behaviour.
 */
import { z } from 'zod';
import { GatehouseError } from '../../modules/kernel/errors.js';
import type { PumpName } from './plant.js';
import { findSimTag, isSensorTag, plantUnits, type UnitId } from './registers.js';

export const faultKinds = ['pump1-trip', 'pump2-trip', 'sensor-stuck', 'sensor-out-of-range', 'no-answer', 'slow'] as const;
export type FaultKind = (typeof faultKinds)[number];

/** The body of POST /faults (and what a `--fault` option becomes). */
export const faultRequestSchema = z
  .object({
    fault: z.enum(faultKinds),
    /** Unit id, for no-answer and slow (default: every unit). */
    device: z.number().int().min(1).max(247).optional(),
    /** Tag name, for sensor-stuck and sensor-out-of-range. */
    tag: z.string().min(1).max(64).optional(),
    /** For slow: the delay before each reply. */
    delayMs: z.number().int().min(0).max(60_000).optional(),
    on: z.boolean().default(true),
  })
  .strict();
export type FaultRequest = z.infer<typeof faultRequestSchema>;

/** An active fault, as GET /faults lists it. */
export interface ActiveFault {
  fault: FaultKind;
  device?: number;
  tag?: string;
  delayMs?: number;
  since: string;
}

const pumpOf: Partial<Record<FaultKind, PumpName>> = { 'pump1-trip': 'P-101', 'pump2-trip': 'P-102' };

/** Check that a fault names what it needs, and that the unit or tag exists in this plant. */
function checkFault(request: FaultRequest): void {
  const needsTag = request.fault === 'sensor-stuck' || request.fault === 'sensor-out-of-range';
  if (needsTag) {
    if (!request.tag) throw new GatehouseError('invalid-params', `${request.fault} needs a tag (e.g. LT-201.level)`, { fault: request.fault });
    const tag = findSimTag(request.tag);
    if (!tag) throw new GatehouseError('not-found', `no tag is named ${request.tag}`, { tag: request.tag });
    if (!isSensorTag(tag)) throw new GatehouseError('invalid-params', `${request.tag} is not a sensor (it is a ${tag.area})`, { tag: request.tag });
    if (request.fault === 'sensor-out-of-range' && tag.type === 'bool') {
      throw new GatehouseError('invalid-params', `${request.tag} is a bool, which cannot read out of range`, { tag: request.tag });
    }
  } else if (request.tag !== undefined) {
    throw new GatehouseError('invalid-params', `${request.fault} takes no tag`, { fault: request.fault });
  }
  const takesDevice = request.fault === 'no-answer' || request.fault === 'slow';
  if (request.device !== undefined) {
    if (!takesDevice) throw new GatehouseError('invalid-params', `${request.fault} takes no device`, { fault: request.fault });
    if (!Object.hasOwn(plantUnits, request.device)) {
      throw new GatehouseError('not-found', `no device has unit id ${request.device} (this plant has ${Object.keys(plantUnits).join(', ')})`, { device: request.device });
    }
  }
  if (request.delayMs !== undefined && request.fault !== 'slow') {
    throw new GatehouseError('invalid-params', `${request.fault} takes no delayMs`, { fault: request.fault });
  }
}

const keyOf = (f: { fault: FaultKind; device?: number; tag?: string }) => `${f.fault}|${f.device ?? '*'}|${f.tag ?? ''}`;

/** The faults now active, and the questions the plant and the Modbus server ask of them. */
export class FaultBoard {
  private readonly active = new Map<string, ActiveFault>();

  /** Turn a fault on or off; throws a GatehouseError naming what is wrong with the request. */
  apply(input: unknown): ActiveFault[] {
    const parsed = faultRequestSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      throw new GatehouseError('invalid-params', `bad fault: ${where}${issue?.message ?? 'invalid'}`);
    }
    const request = parsed.data;
    checkFault(request);
    const key = keyOf(request);
    if (request.on) {
      const fault: ActiveFault = { fault: request.fault, since: new Date().toISOString() };
      if (request.device !== undefined) fault.device = request.device;
      if (request.tag !== undefined) fault.tag = request.tag;
      if (request.fault === 'slow') fault.delayMs = request.delayMs ?? 2000;
      this.active.set(key, fault);
    } else {
      this.active.delete(key);
    }
    return this.list();
  }

  clearAll(): void {
    this.active.clear();
  }

  list(): ActiveFault[] {
    return [...this.active.values()];
  }

  isTripped(pump: PumpName): boolean {
    return this.list().some((f) => pumpOf[f.fault] === pump);
  }

  isStuck(tag: string): boolean {
    return this.active.has(keyOf({ fault: 'sensor-stuck', tag }));
  }

  isOutOfRange(tag: string): boolean {
    return this.active.has(keyOf({ fault: 'sensor-out-of-range', tag }));
  }

  /** True when this unit must not answer at all. */
  isSilent(unitId: number): boolean {
    return this.active.has(keyOf({ fault: 'no-answer' })) || this.active.has(keyOf({ fault: 'no-answer', device: unitId }));
  }

  /** How long this unit waits before each reply, ms. */
  replyDelayMs(unitId: number): number {
    const all = this.active.get(keyOf({ fault: 'slow' }))?.delayMs ?? 0;
    const one = this.active.get(keyOf({ fault: 'slow', device: unitId }))?.delayMs ?? 0;
    return Math.max(all, one);
  }
}

/**
 * A `--fault` option: `pump1-trip`, `pump2-trip`, `sensor-stuck:LT-201.level`, `sensor-out-of-range:LT-201.level`,
 * `no-answer` or `no-answer:2` (unit id), `slow:2:800` (unit id, ms) or `slow::800` (every unit).
 */
export function parseFaultOption(text: string): FaultRequest {
  const [kind = '', first, second, ...rest] = text.split(':');
  if (!(faultKinds as readonly string[]).includes(kind) || rest.length > 0) {
    throw new GatehouseError('invalid-params', `--fault ${text}: expected one of ${faultKinds.join(', ')} (e.g. sensor-stuck:LT-201.level, slow:2:800)`);
  }
  const request: Record<string, unknown> = { fault: kind, on: true };
  const number = (value: string, what: string) => {
    if (!/^\d+$/.test(value)) throw new GatehouseError('invalid-params', `--fault ${text}: ${what} must be a whole number`);
    return Number(value);
  };
  if (kind === 'sensor-stuck' || kind === 'sensor-out-of-range') {
    if (first) request.tag = first;
    if (second !== undefined) throw new GatehouseError('invalid-params', `--fault ${text}: ${kind} takes one tag`);
  } else if (kind === 'no-answer' || kind === 'slow') {
    if (first) request.device = number(first, 'the unit id');
    if (second) request.delayMs = number(second, 'the delay');
    if (kind === 'no-answer' && second !== undefined) throw new GatehouseError('invalid-params', `--fault ${text}: no-answer takes a unit id only`);
  } else if (first !== undefined) {
    throw new GatehouseError('invalid-params', `--fault ${text}: ${kind} takes nothing after it`);
  }
  return faultRequestSchema.parse(request);
}
