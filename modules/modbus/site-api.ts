import { z } from 'zod';
import { qualities } from '../kernel/telemetry.js';
import { profileName, writeRuleSchema } from './profile.js';
import { writeOutcomes } from './contract.js';

/**
 * What the console's site routes answer, shared by the console (which builds them) and the web app (which reads
 * them). A site is a place (a pumping station, a works) with one or more gateways; its tags are the tags of its
 * gateways' profiles with their latest readings.
 */

export const siteIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a-z, 0-9 and -, at most 63');

/** A site's state at a glance: the worst of its tags and gateways. */
export const siteStates = ['ok', 'degraded', 'comm-fault', 'offline', 'no-data'] as const;
export type SiteState = (typeof siteStates)[number];

export const siteSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  state: z.enum(siteStates),
  gateways: z.array(z.object({ hostId: z.string(), name: z.string(), online: z.boolean() })),
  tagCount: z.number().int(),
  /** Tags whose quality is not good. */
  badTags: z.number().int(),
  /** Newest reading of any tag, ms since the epoch; 0 when none. */
  lastReadingTs: z.number().int(),
});
export type SiteSummary = z.infer<typeof siteSummarySchema>;

/** GET /api/sites/:id/tags: each tag with its latest reading and what the page needs to show and write it. */
export const siteTagSchema = z.object({
  name: z.string(),
  description: z.string(),
  device: z.string(),
  deviceName: z.string(),
  hostId: z.string(),
  unit: z.string(),
  decimals: z.number().int().optional(),
  type: z.string(),
  value: z.union([z.number(), z.boolean(), z.null()]),
  quality: z.enum(qualities),
  /** ISO 8601 time of the reading ('' when there has been none). */
  ts: z.string(),
  /** Expected range, for drawing bars and flagging out-of-range readings. */
  range: z.object({ min: z.number(), max: z.number() }).optional(),
  /** Present when an engineer may write it, with the rule the gateway enforces. */
  write: writeRuleSchema.optional(),
  /**
   * Set (with `write`) when the gateway's own local policy refuses writes to the tag — read-only, or not among its
   * modbusWritableTags: why, in a few words. The page then shows this instead of a write control.
   */
  writeBlocked: z.string().optional(),
  /** Derived by the gateway (run hours, starts) or its comm status; not a device register. */
  derived: z.boolean(),
});
export type SiteTag = z.infer<typeof siteTagSchema>;

export const trendQuerySchema = z.object({
  tags: z.array(profileName).min(1).max(16),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  maxPoints: z.number().int().min(10).max(10_000).default(2000),
});

export const trendSchema = z.object({
  resolution: z.enum(['raw', 'minute', 'hour']),
  series: z.array(
    z.object({
      tag: z.string(),
      unit: z.string(),
      points: z.array(
        z.object({ ts: z.number(), value: z.number().nullable(), min: z.number().optional(), max: z.number().optional(), quality: z.string().optional() }),
      ),
    }),
  ),
});
export type Trend = z.infer<typeof trendSchema>;

/** POST /api/sites/:id/tags/:tag/write */
export const setpointRequestSchema = z
  .object({ value: z.union([z.number().finite(), z.boolean()]), reason: z.string().trim().min(3).max(500) })
  .strict();

export const setpointResultSchema = z.object({
  tag: z.string(),
  previous: z.union([z.number(), z.boolean(), z.null()]),
  requested: z.union([z.number(), z.boolean()]),
  readBack: z.union([z.number(), z.boolean(), z.null()]),
  outcome: z.enum(writeOutcomes),
  ts: z.number(),
});
export type SetpointResult = z.infer<typeof setpointResultSchema>;

/** Live: pushed on the browser's live socket to pages watching a site. */
export const siteTagsLiveSchema = z.object({
  type: z.literal('site-tags'),
  siteId: z.string(),
  tags: z.array(z.object({ name: z.string(), value: z.union([z.number(), z.boolean(), z.null()]), quality: z.enum(qualities), ts: z.string() })),
});
