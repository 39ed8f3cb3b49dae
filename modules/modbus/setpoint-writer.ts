import type { ApprovalStamp } from '../kernel/approvals.js';
import { GatehouseError } from '../kernel/errors.js';
import { createLog } from '../kernel/log.js';
import type { ModbusBus } from './bus.js';
import { decodeTag, encodeTag, registerCount } from './codec.js';
import type { Device, Tag } from './profile.js';
import { checkWrite } from './write-rule.js';

const log = createLog('agent');

export interface WriteResult {
  tag: string;
  previous: number | boolean | null;
  requested: number | boolean;
  readBack: number | boolean | null;
  outcome: 'confirmed' | 'mismatch' | 'unknown';
  ts: number;
  /** The approval the write was let through with (tags whose rule asks for one). */
  approval?: ApprovalStamp;
}

/**
 * Setpoint writes (SECURITY.md rule 9). The write rule is checked before anything reaches the bus; the write
 * goes through the bus's own queue (ahead of polls, never beside them); the value is read back and compared.
 * A write is never retried: if the answer is lost, the device may or may not have taken it, and the operator
 * must see "unknown" and decide, not have the gateway guess.
 */
export class SetpointWriter {
  readonly #lastWriteAt = new Map<string, number>();

  constructor(
    private readonly buses: ReadonlyMap<string, ModbusBus>,
    private readonly now: () => number,
  ) {}

  async write(device: Device, tag: Tag, value: number | boolean, current: number | boolean | null, approval?: ApprovalStamp): Promise<WriteResult> {
    if (tag.write?.approval) {
      // Deny by default: the profile asks for a second person, and the gateway checks it itself, so a console that
      // forgot to ask cannot write such a tag. The console attaches the approval when it performs an approved request.
      if (!approval) {
        throw new GatehouseError('forbidden', `Tag ${tag.name} needs a second person to approve each write; this write carries no approval (request one on the console).`, {
          module: 'modbus',
          tag: tag.name,
        });
      }
      if (approval.requester === approval.approver) {
        throw new GatehouseError('forbidden', `Tag ${tag.name} needs a second person to approve each write; approval ${approval.id} names ${approval.requester} twice.`, {
          module: 'modbus',
          tag: tag.name,
        });
      }
      log.info('approved setpoint write', { tag: tag.name, value: String(value), approval: approval.id, requester: approval.requester, approver: approval.approver });
    }
    const lastWriteAt = this.#lastWriteAt.get(tag.name);
    checkWrite(tag, value, { current, ...(lastWriteAt !== undefined ? { lastWriteAt } : {}), now: this.now() });
    const bus = this.buses.get(device.bus);
    if (!bus) throw new GatehouseError('internal-error', `bus ${device.bus} is not running`, { module: 'modbus', tag: tag.name });
    const words = encodeTag(tag, value);
    // The rate limit counts attempts, not successes: a write whose answer was lost still went to the device.
    this.#lastWriteAt.set(tag.name, this.now());
    let sent = true;
    try {
      await bus.write(device.unitId, tag.area, tag.address, words);
    } catch (err) {
      // A refusal by the device (an exception response) means nothing was written; anything else is unknown.
      if (err instanceof GatehouseError && err.code !== 'timeout' && err.code !== 'unreachable') throw err;
      sent = false;
    }
    let readBack: number | boolean | null = null;
    try {
      const data = await bus.read(device.unitId, tag.area, tag.address, registerCount(tag), { priority: 'write' });
      readBack = decodeTag(tag, data);
    } catch {
      readBack = null;
    }
    const outcome = readBack === null ? 'unknown' : matches(tag, value, readBack) ? 'confirmed' : sent ? 'mismatch' : 'unknown';
    return { tag: tag.name, previous: current, requested: value, readBack, outcome, ts: this.now(), ...(approval && tag.write?.approval ? { approval } : {}) };
  }
}

/**
 * Whether a read-back is the value asked for. A scaled integer register cannot hold every engineering value,
 * so "equal" means within half a raw step; a float32 within its precision.
 */
export function matches(tag: Tag, requested: number | boolean, readBack: number | boolean): boolean {
  if (typeof requested === 'boolean' || typeof readBack === 'boolean') return requested === readBack;
  const step = rawStep(tag);
  const tolerance = tag.type === 'float32' ? Math.max(Math.abs(requested) * 1e-6, 1e-6) : tag.type === 'float64' ? 1e-9 : step / 2 + 1e-9;
  return Math.abs(requested - readBack) <= tolerance;
}

function rawStep(tag: Tag): number {
  const scaling = tag.scaling;
  if (!scaling) return 1;
  if ('gain' in scaling) return Math.abs(scaling.gain);
  return Math.abs((scaling.engMax - scaling.engMin) / (scaling.rawMax - scaling.rawMin));
}
