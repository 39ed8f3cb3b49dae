/**
 * The telemetry queue's files on disk. Append-only segment files hold length-prefixed records, each with a
 * CRC-32 of its body:
 *
 *   u32 LE body length · u32 LE crc32(body) · body
 *   body = f64 seq · f64 appendedAt · u32 sample count · f64 first sample ts · f64 last sample ts · JSON samples
 *
 * Why this and not JSON lines: recovery after a power cut walks the length prefixes and checks the CRC (native
 * zlib.crc32, Node ≥ 20.15) without parsing any JSON, so opening a 64 MiB backlog on a small ARM gateway stays
 * cheap; a torn or zero-filled tail fails the length or CRC check and is cut off, never delivered. The fixed
 * header carries what the bounds and the loss report need (seq, age, sample count, time range), so the index
 * is built from headers alone.
 *
 * Small files that change (the stream id, the cursor and the loss) are replaced whole: written to a temporary
 * file, fsynced, renamed over, and the directory fsynced, so a power cut leaves the old or the new one, never
 * half of either.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { TagSample, TelemetryBatch, TelemetryLoss } from '../modules/kernel/telemetry.js';
import { telemetryLossSchema } from '../modules/kernel/telemetry.js';
import { log } from './log.js';

const prefixBytes = 8;
const headerBytes = 36;
/** Largest body we accept when reading: a full batch is well under 1 MiB; anything bigger is a corrupt length. */
export const maxRecordBodyBytes = 16 * 1024 * 1024;

/** What the index keeps of each record; the samples stay on disk until sent. */
export interface RecordMeta {
  seq: number;
  /** Where the record starts in its segment, and its whole length (prefix included). */
  offset: number;
  length: number;
  /** When the agent queued it (the queue's clock), for the age bound. */
  at: number;
  samples: number;
  fromTs: number;
  toTs: number;
}

export function encodeRecord(seq: number, at: number, samples: TagSample[]): { bytes: Buffer; meta: Omit<RecordMeta, 'offset'> } {
  let fromTs = Infinity;
  let toTs = -Infinity;
  for (const sample of samples) {
    if (sample.ts < fromTs) fromTs = sample.ts;
    if (sample.ts > toTs) toTs = sample.ts;
  }
  const json = Buffer.from(JSON.stringify(samples), 'utf8');
  const bytes = Buffer.allocUnsafe(prefixBytes + headerBytes + json.length);
  bytes.writeUInt32LE(headerBytes + json.length, 0);
  bytes.writeDoubleLE(seq, 8);
  bytes.writeDoubleLE(at, 16);
  bytes.writeUInt32LE(samples.length, 24);
  bytes.writeDoubleLE(fromTs, 28);
  bytes.writeDoubleLE(toTs, 36);
  json.copy(bytes, prefixBytes + headerBytes);
  bytes.writeUInt32LE(crc32(bytes.subarray(prefixBytes)), 4);
  return { bytes, meta: { seq, length: bytes.length, at, samples: samples.length, fromTs, toTs } };
}

/** The record at `offset` of `data`, or undefined when it is torn, corrupt or not there. */
export function readRecordMeta(data: Buffer, offset: number): RecordMeta | undefined {
  if (data.length - offset < prefixBytes + headerBytes) return undefined;
  const bodyLength = data.readUInt32LE(offset);
  if (bodyLength < headerBytes + 2 || bodyLength > maxRecordBodyBytes) return undefined;
  if (data.length - offset - prefixBytes < bodyLength) return undefined;
  const body = data.subarray(offset + prefixBytes, offset + prefixBytes + bodyLength);
  if (crc32(body) !== data.readUInt32LE(offset + 4)) return undefined;
  const seq = body.readDoubleLE(0);
  const at = body.readDoubleLE(8);
  const samples = body.readUInt32LE(16);
  const fromTs = body.readDoubleLE(20);
  const toTs = body.readDoubleLE(28);
  if (!Number.isSafeInteger(seq) || seq < 0 || !Number.isFinite(at) || samples < 1) return undefined;
  return { seq, offset, length: prefixBytes + bodyLength, at, samples, fromTs, toTs };
}

/** The batch in a record that `readRecordMeta` accepted; undefined if its JSON is not a sample list. */
function decodeBatch(data: Buffer, meta: RecordMeta, offsetInData: number): TelemetryBatch | undefined {
  const start = offsetInData + prefixBytes + headerBytes;
  const body = data.subarray(offsetInData + prefixBytes, offsetInData + meta.length);
  if (body.length !== meta.length - prefixBytes || crc32(body) !== data.readUInt32LE(offsetInData + 4)) return undefined;
  try {
    const samples = JSON.parse(data.toString('utf8', start, offsetInData + meta.length)) as TagSample[];
    if (!Array.isArray(samples) || samples.length !== meta.samples) return undefined;
    return { seq: meta.seq, samples };
  } catch {
    return undefined;
  }
}

/** Read consecutive records of one segment; one that rotted since the queue opened is skipped, never half sent. */
export async function readBatches(path: string, records: RecordMeta[]): Promise<TelemetryBatch[]> {
  const first = records[0];
  const last = records.at(-1);
  if (!first || !last) return [];
  const data = Buffer.alloc(last.offset + last.length - first.offset);
  const handle = await open(path, 'r');
  try {
    await handle.read(data, 0, data.length, first.offset);
  } finally {
    await handle.close();
  }
  const batches: TelemetryBatch[] = [];
  for (const record of records) {
    const batch = decodeBatch(data, record, record.offset - first.offset);
    if (batch) batches.push(batch);
    else log.error('a queued telemetry batch is corrupt on disk; skipped', { seq: record.seq, path });
  }
  return batches;
}

/**
 * Walk a segment's records from the start. Seqs inside one segment run without gaps from `firstSeq`; the first
 * record that is torn, corrupt or out of sequence ends the segment (`validBytes` is where to cut it).
 */
export function scanSegment(data: Buffer, firstSeq: number): { records: RecordMeta[]; validBytes: number } {
  const records: RecordMeta[] = [];
  let offset = 0;
  while (offset < data.length) {
    const meta = readRecordMeta(data, offset);
    if (!meta || meta.seq !== firstSeq + records.length) break;
    records.push(meta);
    offset += meta.length;
  }
  return { records, validBytes: offset };
}

const segmentPattern = /^segment-(\d{16})\.log$/;

export function segmentFileName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(16, '0')}.log`;
}

/** The first seq a segment file's name promises, or undefined for a file that is not a segment. */
export function parseSegmentFileName(name: string): number | undefined {
  const match = segmentPattern.exec(name);
  if (!match) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** The directory's entry for a new or renamed file is only durable once the directory itself is fsynced. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replace a small file whole: a power cut leaves the old content or the new, never a mix. */
export async function writeFileDurably(dir: string, name: string, content: string): Promise<void> {
  const path = join(dir, name);
  const temp = `${path}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  await syncDirectory(dir);
}

/** Write every buffer at the end of the file and make it durable with one fdatasync (a group commit). */
export async function appendDurably(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let at = position;
  for (const buffer of buffers) {
    let done = 0;
    while (done < buffer.length) {
      const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, at);
      done += bytesWritten;
      at += bytesWritten;
    }
  }
  await handle.datasync();
}

export async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export const streamFileName = 'stream';
export const stateFileName = 'state.json';
export const streamPattern = /^[0-9a-f]{16}$/;

/** The cursor and the loss not yet reported. Seqs are -1 when nothing was acknowledged or dropped yet. */
export const queueStateSchema = z.object({
  version: z.literal(1),
  ackedSeq: z.number().int().min(-1),
  droppedSeq: z.number().int().min(-1),
  /** The highest seq ever handed out, so seq continues even when every segment was deleted. */
  lastSeq: z.number().int().min(-1),
  loss: telemetryLossSchema.nullable(),
  lostBatches: z.number().int().nonnegative(),
  lostSamples: z.number().int().nonnegative(),
});
export type QueueState = z.infer<typeof queueStateSchema>;

export const emptyQueueState: QueueState = {
  version: 1,
  ackedSeq: -1,
  droppedSeq: -1,
  lastSeq: -1,
  loss: null,
  lostBatches: 0,
  lostSamples: 0,
};

/** One segment file and the index of its records. */
export interface Segment {
  firstSeq: number;
  path: string;
  bytes: number;
  /** Record i holds seq firstSeq + i. */
  records: RecordMeta[];
}

export function mergeLoss(a: TelemetryLoss | null, b: TelemetryLoss): TelemetryLoss {
  if (!a) return b;
  return { batches: a.batches + b.batches, samples: a.samples + b.samples, fromTs: Math.min(a.fromTs, b.fromTs), toTs: Math.max(a.toTs, b.toTs) };
}

export function lossOf(records: RecordMeta[]): TelemetryLoss {
  let samples = 0;
  let fromTs = Infinity;
  let toTs = -Infinity;
  for (const record of records) {
    samples += record.samples;
    fromTs = Math.min(fromTs, record.fromTs);
    toTs = Math.max(toTs, record.toTs);
  }
  return { batches: records.length, samples, fromTs, toTs };
}


/** The stream id kept in the directory; a new one when there is none or `renew` (the seq cannot be trusted). */
export async function loadStream(dir: string, renew: boolean): Promise<string> {
  if (!renew) {
    try {
      const stream = (await readFile(join(dir, streamFileName), 'utf8')).trim();
      if (streamPattern.test(stream)) return stream;
      log.warn('the telemetry queue’s stream id is unreadable; starting a new stream', { dir });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const stream = randomBytes(8).toString('hex');
  await writeFileDurably(dir, streamFileName, `${stream}\n`);
  return stream;
}

/** The saved state; `unreadable` when the file exists but is garbled (only a broken disk does that). */
export async function loadState(dir: string): Promise<{ state: QueueState; unreadable: boolean }> {
  let text: string;
  try {
    text = await readFile(join(dir, stateFileName), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: { ...emptyQueueState }, unreadable: false };
    throw err;
  }
  try {
    return { state: queueStateSchema.parse(JSON.parse(text)), unreadable: false };
  } catch {
    log.warn('the telemetry queue’s state file is unreadable; resending from the oldest queued batch', { dir });
    return { state: { ...emptyQueueState }, unreadable: true };
  }
}

/**
 * Read every segment, cut each off at its first torn or corrupt record, and delete empty ones. A cut in the
 * last segment is a write that never finished (its append never resolved); a cut in an older one lost batches
 * that were stored, so that is counted as a loss (their sample count is unknowable, counted as 0).
 */
export async function loadSegments(dir: string, state: QueueState): Promise<Segment[]> {
  const names = (await readdir(dir)).flatMap((name) => {
    const firstSeq = parseSegmentFileName(name);
    return firstSeq === undefined ? [] : [{ name, firstSeq }];
  });
  names.sort((a, b) => a.firstSeq - b.firstSeq);
  const segments: Segment[] = [];
  for (const [index, { name, firstSeq }] of names.entries()) {
    const path = join(dir, name);
    const previous = segments.at(-1);
    if (previous && firstSeq < previous.firstSeq + previous.records.length) {
      // Only a hand-placed file overlaps another; sending it would repeat seqs out of order, so it is left alone.
      log.warn('ignored a telemetry segment that overlaps the one before it', { path });
      continue;
    }
    const data = await readFile(path);
    const { records, validBytes } = scanSegment(data, firstSeq);
    if (validBytes < data.length) {
      log.warn('cut a torn or corrupt end off a telemetry segment', { path, keptBytes: validBytes, cutBytes: data.length - validBytes });
      const nextFirstSeq = names[index + 1]?.firstSeq;
      const lostFrom = Math.max(firstSeq + records.length, Math.max(state.ackedSeq, state.droppedSeq) + 1);
      if (nextFirstSeq !== undefined && nextFirstSeq > lostFrom) {
        const ts = records.at(-1)?.toTs ?? 0;
        const loss = { batches: nextFirstSeq - lostFrom, samples: 0, fromTs: ts, toTs: ts };
        state.loss = mergeLoss(state.loss, loss);
        state.lostBatches += loss.batches;
        await writeFileDurably(dir, stateFileName, `${JSON.stringify(state)}\n`);
      }
      const handle = await open(path, 'r+');
      try {
        await handle.truncate(validBytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    if (records.length === 0) {
      await removeIfPresent(path);
      continue;
    }
    segments.push({ firstSeq, path, bytes: validBytes, records });
  }
  return segments;
}
