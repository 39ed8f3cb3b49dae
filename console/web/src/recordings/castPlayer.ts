/**
 * Plays a parsed recording into a read-only xterm.js: in real time at 1×, 2× or 8×, pausable, seekable. Output
 * goes in chunks and the next waits for xterm.js to have parsed the last, so a recorded flood cannot pile up in
 * the browser; if drawing falls behind, the clock waits for it rather than skipping. Seeking backwards resets
 * the screen and replays quickly up to the new time.
 */
import type { Terminal } from '@xterm/xterm';
import { parseResize, type Cast } from './asciicast.js';

export interface PlayerSnapshot {
  /** Seconds from the start of the recording shown on screen. */
  time: number;
  playing: boolean;
  speed: number;
  /** Replaying quickly to a seek target. */
  seeking: boolean;
  ended: boolean;
}

/** Characters handed to xterm.js at once; big enough to be fast, small enough to keep the page responsive. */
const chunkChars = 256 * 1024;
const tickMs = 33;

export class CastPlayer {
  readonly #term: Terminal;
  readonly #cast: Cast;
  readonly #onChange: (snapshot: PlayerSnapshot) => void;
  /** Next event to play. */
  #index = 0;
  #time = 0;
  #playing = false;
  #speed = 1;
  #seeking = false;
  /** Wall-clock anchor: at `#anchorWall` (ms) the recording was at `#anchorTime` (s). */
  #anchorWall = 0;
  #anchorTime = 0;
  /** Bumped by seek and dispose; a running feed that sees a newer generation stops. */
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(term: Terminal, cast: Cast, onChange: (snapshot: PlayerSnapshot) => void) {
    this.#term = term;
    this.#cast = cast;
    this.#onChange = onChange;
    term.resize(cast.header.width, cast.header.height);
    this.#emit();
  }

  get snapshot(): PlayerSnapshot {
    return {
      time: this.#time,
      playing: this.#playing,
      speed: this.#speed,
      seeking: this.#seeking,
      ended: this.#index >= this.#cast.events.length,
    };
  }

  play(): void {
    if (this.#playing || this.#disposed) return;
    if (this.#index >= this.#cast.events.length) {
      // At the end: play again from the start.
      void this.seek(0).then(() => this.play());
      return;
    }
    this.#playing = true;
    this.#anchor();
    this.#emit();
    if (!this.#seeking) this.#schedule(0);
  }

  pause(): void {
    if (!this.#playing) return;
    this.#playing = false;
    clearTimeout(this.#timer);
    this.#emit();
  }

  setSpeed(speed: number): void {
    this.#speed = speed;
    this.#anchor();
    this.#emit();
  }

  /** Show the screen as it was at `time` seconds; playing goes on from there if it was playing. */
  async seek(time: number): Promise<void> {
    const target = Math.max(0, Math.min(time, this.#cast.duration));
    const generation = ++this.#generation;
    clearTimeout(this.#timer);
    this.#seeking = true;
    this.#emit();
    // Let whatever an earlier feed handed to xterm.js finish before touching the screen.
    await this.#write('');
    if (generation !== this.#generation) return;
    if (target < this.#time || this.#index === 0) {
      this.#term.reset();
      this.#term.resize(this.#cast.header.width, this.#cast.header.height);
      this.#index = 0;
      this.#time = 0;
    }
    const complete = await this.#feedUntil(target, generation, Number.POSITIVE_INFINITY);
    if (!complete) return;
    this.#time = target;
    this.#seeking = false;
    this.#anchor();
    this.#emit();
    if (this.#playing) this.#schedule(0);
  }

  dispose(): void {
    this.#disposed = true;
    this.#generation += 1;
    this.#playing = false;
    clearTimeout(this.#timer);
  }

  #anchor(): void {
    this.#anchorWall = performance.now();
    this.#anchorTime = this.#time;
  }

  #emit(): void {
    if (!this.#disposed) this.#onChange(this.snapshot);
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
  }

  async #tick(): Promise<void> {
    if (!this.#playing || this.#seeking || this.#disposed) return;
    const generation = this.#generation;
    const target = Math.min(this.#cast.duration, this.#anchorTime + ((performance.now() - this.#anchorWall) / 1000) * this.#speed);
    const caughtUp = await this.#feedUntil(target, generation, chunkChars);
    if (generation !== this.#generation || !this.#playing) return;
    if (caughtUp) {
      this.#time = target;
    } else {
      // Drawing is behind the clock: show where the screen really is and let the clock wait for it.
      this.#time = this.#cast.events[this.#index - 1]?.time ?? this.#time;
      this.#anchor();
    }
    if (this.#index >= this.#cast.events.length) {
      this.#time = this.#cast.duration;
      this.#playing = false;
      this.#emit();
      return;
    }
    this.#emit();
    this.#schedule(tickMs);
  }

  /**
   * Write events up to `target` seconds, `budget` characters at most before returning. Resolves true when it
   * reached the target, false when the budget ran out or a newer seek took over.
   */
  async #feedUntil(target: number, generation: number, budget: number): Promise<boolean> {
    const { events } = this.#cast;
    let chunk = '';
    let spent = 0;
    while (this.#index < events.length && events[this.#index]!.time <= target) {
      const event = events[this.#index]!;
      this.#index += 1;
      if (event.type === 'o') {
        chunk += event.data;
        spent += event.data.length;
      } else if (event.type === 'r') {
        const size = parseResize(event.data);
        await this.#write(chunk);
        chunk = '';
        if (generation !== this.#generation) return false;
        if (size) this.#term.resize(size.cols, size.rows);
      }
      if (chunk.length >= chunkChars) {
        await this.#write(chunk);
        chunk = '';
        if (generation !== this.#generation) return false;
      }
      if (spent >= budget) break;
    }
    await this.#write(chunk);
    if (generation !== this.#generation) return false;
    return this.#index >= events.length || events[this.#index]!.time > target;
  }

  #write(data: string): Promise<void> {
    return new Promise((resolve) => this.#term.write(data, resolve));
  }
}
