/**
 * The two kernel constants /proc numbers are expressed in: clock ticks per second and the page size.
 *
 * Both are in the ELF auxiliary vector the kernel hands every process (AT_CLKTCK, AT_PAGESZ), which is exactly
 * where sysconf(_SC_CLK_TCK) and sysconf(_SC_PAGESIZE) get them. Reading /proc/self/auxv is one tiny read and
 * no child process; it matters because the page size is not always 4096 (arm64 gateways run 16 KiB and
 * 64 KiB kernels, ppc64 64 KiB), and it tells us the truth on any odd kernel where USER_HZ is not 100.
 */
import { endianness } from 'node:os';
import { readFileSync } from 'node:fs';

const atPageSize = 6n;
const atClockTick = 17n;

/** The kernel's published value for every architecture Linux runs on today; only used if auxv is unreadable. */
const fallbackClockTicks = 100;
/** The most common page size; only used if auxv is unreadable. */
const fallbackPageSize = 4096;

export interface KernelUnits {
  /** Ticks per second of the utime, stime and starttime fields in /proc/<pid>/stat (USER_HZ). */
  readonly clockTicks: number;
  readonly pageSize: number;
}

/** Parse an auxiliary vector: (type, value) pairs of machine words, ending at AT_NULL. */
export function parseAuxv(data: Buffer, wordBytes: 4 | 8, littleEndian: boolean): Map<bigint, bigint> {
  const entries = new Map<bigint, bigint>();
  const read = (offset: number): bigint => {
    if (wordBytes === 8) return littleEndian ? data.readBigUInt64LE(offset) : data.readBigUInt64BE(offset);
    return BigInt(littleEndian ? data.readUInt32LE(offset) : data.readUInt32BE(offset));
  };
  for (let offset = 0; offset + 2 * wordBytes <= data.length; offset += 2 * wordBytes) {
    const type = read(offset);
    if (type === 0n) break;
    entries.set(type, read(offset + wordBytes));
  }
  return entries;
}

function positiveOr(value: bigint | undefined, fallback: number): number {
  // A value past 2^31 would be nonsense for either constant; treat it as unreadable rather than trust it.
  return value !== undefined && value > 0n && value < 2n ** 31n ? Number(value) : fallback;
}

let cached: KernelUnits | undefined;

/** Clock ticks per second and page size of the running kernel; read once, they cannot change until reboot. */
export function kernelUnits(): KernelUnits {
  if (cached) return cached;
  let entries = new Map<bigint, bigint>();
  try {
    // Our own word size is the kernel's view of us: a 32-bit Node on a 64-bit kernel gets a 32-bit auxv.
    const wordBytes = process.arch === 'arm' || process.arch === 'ia32' ? 4 : 8;
    entries = parseAuxv(readFileSync('/proc/self/auxv'), wordBytes, endianness() === 'LE');
  } catch {
    // Not Linux, or /proc is not mounted: the fallbacks are right on nearly every host.
  }
  cached = {
    clockTicks: positiveOr(entries.get(atClockTick), fallbackClockTicks),
    pageSize: positiveOr(entries.get(atPageSize), fallbackPageSize),
  };
  return cached;
}
