/**
 * One terminal recording in asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line,
 * then one JSON array per event, `[seconds, "o" | "i" | "r", text]`, appended as the session runs, so a crash
 * loses at most what was still buffered and a recording can be replayed while it grows.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { randomId } from '../../../modules/kernel/ids.js';
import { performance } from 'node:perf_hooks';

/** Recording ids name files: a fixed pattern, checked again before any path is built from one. */
export const recordingIdPattern = /^r_[a-z0-9]{16}$/;

export function newRecordingId(): string {
  // 16 characters from 36: about 82 bits.
  return `r_${randomId(16)}`;
}

export interface CastHeader {
  width: number;
  height: number;
  title: string;
}

/**
 * Bytes the file stream may hold before write() asks the caller to wait. The bridge waits (and so stops reading
 * the agent's output) when the disk falls behind, so a slow disk slows the terminal instead of filling memory.
 */
const fileBufferBytes = 256 * 1024;

export class CastRecorder {
  readonly path: string;
  readonly #file: WriteStream;
  readonly #startedAt = performance.now();
  // One decoder per direction: a UTF-8 character split across two chunks is held until its last byte arrives.
  readonly #outputText = new TextDecoder('utf-8');
  readonly #inputText = new TextDecoder('utf-8');
  readonly #failureListeners: Array<(error: Error) => void> = [];
  #bytes = 0;
  #failure: Error | undefined;
  #finished = false;

  private constructor(path: string, file: WriteStream) {
    this.path = path;
    this.#file = file;
    file.on('error', (error) => this.#fail(error));
  }

  /**
   * Create the file (it must not exist) and write the header; resolves once the header is written, so a
   * recording that cannot even start is known before the session is shown to anyone.
   */
  static async create(path: string, header: CastHeader): Promise<CastRecorder> {
    const file = createWriteStream(path, { flags: 'ax', mode: 0o600, highWaterMark: fileBufferBytes });
    const recorder = new CastRecorder(path, file);
    const line = JSON.stringify({
      version: 2,
      width: header.width,
      height: header.height,
      timestamp: Math.floor(Date.now() / 1000),
      env: { TERM: 'xterm-256color' },
      title: header.title,
    });
    await new Promise<void>((resolve, reject) => {
      recorder.#append(line, (error) => (error ? reject(error) : resolve()));
      // An open failure (EACCES, ENOSPC, EEXIST) arrives as an error event, possibly without a write callback.
      file.once('error', reject);
    });
    return recorder;
  }

  /** Bytes written to the file so far (header included). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Set once a write has failed; nothing more is recorded after it. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Called once, when a write fails. */
  onFailure(listener: (error: Error) => void): void {
    this.#failureListeners.push(listener);
  }

  /** Screen output. False when the file's buffer is full: wait for drained() before recording more. */
  output(bytes: Uint8Array): boolean {
    return this.#event('o', this.#outputText.decode(bytes, { stream: true }));
  }

  /** Keystrokes (only when the console records input). */
  input(bytes: Uint8Array): boolean {
    return this.#event('i', this.#inputText.decode(bytes, { stream: true }));
  }

  resize(cols: number, rows: number): boolean {
    return this.#event('r', `${cols}x${rows}`);
  }

  /** Resolves when the file's buffer has room again (or at once when the recording has failed or finished). */
  drained(): Promise<void> {
    if (!this.#file.writableNeedDrain || this.#failure || this.#finished) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.#file.off('drain', done);
        this.#file.off('close', done);
        resolve();
      };
      this.#file.on('drain', done);
      this.#file.on('close', done);
    });
  }

  /** Write what the decoders still hold, close the file; resolves with the file's size, rejects if it failed. */
  async finish(): Promise<number> {
    if (!this.#finished) {
      this.#event('o', this.#outputText.decode());
      this.#event('i', this.#inputText.decode());
      this.#finished = true;
      if (!this.#failure) await new Promise<void>((resolve) => this.#file.end(resolve));
      else this.#file.destroy();
    }
    if (this.#failure) throw this.#failure;
    return this.#bytes;
  }

  #event(kind: 'o' | 'i' | 'r', text: string): boolean {
    // An incomplete UTF-8 sequence decodes to nothing yet; it is written with the chunk that completes it.
    if (text === '' || this.#finished || this.#failure) return true;
    const seconds = Math.round(performance.now() - this.#startedAt) / 1000;
    return this.#append(JSON.stringify([seconds, kind, text]));
  }

  #append(line: string, callback?: (error: Error | null | undefined) => void): boolean {
    const data = `${line}\n`;
    this.#bytes += Buffer.byteLength(data);
    return this.#file.write(data, callback);
  }

  #fail(error: Error): void {
    if (this.#failure) return;
    this.#failure = error;
    for (const listener of this.#failureListeners) listener(error);
  }
}
