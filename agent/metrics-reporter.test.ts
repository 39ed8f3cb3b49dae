import { afterEach, describe, expect, it } from 'vitest';
import type { MetricsSample } from '../modules/kernel/metrics-sample.js';
import { MetricsReporter } from './metrics-reporter.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('metrics reporter (reads this machine’s /proc)', () => {
  let reporter: MetricsReporter | undefined;
  afterEach(() => reporter?.stop());

  it('queues samples while no console is attached and replays them in order on attach, then sends as it samples', async () => {
    reporter = new MetricsReporter(40);
    reporter.start();
    await wait(300);
    const batches: MetricsSample[][] = [];
    reporter.attach((samples) => batches.push(samples));
    const replayed = batches.flat();
    expect(replayed.length).toBeGreaterThanOrEqual(3);
    const times = replayed.map((s) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    await wait(200);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.slice(1).every((b) => b.length === 1)).toBe(true);

    reporter.detach();
    const sent = batches.length;
    await wait(200);
    expect(batches.length).toBe(sent);
  });
});
