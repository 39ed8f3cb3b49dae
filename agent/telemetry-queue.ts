/**
 * The agent's on-disk telemetry queue: one batch of tag samples per poll tick, sequence-numbered, kept until the
 * console acknowledges it, so a network cut, a console restart or an agent restart loses nothing. Bounded by size
 * and age; when a bound is hit the oldest batches are dropped and the loss is counted and reported, never silent.
 *
 * Gateways run on SD cards and small disks, so it writes little: one write and one fdatasync per tick (appends
 * that land in the same tick share them), segment files are only ever appended to and deleted whole, and the
 * small state file (cursor, loss) is rewritten only when a segment goes, when a loss is counted, or at most every
 * few seconds for the cursor. A power cut can tear the last record; opening the queue cuts it off. The file
 * format is in telemetry-queue-files.ts.
 */
import { chmod, mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { GatehouseError, problemFromSystemError } from '../modules/kernel/errors.js';
import type { TagSample, TelemetryBatch, TelemetryLoss } from '../modules/kernel/telemetry.js';
import { maxSamplesPerBatch, tagSampleSchema } from '../modules/kernel/telemetry.js';
import { log } from './log.js';
import {
  appendDurably, encodeRecord, loadSegments, loadState, loadStream, lossOf, mergeLoss, readBatches, removeIfPresent,
  segmentFileName, stateFileName, syncDirectory, writeFileDurably, type QueueState, type RecordMeta, type Segment,
} from './telemetry-queue-files.js';

export interface TelemetryQueueOptions {
  /** Most bytes on disk (default 64 MiB); past it the oldest segment is dropped. */
  maxBytes?: number;
  /** Oldest batch kept (default 7 days); older ones are dropped. */
  maxAgeMs?: number;
  /** Segment file size (default maxBytes/16, between 1 KiB and 4 MiB): the unit the size bound drops. */
  segmentBytes?: number;
  /** The clock, for tests. */
  now?: () => number;
}

export interface TelemetryQueueStats {
  stream: string;
  nextSeq: number;
  /** -1 when the console acknowledged nothing yet. */
  ackedSeq: number;
  pendingBatches: number;
  bytes: number;
  /** The earliest sample time among pending batches. */
  oldestTs: number | undefined;
  lostBatches: number;
  lostSamples: number;
}


interface WaitingAppend {
  chunks: TagSample[][];
  resolve: (seq: number) => void;
  reject: (err: Error) => void;
}

const defaultMaxBytes = 64 * 1024 * 1024;
const defaultMaxAgeMs = 7 * 24 * 3600 * 1000;
/** How stale the persisted cursor may get: a restart resends at most this much, which the console de-duplicates. */
const cursorSaveIntervalMs = 10_000;
const samplesSchema = z.array(tagSampleSchema);

export class TelemetryQueue {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #maxAgeMs: number;
  readonly #segmentBytes: number;
  readonly #now: () => number;
  readonly #segments: Segment[];
  #state: QueueState;
  #nextSeq: number;
  #head: { segment: Segment; handle: FileHandle } | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  #waiting: WaitingAppend[] = [];
  #flushQueued = false;
  #closed = false;
  #lastAgeCheck = -Infinity;
  #lastCursorSave: number;
  #cursorDirty = false;
  readonly #listeners = new Set<() => void>();

  /** The queue's random id: a fresh queue (a replaced disk) is a new stream, so its seq 0 is not a duplicate. */
  readonly stream: string;

  private constructor(dir: string, stream: string, state: QueueState, segments: Segment[], options: TelemetryQueueOptions) {
    this.#dir = dir;
    this.stream = stream;
    this.#state = state;
    this.#segments = segments;
    this.#maxBytes = options.maxBytes ?? defaultMaxBytes;
    this.#maxAgeMs = options.maxAgeMs ?? defaultMaxAgeMs;
    this.#segmentBytes = options.segmentBytes ?? Math.min(4 * 1024 * 1024, Math.max(1024, Math.floor(this.#maxBytes / 16)));
    this.#now = options.now ?? Date.now;
    this.#lastCursorSave = this.#now();
    const last = segments.at(-1);
    this.#nextSeq = Math.max(state.lastSeq, state.ackedSeq, state.droppedSeq, last ? last.firstSeq + last.records.length - 1 : -1) + 1;
  }

  /** Open (or create) the queue in `dir`, cutting off a record torn by a crash; never delivers half a record. */
  static async open(dir: string, options: TelemetryQueueOptions = {}): Promise<TelemetryQueue> {
    for (const [key, value] of Object.entries({ maxBytes: options.maxBytes, maxAgeMs: options.maxAgeMs, segmentBytes: options.segmentBytes })) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
        throw new GatehouseError('invalid-params', `telemetry queue option ${key} must be a positive integer`, { key });
      }
    }
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await chmod(dir, 0o700);
      const { state, unreadable } = await loadState(dir);
      const segments = await loadSegments(dir, state);
      // Without the state and with no segment left, the next seq is unknown: a new stream keeps the console from
      // taking new batches for duplicates of old ones.
      const stream = await loadStream(dir, unreadable && segments.length === 0);
      const queue = new TelemetryQueue(dir, stream, state, segments, options);
      await queue.#exclusive(async () => {
        if (unreadable) await queue.#saveState();
        await queue.#dropTooOld(true);
        await queue.#enforceSize();
        await queue.#removeFinishedSegments(true);
      });
      return queue;
    } catch (err) {
      throw problemFromSystemError(err, { dir });
    }
  }

  /**
   * Queue one tick's samples as one batch (several when more than maxSamplesPerBatch). Resolves with the last
   * seq given once the batch is on disk (fsynced); appends in the same tick share one write and one fsync.
   */
  append(samples: TagSample[]): Promise<number> {
    if (this.#closed) return Promise.reject(closedError());
    const parsed = samplesSchema.safeParse(samples);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return Promise.reject(new GatehouseError('invalid-params', `bad tag sample at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`));
    }
    const chunks: TagSample[][] = [];
    for (let i = 0; i < parsed.data.length; i += maxSamplesPerBatch) chunks.push(parsed.data.slice(i, i + maxSamplesPerBatch));
    return new Promise((resolve, reject) => {
      this.#waiting.push({ chunks, resolve, reject });
      if (!this.#flushQueued) {
        this.#flushQueued = true;
        void this.#exclusive(() => this.#flush());
      }
    });
  }

  /**
   * The oldest batches not acknowledged and not dropped, in seq order (after a reconnect: the replay). `afterSeq`
   * skips what is already in flight; `maxBytes` caps their size on disk, but at least one batch is returned.
   */
  async pending(limit: number, options: { afterSeq?: number; maxBytes?: number } = {}): Promise<TelemetryBatch[]> {
    return (await this.readPending(limit, options)).batches;
  }

  /** `pending`, with the batches' size as stored (what the sender's window counts). */
  readPending(limit: number, options: { afterSeq?: number; maxBytes?: number } = {}): Promise<{ batches: TelemetryBatch[]; bytes: number }> {
    if (!Number.isSafeInteger(limit) || limit < 1) return Promise.reject(new GatehouseError('invalid-params', 'pending() needs a positive limit'));
    return this.#exclusive(async () => {
      this.#assertOpen();
      await this.#dropTooOld(false);
      return this.#read(limit, Math.max(this.#floor(), options.afterSeq ?? -1) + 1, options.maxBytes ?? Infinity);
    });
  }

  /** The console stored every batch up to and including `seq`: free their space. */
  acknowledge(seq: number): Promise<void> {
    if (!Number.isSafeInteger(seq) || seq < 0) return Promise.reject(new GatehouseError('invalid-params', 'an acknowledged seq must be a non-negative integer'));
    return this.#exclusive(async () => {
      this.#assertOpen();
      // An ack beyond what was ever written is not believed past the last batch.
      const acked = Math.min(seq, this.#nextSeq - 1);
      if (acked <= this.#state.ackedSeq) return;
      this.#state = { ...this.#state, ackedSeq: acked };
      this.#cursorDirty = true;
      if (await this.#removeFinishedSegments(false)) return;
      if (this.#now() - this.#lastCursorSave >= cursorSaveIntervalMs) await this.#saveState();
    });
  }

  /** The loss counted since the last call (kept on disk until taken, so a restart does not forget it). */
  takeLoss(): TelemetryLoss | undefined {
    const loss = this.#state.loss;
    if (!loss) return undefined;
    this.#state = { ...this.#state, loss: null };
    this.#saveSoon();
    return loss;
  }

  /** Put back a loss that was taken but never reached the console (the link went down first). */
  returnLoss(loss: TelemetryLoss): void {
    this.#state = { ...this.#state, loss: mergeLoss(this.#state.loss, loss) };
    this.#saveSoon();
  }

  /** Called after each group of appends is on disk; returns the function that unsubscribes. */
  onAppended(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): TelemetryQueueStats {
    const floor = this.#floor();
    let pendingBatches = 0;
    let bytes = 0;
    let oldestTs: number | undefined;
    for (const segment of this.#segments) {
      bytes += segment.bytes;
      const start = Math.max(0, floor + 1 - segment.firstSeq);
      if (start < segment.records.length) {
        pendingBatches += segment.records.length - start;
        oldestTs ??= segment.records[start]?.fromTs;
      }
    }
    const { ackedSeq, lostBatches, lostSamples } = this.#state;
    return { stream: this.stream, nextSeq: this.#nextSeq, ackedSeq, pendingBatches, bytes, oldestTs, lostBatches, lostSamples };
  }

  /** Finish queued appends, save the cursor, release the files. */
  close(): Promise<void> {
    return this.#exclusive(async () => {
      if (this.#closed) return;
      await this.#flush();
      this.#closed = true;
      if (this.#cursorDirty) await this.#saveState();
      await this.#head?.handle.close();
      this.#head = undefined;
      this.#listeners.clear();
    });
  }

  #exclusive<T>(job: () => Promise<T>): Promise<T> {
    const result = this.#lock.then(job);
    this.#lock = result.catch(() => undefined);
    return result;
  }

  #assertOpen(): void {
    if (this.#closed) throw closedError();
  }

  #floor(): number {
    return Math.max(this.#state.ackedSeq, this.#state.droppedSeq);
  }

  async #flush(): Promise<void> {
    this.#flushQueued = false;
    const group = this.#waiting.splice(0);
    if (group.length === 0) return;
    if (this.#closed) {
      for (const entry of group) entry.reject(closedError());
      return;
    }
    const firstSeq = this.#nextSeq;
    try {
      await this.#dropTooOld(false);
      const head = await this.#headForAppend();
      const at = this.#now();
      const buffers: Buffer[] = [];
      const written: RecordMeta[] = [];
      const lastSeqs: number[] = [];
      let offset = head.segment.bytes;
      let seq = firstSeq;
      for (const entry of group) {
        for (const chunk of entry.chunks) {
          const { bytes, meta } = encodeRecord(seq, at, chunk);
          buffers.push(bytes);
          written.push({ ...meta, offset });
          offset += bytes.length;
          seq += 1;
        }
        lastSeqs.push(seq - 1);
      }
      if (buffers.length > 0) {
        try {
          await appendDurably(head.handle, buffers, head.segment.bytes);
        } catch (err) {
          // Cut a partial write off now, so the next group does not land after half a record.
          await head.handle.truncate(head.segment.bytes).catch(() => undefined);
          throw err;
        }
        for (const meta of written) head.segment.records.push(meta);
        head.segment.bytes = offset;
        this.#nextSeq = seq;
      }
      group.forEach((entry, i) => entry.resolve(lastSeqs[i] ?? firstSeq - 1));
    } catch (err) {
      const problem = (err as NodeJS.ErrnoException).code === 'ENOSPC'
        ? new GatehouseError('too-large', 'No space left on the device for the telemetry queue', { dir: this.#dir })
        : problemFromSystemError(err, { dir: this.#dir });
      log.error('could not queue telemetry', { message: problem.message });
      for (const entry of group) entry.reject(problem);
      return;
    }
    try {
      await this.#enforceSize();
    } catch (err) {
      log.error('could not trim the telemetry queue', { message: (err as Error).message });
    }
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch (err) {
        log.error('a telemetry queue listener failed', { message: (err as Error).message });
      }
    }
  }

  /** The segment to append to: the last one while it has room and its seqs run on; otherwise a new file. */
  async #headForAppend(): Promise<{ segment: Segment; handle: FileHandle }> {
    const last = this.#segments.at(-1);
    const usable = last && last.bytes < this.#segmentBytes && last.firstSeq + last.records.length === this.#nextSeq;
    if (usable && this.#head?.segment === last) return this.#head;
    await this.#closeHead();
    if (usable) {
      this.#head = { segment: last, handle: await open(last.path, 'r+') };
      return this.#head;
    }
    const segment: Segment = { firstSeq: this.#nextSeq, path: join(this.#dir, segmentFileName(this.#nextSeq)), bytes: 0, records: [] };
    const handle = await open(segment.path, 'w', 0o600);
    try {
      await syncDirectory(this.#dir);
    } catch (err) {
      await handle.close();
      throw err;
    }
    this.#segments.push(segment);
    this.#head = { segment, handle };
    return this.#head;
  }

  async #closeHead(): Promise<void> {
    const head = this.#head;
    this.#head = undefined;
    await head?.handle.close();
  }

  async #read(limit: number, fromSeq: number, maxBytes: number): Promise<{ batches: TelemetryBatch[]; bytes: number }> {
    const batches: TelemetryBatch[] = [];
    let bytes = 0;
    for (const segment of this.#segments) {
      if (batches.length >= limit) break;
      const start = Math.max(0, fromSeq - segment.firstSeq);
      const picked: RecordMeta[] = [];
      for (let i = start; i < segment.records.length && batches.length + picked.length < limit; i++) {
        const record = segment.records[i] as RecordMeta;
        if ((batches.length > 0 || picked.length > 0) && bytes + record.length > maxBytes) break;
        picked.push(record);
        bytes += record.length;
      }
      if (picked.length === 0) {
        if (start < segment.records.length) break; // stopped by the byte budget
        continue;
      }
      for (const batch of await readBatches(segment.path, picked)) batches.push(batch);
      if (picked.length < segment.records.length - start) break;
    }
    return { batches, bytes };
  }

  /** Drop batches queued longer ago than maxAgeMs. Checked at most every maxAgeMs/1024, to rewrite state rarely. */
  async #dropTooOld(force: boolean): Promise<void> {
    const now = this.#now();
    if (!force && now - this.#lastAgeCheck < this.#maxAgeMs / 1024) return;
    this.#lastAgeCheck = now;
    const cutoff = now - this.#maxAgeMs;
    const floor = this.#floor();
    const dropped: RecordMeta[] = [];
    outer: for (const segment of this.#segments) {
      for (let i = Math.max(0, floor + 1 - segment.firstSeq); i < segment.records.length; i++) {
        const record = segment.records[i] as RecordMeta;
        if (record.at >= cutoff) break outer;
        dropped.push(record);
      }
    }
    const last = dropped.at(-1);
    if (!last) return;
    this.#countLoss(lossOf(dropped), last.seq, 'too old');
    if (!(await this.#removeFinishedSegments(false))) await this.#saveState();
  }

  /** Past maxBytes, drop the oldest segment whole (deleting it is what frees the disk), counting its batches. */
  async #enforceSize(): Promise<void> {
    let bytes = this.#segments.reduce((sum, segment) => sum + segment.bytes, 0);
    if (bytes <= this.#maxBytes) return;
    const floor = this.#floor();
    const doomed: Segment[] = [];
    const dropped: RecordMeta[] = [];
    for (const segment of this.#segments) {
      if (bytes <= this.#maxBytes) break;
      doomed.push(segment);
      bytes -= segment.bytes;
      for (const record of segment.records) if (record.seq > floor) dropped.push(record);
    }
    const lastDoomed = doomed.at(-1) as Segment;
    const throughSeq = Math.max(this.#state.droppedSeq, lastDoomed.firstSeq + lastDoomed.records.length - 1);
    if (dropped.length > 0) this.#countLoss(lossOf(dropped), throughSeq, 'queue full');
    else this.#state = { ...this.#state, droppedSeq: throughSeq };
    await this.#deleteSegments(doomed);
  }

  #countLoss(loss: TelemetryLoss, throughSeq: number, reason: string): void {
    log.warn('dropped queued telemetry', { reason, batches: loss.batches, samples: loss.samples, fromTs: loss.fromTs, toTs: loss.toTs });
    this.#state = {
      ...this.#state,
      droppedSeq: Math.max(this.#state.droppedSeq, throughSeq),
      loss: mergeLoss(this.#state.loss, loss),
      lostBatches: this.#state.lostBatches + loss.batches,
      lostSamples: this.#state.lostSamples + loss.samples,
    };
  }

  /**
   * Delete segments whose every batch is acknowledged or dropped. The head is kept while it still has room, so
   * a live link does not create and delete a file every tick. Returns whether the state was saved.
   */
  async #removeFinishedSegments(includeHead: boolean): Promise<boolean> {
    const floor = this.#floor();
    const finished = this.#segments.filter((segment, i) => {
      if (segment.firstSeq + segment.records.length - 1 > floor) return false;
      const isHead = i === this.#segments.length - 1;
      return !isHead || includeHead || segment.bytes >= this.#segmentBytes;
    });
    if (finished.length === 0) return false;
    await this.#deleteSegments(finished);
    return true;
  }

  /** The state (cursor, loss, last seq) is saved before the files go, so a crash in between forgets nothing. */
  async #deleteSegments(doomed: Segment[]): Promise<void> {
    await this.#saveState();
    for (const segment of doomed) {
      if (this.#head?.segment === segment) await this.#closeHead();
      await removeIfPresent(segment.path);
      this.#segments.splice(this.#segments.indexOf(segment), 1);
    }
  }

  async #saveState(): Promise<void> {
    this.#state = { ...this.#state, lastSeq: Math.max(this.#state.lastSeq, this.#nextSeq - 1) };
    await writeFileDurably(this.#dir, stateFileName, `${JSON.stringify(this.#state)}\n`);
    this.#lastCursorSave = this.#now();
    this.#cursorDirty = false;
  }

  #saveSoon(): void {
    void this.#exclusive(async () => {
      if (!this.#closed) await this.#saveState();
    }).catch((err: unknown) => log.error('could not save the telemetry queue state', { message: (err as Error).message }));
  }
}

function closedError(): GatehouseError {
  return new GatehouseError('cancelled', 'The telemetry queue is closed');
}
