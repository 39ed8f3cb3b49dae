/**
 * The console's timer for telemetry history: rolls up finished minutes and hours every minute, and prunes by
 * retention every hour (after a rollup, so nothing is pruned before it is summarised). Runs never overlap.
 */
import { log } from '../log.js';
import type { TelemetryRetention } from './rollup.js';
import type { TelemetryStore } from './store.js';

export interface TelemetryUpkeepConfig {
  /** How often to roll up (default one minute). */
  rollupEveryMs?: number;
  /** How often to prune (default one hour). */
  pruneEveryMs?: number;
  /** Overrides the store's retention. */
  retention?: Partial<TelemetryRetention>;
}

/**
 * Start rolling up and pruning on timers (the first run right away). The returned function stops them; its
 * promise settles once a run in progress has finished, so the database can then be closed.
 */
export function startTelemetryUpkeep(store: Pick<TelemetryStore, 'rollup' | 'prune'>, config: TelemetryUpkeepConfig = {}): () => Promise<void> {
  const rollupEveryMs = config.rollupEveryMs ?? 60_000;
  const pruneEveryMs = config.pruneEveryMs ?? 3_600_000;
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastPrune = 0;

  const run = () => {
    if (running || stopped) return;
    running = once().finally(() => {
      running = undefined;
    });
  };
  const once = async () => {
    try {
      const now = Date.now();
      await store.rollup(now);
      if (now - lastPrune >= pruneEveryMs) {
        lastPrune = now;
        const deleted = await store.prune(now, config.retention);
        if (deleted.raw + deleted.minute + deleted.hour + deleted.losses > 0) log.info('telemetry history pruned', deleted);
      }
    } catch (err) {
      log.warn('telemetry upkeep failed', { message: (err as Error).message });
    }
  };

  const timer = setInterval(run, rollupEveryMs);
  timer.unref();
  run();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
