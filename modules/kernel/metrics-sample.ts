import { z } from 'zod';

/**
 * One metrics sample of a host: what `metrics.snapshot` answers and what the agent pushes in `metrics` frames.
 * It lives in the kernel beside HostStatus because the wire carries it; every field is bounded, as agent data is
 * untrusted. Rates are per second over the interval since the sampler's previous reading.
 */
const figure = z.number().finite().nonnegative();
const percent = z.number().finite().min(0).max(100);

export const metricsSampleSchema = z.object({
  /** ISO 8601 time of the reading. */
  at: z.string().max(40),
  /** Busy share of all CPUs, and of each core, 0–100. */
  cpu: z.object({ total: percent, perCore: z.array(percent).max(4096) }),
  load: z.tuple([figure, figure, figure]),
  /** Bytes; `used` is total − available (what programs could not get without swapping). */
  memory: z.object({ total: figure, used: figure, available: figure, swapTotal: figure, swapUsed: figure }),
  disks: z
    .array(
      z.object({
        mount: z.string().max(4096),
        fs: z.string().max(64),
        total: figure,
        used: figure,
        readBytesPerSec: figure,
        writeBytesPerSec: figure,
      }),
    )
    .max(128),
  network: z.array(z.object({ interface: z.string().max(64), rxBytesPerSec: figure, txBytesPerSec: figure })).max(128),
  temperatures: z.array(z.object({ sensor: z.string().max(128), celsius: z.number().finite().min(-273).max(1000) })).max(128),
  uptimeSeconds: figure,
});
export type MetricsSample = z.infer<typeof metricsSampleSchema>;

/** Most samples one `metrics` frame carries: a batch replayed after a cut is split into frames of this size. */
export const maxSamplesPerFrame = 60;
