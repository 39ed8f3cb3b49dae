import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';
import { qualities } from '../kernel/telemetry.js';
import { approvalStampSchema } from '../kernel/approvals.js';
import { profileName, profileSchema } from './profile.js';

/**
 * The Modbus module: a gateway polls the devices its profile names and sends their readings as telemetry
 * (`telemetry` frames, not calls). Calls are for what people do: see the gateway's own view, apply a profile,
 * write a setpoint. Writes follow SECURITY.md rule 9: only tags with a write rule, within it, through the bus
 * queue, read back and compared; never retried blindly.
 */

const value = z.union([z.number().finite(), z.boolean(), z.null()]);

export const tagReadingSchema = z.object({
  name: z.string().max(64),
  device: z.string().max(64),
  value,
  quality: z.enum(qualities),
  /** Milliseconds since the epoch of the reading; 0 when there has been none. */
  ts: z.number().int().nonnegative(),
});
export type TagReading = z.infer<typeof tagReadingSchema>;

export const deviceStatusSchema = z.object({
  id: z.string().max(64),
  name: z.string().max(128),
  bus: z.string().max(64),
  unitId: z.number().int(),
  /** ok: answering; backoff: stopped answering, retried with growing pauses; down: its bus is not connected. */
  comm: z.enum(['ok', 'backoff', 'down', 'unknown']),
  lastGoodTs: z.number().int().nonnegative(),
  lastError: z.string().max(512),
});

export const busStatusSchema = z.object({
  id: z.string().max(64),
  kind: z.enum(['tcp', 'rtu']),
  connected: z.boolean(),
  requests: z.number().int().nonnegative(),
  timeouts: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  queued: z.number().int().nonnegative(),
});

/** How a write ended: the device's read-back equals what was asked, differs, or could not be read. */
export const writeOutcomes = ['confirmed', 'mismatch', 'unknown'] as const;

export const contract = defineModule({
  name: 'modbus',
  title: 'Equipment',
  permissions: {
    'modbus.read': {
      risk: 'read',
      summary: "See the gateway's devices, their communication state and the current tag values.",
    },
    'modbus.configure': {
      risk: 'change',
      summary: 'Give a gateway a new device profile (which devices and tags it polls).',
    },
    'modbus.write': {
      risk: 'dangerous',
      summary: 'Change a setpoint on field equipment, within the limits its write rule allows.',
    },
  },
  methods: {
    status: {
      summary: 'The profile in force (its hash), each bus and device with its communication state, and queue figures.',
      permission: 'modbus.read',
      params: z.object({}).strict().default({}),
      result: z.object({
        profileHash: z.string().max(128).nullable(),
        appliedAt: z.number().int().nonnegative().nullable(),
        buses: z.array(busStatusSchema).max(64),
        devices: z.array(deviceStatusSchema).max(1000),
        /** Telemetry waiting on the gateway's disk for the console. */
        queue: z.object({ pendingBatches: z.number().int().nonnegative(), bytes: z.number().nonnegative(), lostSamples: z.number().int().nonnegative() }),
      }),
    },
    tags: {
      summary: "The gateway's current reading of every tag, with quality and time.",
      permission: 'modbus.read',
      params: z.object({}).strict().default({}),
      result: z.object({ tags: z.array(tagReadingSchema).max(20_000) }),
    },
    apply: {
      summary: 'Replace the device profile the gateway polls; kept on the gateway so it polls on without the console.',
      permission: 'modbus.configure',
      params: z.object({ profile: profileSchema }).strict(),
      result: z.object({ profileHash: z.string().max(128), devices: z.number().int(), tags: z.number().int() }),
    },
    write: {
      summary: 'Write a setpoint: checked against the tag’s write rule, sent through the bus queue, read back and compared.',
      permission: 'modbus.write',
      params: z
        .object({
          tag: profileName,
          value: z.union([z.number().finite(), z.boolean()]),
          /** Why, in the operator's words; it goes into the audit log with the result. */
          reason: z.string().trim().min(3).max(500),
          /**
           * Attached by the console when it performs an approved request (docs/api.md, Approvals); a tag whose write
           * rule says `approval: true` is written only with one naming two different people, the requester being the caller.
           */
          approval: approvalStampSchema.optional(),
        })
        .strict(),
      result: z.object({
        tag: z.string().max(64),
        /** The read-back before writing (null when there was none). */
        previous: value,
        requested: z.union([z.number(), z.boolean()]),
        readBack: value,
        outcome: z.enum(writeOutcomes),
        ts: z.number().int().nonnegative(),
        /** The approval the gateway accepted the write with (tags whose rule asks for one). */
        approval: approvalStampSchema.optional(),
      }),
    },
  },
});
