import { z } from 'zod';

/**
 * Telemetry on the wire: tag readings the agent sends in `telemetry` frames. Each batch carries the agent's
 * sequence number, so a batch replayed after a cut or a console restart is stored once: the console
 * de-duplicates by (host, seq). Everything is bounded, as agent data is untrusted.
 */

export const qualities = ['good', 'stale', 'comm-fault'] as const;
export type Quality = (typeof qualities)[number];

/** One reading of one tag, at the time the gateway read it (not the time it arrived). */
export const tagSampleSchema = z.object({
  /** A profile's tag name (modules/modbus/profile.ts): never something a spreadsheet would read as a formula. */
  tag: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/),
  /** Milliseconds since the epoch, when the gateway read the value. */
  ts: z.number().int().nonnegative(),
  /** Engineering value; null when there is none to give (e.g. comm-fault before any good reading). */
  value: z.union([z.number().finite(), z.boolean(), z.null()]),
  quality: z.enum(qualities),
});
export type TagSample = z.infer<typeof tagSampleSchema>;

/** Most samples in one batch: one poll tick of a large gateway fits; a backlog is split into batches. */
export const maxSamplesPerBatch = 5000;

/** Most batches in one `telemetry` frame; the sender also keeps a frame's JSON well under the 8 MiB frame limit. */
export const maxBatchesPerFrame = 64;
/** What the sender aims a frame's JSON at, at most (a single batch may be larger; it is sent alone). */
export const telemetryFrameTargetBytes = 1024 * 1024;

export const telemetryBatchSchema = z.object({
  /** Per agent, increasing by one per batch, kept across agent restarts (it lives in the on-disk queue). */
  seq: z.number().int().nonnegative(),
  samples: z.array(tagSampleSchema).min(1).max(maxSamplesPerBatch),
});
export type TelemetryBatch = z.infer<typeof telemetryBatchSchema>;

/**
 * Batches the agent had to drop because its queue was full or too old, reported once on the next send so the
 * console can record the loss (never silent): how many batches and samples, and the time range they covered.
 */
export const telemetryLossSchema = z.object({
  batches: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
  fromTs: z.number().int().nonnegative(),
  toTs: z.number().int().nonnegative(),
});
export type TelemetryLoss = z.infer<typeof telemetryLossSchema>;
