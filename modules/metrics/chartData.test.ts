import { describe, expect, it } from 'vitest';
import type { MetricsSample } from '../kernel/metrics-sample.js';
import { appendLive, historyColumns, liveColumns, liveWindow } from './chartData.js';

const sample = (second: number, cpu: number): MetricsSample => ({
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  cpu: { total: cpu, perCore: [cpu] },
  load: [1, 1, 1],
  memory: { total: 200, used: 50, available: 150, swapTotal: 0, swapUsed: 0 },
  disks: [{ mount: '/', fs: 'ext4', total: 100, used: 40, readBytesPerSec: 5, writeBytesPerSec: 6 }],
  network: [{ interface: 'eth0', rxBytesPerSec: 7, txBytesPerSec: 8 }],
  temperatures: [],
  uptimeSeconds: 1,
});

describe('chart data', () => {
  it('keeps a bounded live window and ignores a repeated answer', () => {
    let buffer: MetricsSample[] = [];
    for (let i = 0; i < liveWindow + 20; i++) buffer = appendLive(buffer, sample(i % 60, i));
    expect(buffer).toHaveLength(liveWindow);
    expect(appendLive(buffer, buffer[buffer.length - 1]!)).toBe(buffer);
  });

  it('turns live samples into aligned uPlot columns', () => {
    const [t, cpu, memory, diskWorst] = liveColumns([sample(0, 10), sample(1, 20)], ['cpu', 'memory', 'diskWorst']);
    expect(t[1]! - t[0]!).toBe(1);
    expect(cpu).toEqual([10, 20]);
    expect(memory).toEqual([25, 25]);
    expect(diskWorst).toEqual([40, 40]);
  });

  it('takes averages (and maxima on request) from history, nulls for a series not sent', () => {
    const history = { hostId: 'h', range: '24h' as const, stepSeconds: 60, fromMs: 0, toMs: 1, t: [60, 120], series: { cpu: { avg: [1, 2], min: [0, 1], max: [3, 4] } } };
    expect(historyColumns(history, ['cpu'], true)).toEqual([[60, 120], [1, 2], [3, 4]]);
    expect(historyColumns(history, ['memory'])).toEqual([[60, 120], [null, null]]);
  });
});
