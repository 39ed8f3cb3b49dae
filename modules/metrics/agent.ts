/**
 * The agent's end of the metrics module: the current figures on request (the page asks every second while it
 * is open) and the inventory. The 10 s history samples travel unprompted in `metrics` frames (agent/metrics-reporter.ts).
 */
import { defineHandlers } from '../kernel/handler.js';
import type { MetricsSample } from '../kernel/metrics-sample.js';
import { contract } from './contract.js';
import { readInventory } from './inventory.js';
import { MetricsSampler } from './sampler.js';

/** A reading older than this gives rates averaged over too long to call "now": take a fresh pair. */
const staleAfterMs = 15_000;
/** The gap between the two readings of a fresh pair. */
const primingGapMs = 500;

const liveSampler = new MetricsSampler();
let inFlight: Promise<MetricsSample> | undefined;

/** Concurrent callers (two open pages) share one reading instead of shortening each other's interval. */
async function snapshot(): Promise<MetricsSample> {
  inFlight ??= (async () => {
    if (liveSampler.sinceLastMs > staleAfterMs) {
      await liveSampler.sample();
      await new Promise((resolve) => setTimeout(resolve, primingGapMs));
    }
    return liveSampler.sample();
  })().finally(() => {
    inFlight = undefined;
  });
  return inFlight;
}

export const handlers = defineHandlers(contract, {
  methods: {
    snapshot: async () => snapshot(),
    inventory: async () => readInventory(),
  },
});
