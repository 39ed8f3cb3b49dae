import { readFile, rename, writeFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * Pump run hours and start counts, kept by the gateway from a pump's running status when the device does not
 * count for itself. They live in a small file beside the profile so a gateway restart does not reset them;
 * written atomically (temporary file, then rename) so a power cut leaves the old figures, never half a file.
 */

const countersFile = z.record(z.string().max(64), z.object({ runSeconds: z.number().nonnegative(), starts: z.number().int().nonnegative() }));
type Counters = z.infer<typeof countersFile>;

export class RunCounters {
  readonly #counters: Counters;
  /** Last running reading per tracked tag: whether it ran and when, so only observed running time counts. */
  readonly #last = new Map<string, { running: boolean; ts: number }>();
  #dirty = false;

  private constructor(
    private readonly path: string,
    counters: Counters,
  ) {
    this.#counters = counters;
  }

  static async open(path: string): Promise<RunCounters> {
    try {
      const parsed = countersFile.safeParse(JSON.parse(await readFile(path, 'utf8')));
      return new RunCounters(path, parsed.success ? parsed.data : {});
    } catch {
      return new RunCounters(path, {});
    }
  }

  /**
   * A good reading of a running status. Time between two readings counts as running only when both say running
   * and they are at most `maxGapMs` apart: a gap in communication is not counted as running time.
   */
  observe(tag: string, running: boolean, ts: number, maxGapMs: number): { runHours: number; starts: number } {
    const counter = (this.#counters[tag] ??= { runSeconds: 0, starts: 0 });
    const last = this.#last.get(tag);
    if (last) {
      const gap = ts - last.ts;
      if (last.running && running && gap > 0 && gap <= maxGapMs) {
        counter.runSeconds += gap / 1000;
        this.#dirty = true;
      }
      if (!last.running && running) {
        counter.starts += 1;
        this.#dirty = true;
      }
    }
    this.#last.set(tag, { running, ts });
    return this.figures(tag);
  }

  figures(tag: string): { runHours: number; starts: number } {
    const counter = this.#counters[tag] ?? { runSeconds: 0, starts: 0 };
    return { runHours: counter.runSeconds / 3600, starts: counter.starts };
  }

  /** Communication was lost: the next reading starts a new span instead of bridging the gap. */
  interrupt(tag: string): void {
    this.#last.delete(tag);
  }

  async save(): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const temporary = `${this.path}.tmp`;
    await writeFile(temporary, `${JSON.stringify(this.#counters)}\n`, { mode: 0o600 });
    await rename(temporary, this.path);
  }
}
