/**
 * The memory of the simulated PLCs: for each unit, its coils, discrete inputs, input and holding registers as a
 * client sees them. Refreshed from the plant on every tick (with sensor noise and faults applied); client writes
 * land here, are decoded and range-checked as a PLC would, and go to the plant.
 */
import type { RegisterArea } from '../../modules/modbus/profile.js';
import { decodeRegisters, encodeRegisters, rawToRegisters, registerCount, type RegisterType } from './codec.js';
import type { FaultBoard } from './faults.js';
import type { Plant } from './plant.js';
import { areaSize, plantUnits, simTags, type SimTag } from './registers.js';

/** A Modbus exception the server sends back (modbus-serial reads `modbusErrorCode`). */
export class ModbusException extends Error {
  constructor(
    readonly modbusErrorCode: number,
    message: string,
  ) {
    super(message);
  }
}
export const illegalDataAddress = 0x02;
export const illegalDataValue = 0x03;

interface UnitMemory {
  bits: Record<'coil' | 'discrete-input', Uint8Array>;
  words: Record<'input-register' | 'holding-register', Uint16Array>;
}

/** What a sensor reads when its signal is lost or over range (the convention of each kind of input). */
function outOfRangeRegisters(tag: SimTag): number[] {
  const type = tag.type as RegisterType;
  switch (type) {
    case 'int16':
      return [0x7fff]; // Siemens analog input overflow
    case 'uint16':
      return [0xffff];
    case 'int32':
    case 'uint32':
      return rawToRegisters(type, tag.wordOrder, type === 'int32' ? -1 : 0xffff_ffff);
    case 'float32':
    case 'float64':
      return rawToRegisters(type, tag.wordOrder, -1); // a broken 4–20 mA loop reads below zero
  }
}

/** A live sensor jitters; every quantity here is at least 0, and transmitters cut off at 0 rather than go below. */
function noisy(value: number, amplitude: number | undefined): number {
  if (!amplitude || value === 0) return value;
  return Math.max(0, value + (Math.random() * 2 - 1) * amplitude);
}

export class RegisterImage {
  private readonly memory = new Map<number, UnitMemory>();

  constructor(
    private readonly plant: Plant,
    private readonly faults: FaultBoard,
  ) {
    for (const unit of Object.keys(plantUnits).map(Number)) {
      this.memory.set(unit, {
        bits: { coil: new Uint8Array(areaSize.coil), 'discrete-input': new Uint8Array(areaSize['discrete-input']) },
        words: { 'input-register': new Uint16Array(areaSize['input-register']), 'holding-register': new Uint16Array(areaSize['holding-register']) },
      });
    }
    this.refresh();
  }

  hasUnit(unitId: number): boolean {
    return this.memory.has(unitId);
  }

  /** Put the plant's present state into every register (a stuck sensor keeps what it last showed). */
  refresh(): void {
    for (const tag of simTags) {
      if (this.faults.isStuck(tag.name)) continue;
      this.store(tag);
    }
  }

  private store(tag: SimTag): void {
    const unit = this.memory.get(tag.unitId)!;
    const value = tag.read(this.plant.state);
    if (tag.area === 'coil' || tag.area === 'discrete-input') {
      unit.bits[tag.area][tag.address] = value ? 1 : 0;
      return;
    }
    const words = unit.words[tag.area];
    if (tag.type === 'bool') {
      const mask = 1 << tag.bit!;
      words[tag.address] = value ? words[tag.address]! | mask : words[tag.address]! & ~mask;
      return;
    }
    const registers = this.faults.isOutOfRange(tag.name)
      ? outOfRangeRegisters(tag)
      : encodeRegisters(tag.type, tag.wordOrder, noisy(Number(value), tag.noise), tag.scaling);
    words.set(registers, tag.address);
  }

  private unit(unitId: number): UnitMemory {
    const unit = this.memory.get(unitId);
    if (!unit) throw new ModbusException(illegalDataAddress, `no unit ${unitId}`);
    return unit;
  }

  private checkRange(area: RegisterArea, address: number, count: number): void {
    if (address < 0 || count < 1 || address + count > areaSize[area]) {
      throw new ModbusException(illegalDataAddress, `${area} ${address}..${address + count - 1} is outside 0..${areaSize[area] - 1}`);
    }
  }

  readBit(unitId: number, area: 'coil' | 'discrete-input', address: number): boolean {
    this.checkRange(area, address, 1);
    return this.unit(unitId).bits[area][address] === 1;
  }

  readWords(unitId: number, area: 'input-register' | 'holding-register', address: number, count: number): number[] {
    this.checkRange(area, address, count);
    return [...this.unit(unitId).words[area].subarray(address, address + count)];
  }

  /** A client writes a coil: only run commands are writable. */
  writeCoil(unitId: number, address: number, value: boolean): void {
    this.checkRange('coil', address, 1);
    const tag = simTags.find((t) => t.unitId === unitId && t.area === 'coil' && t.address === address);
    if (!tag?.write) throw new ModbusException(illegalDataAddress, `coil ${address} of unit ${unitId} is not writable`);
    tag.write.apply(this.plant, value);
    this.store(tag);
  }

  /**
   * A client writes holding registers (one with FC6 or several with FC16). Every register must belong to a
   * writable setpoint; every setpoint touched is decoded from the new words and checked before any is applied,
   * so a refused write changes nothing. Writing half of a float changes it as a real PLC would.
   */
  writeRegisters(unitId: number, address: number, values: readonly number[]): void {
    this.checkRange('holding-register', address, values.length);
    const words = Uint16Array.from(this.unit(unitId).words['holding-register']);
    const touched = new Set<SimTag>();
    values.forEach((value, i) => {
      const at = address + i;
      const tag = simTags.find(
        (t) => t.unitId === unitId && t.area === 'holding-register' && at >= t.address && at < t.address + registerCount(t.type as RegisterType),
      );
      if (!tag?.write) throw new ModbusException(illegalDataAddress, `holding register ${at} of unit ${unitId} is not writable`);
      words[at] = value;
      touched.add(tag);
    });
    const decoded = [...touched].map((tag) => {
      const type = tag.type as RegisterType;
      const value = decodeRegisters(type, tag.wordOrder, [...words.subarray(tag.address, tag.address + registerCount(type))], tag.scaling);
      const { min, max } = tag.write!;
      if (!Number.isFinite(value) || value < min || value > max) {
        throw new ModbusException(illegalDataValue, `${tag.name} accepts ${min}..${max} ${tag.unit}, not ${value}`);
      }
      return { tag, value };
    });
    for (const { tag, value } of decoded) {
      tag.write!.apply(this.plant, value);
      this.store(tag);
    }
  }
}
