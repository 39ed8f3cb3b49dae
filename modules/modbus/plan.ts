import { GatehouseError } from '../kernel/errors.js';
import { isBitArea, registerCount } from './codec.js';
import { registerAreas, type RegisterArea, type Tag } from './profile.js';

/** One Modbus read: `count` registers or bits of `area` from `address`, answering for `tags`. */
export interface ReadRequest {
  area: RegisterArea;
  address: number;
  count: number;
  tags: Tag[];
}

/** The protocol's ceilings per read (Modbus application protocol v1.1b: 125 registers, 2000 bits). */
export const maxRegistersPerRead = 125;
export const maxBitsPerRead = 2000;

export const readLimit = (area: RegisterArea) => (isBitArea(area) ? maxBitsPerRead : maxRegistersPerRead);

/**
 * A gap is priced in bytes on the wire: an unused register costs two bytes, an unused bit an eighth of one.
 * So a gap of maxGap registers is worth maxGap × 16 bits; maxGap 0 still never reads an unused address.
 */
const gapAllowance = (area: RegisterArea, maxGap: number) => (isBitArea(area) ? maxGap * 16 : maxGap);

/** Tags that share addresses (bools in one register, a word of a 32-bit value read twice) must be read together. */
interface Cluster {
  start: number;
  end: number; // inclusive
  tags: Tag[];
}

/**
 * The fewest reads that cover every tag: per area (in profile-schema order), tags sorted by address are packed
 * into requests of at most 125 registers / 2000 bits, reading through a gap of at most `maxGap` unused addresses.
 * Requests do not overlap unless a chain of overlapping tags is itself longer than one read allows.
 */
export function planReads(tags: readonly Tag[], options: { maxGap: number }): ReadRequest[] {
  const maxGap = Math.max(0, Math.floor(options.maxGap));
  const requests: ReadRequest[] = [];
  for (const area of registerAreas) {
    const limit = readLimit(area);
    const allowance = gapAllowance(area, maxGap);
    let current: ReadRequest | undefined;
    for (const cluster of clustersOf(tags, area)) {
      const fits = current !== undefined && cluster.start - end(current) - 1 <= allowance && cluster.end - current.address + 1 <= limit;
      if (current && fits) {
        current.count = Math.max(end(current), cluster.end) - current.address + 1;
        current.tags.push(...cluster.tags);
        continue;
      }
      if (cluster.end - cluster.start + 1 <= limit) {
        current = { area, address: cluster.start, count: cluster.end - cluster.start + 1, tags: [...cluster.tags] };
        requests.push(current);
        continue;
      }
      // A cluster longer than one read: split it tag by tag; the reads overlap where a tag straddles the cut.
      current = undefined;
      for (const tag of cluster.tags) {
        const [start, last] = span(tag);
        if (current && last - current.address + 1 <= limit) {
          current.count = Math.max(end(current), last) - current.address + 1;
          current.tags.push(tag);
        } else {
          current = { area, address: start, count: last - start + 1, tags: [tag] };
          requests.push(current);
        }
      }
      current = undefined;
    }
  }
  return requests;
}

/** This tag's registers or bits out of the answer to `request` (the tag must be one the request covers). */
export function sliceFor(tag: Tag, request: ReadRequest, data: readonly number[] | readonly boolean[]): number[] | boolean[] {
  const offset = tag.address - request.address;
  const count = registerCount(tag);
  if (tag.area !== request.area || offset < 0 || offset + count > request.count) {
    throw new GatehouseError('internal-error', `tag ${tag.name} is not covered by the read of ${request.area} ${request.address}+${request.count}`, { tag: tag.name });
  }
  // modbus-serial pads a bit answer to whole bytes; a short answer is the device's fault, not ours.
  if (data.length < offset + count) {
    throw new GatehouseError('invalid-params', `the device answered ${data.length} ${isBitArea(request.area) ? 'bits' : 'registers'}, expected ${request.count}`, { tag: tag.name });
  }
  return data.slice(offset, offset + count) as number[] | boolean[];
}

/**
 * The fewest reads any planner could make for these tags (no read past the protocol limit, no tag split, any gap
 * read through): the yardstick of the poll-efficiency benchmark. planReads never does better.
 */
export function minimumRequests(tags: readonly Tag[]): number {
  let total = 0;
  for (const area of registerAreas) {
    const limit = readLimit(area);
    // Sorted by start, a window opened at the first uncovered tag covers the most; greedy is optimal here.
    let pending = tags.filter((tag) => tag.area === area).map(span).sort((a, b) => a[0] - b[0]);
    while (pending.length > 0) {
      const windowEnd = pending[0]![0] + limit - 1;
      total += 1;
      // Tags ending inside the window are covered; the rest wait for the next window, still in start order.
      pending = pending.filter(([, last]) => last > windowEnd);
    }
  }
  return total;
}

/** [first address, last address] of a tag; refuses a tag that runs past address 65535. */
function span(tag: Tag): [number, number] {
  const last = tag.address + registerCount(tag) - 1;
  if (last > 65_535) throw new GatehouseError('invalid-params', `tag ${tag.name} runs past address 65535`, { tag: tag.name });
  return [tag.address, last];
}

const end = (request: ReadRequest) => request.address + request.count - 1;

function clustersOf(tags: readonly Tag[], area: RegisterArea): Cluster[] {
  const sorted = tags
    .filter((tag) => tag.area === area)
    .map((tag) => ({ tag, span: span(tag) }))
    // Ties broken by name so the same profile always yields the same plan.
    .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1] || compareNames(a.tag.name, b.tag.name));
  const clusters: Cluster[] = [];
  for (const { tag, span: [start, last] } of sorted) {
    const cluster = clusters.at(-1);
    if (cluster && start <= cluster.end) {
      cluster.end = Math.max(cluster.end, last);
      cluster.tags.push(tag);
    } else clusters.push({ start, end: last, tags: [tag] });
  }
  return clusters;
}

const compareNames = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
