import { z } from 'zod';

/** What the host list shows about a machine; reported by its agent, so every field is bounded. */
export const hostStatusSchema = z.object({
  hostname: z.string().max(253),
  os: z.string().max(200),
  kernel: z.string().max(200),
  arch: z.string().max(32),
  uptimeSeconds: z.number().nonnegative(),
  cpuCount: z.number().int().nonnegative().max(4096),
  cpuModel: z.string().max(200),
  /** Share of all CPUs busy since the previous report, 0–100. */
  cpuPercent: z.number().min(0).max(100),
  load: z.tuple([z.number(), z.number(), z.number()]),
  memoryTotalBytes: z.number().nonnegative(),
  memoryUsedBytes: z.number().nonnegative(),
  agentVersion: z.string().max(64),
  reportedAt: z.string().max(40),
});
export type HostStatus = z.infer<typeof hostStatusSchema>;
