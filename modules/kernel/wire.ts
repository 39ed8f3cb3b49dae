/**
 * Frames between agent and console (docs/protocol.md is the prose version; keep both true).
 *
 * Text frames are JSON control messages; binary frames carry stream data as a 4-byte big-endian channel
 * number followed by the payload. Every frame is size-bounded and schema-checked on arrival.
 */
import { z } from 'zod';
import { problemCodes } from './errors.js';
import { hostStatusSchema } from './host-status.js';
import { maxSamplesPerFrame, metricsSampleSchema } from './metrics-sample.js';
import { maxBatchesPerFrame, telemetryBatchSchema, telemetryLossSchema } from './telemetry.js';
import { agentPolicySchema } from './policy.js';

/** Largest text frame either side accepts; a process list or a 1 MiB text file fits with room for JSON escaping. */
export const maxControlFrameBytes = 8 * 1024 * 1024;
/** Largest payload of one binary data frame. */
export const maxDataChunkBytes = 64 * 1024;
/** Bytes a sender may have in flight on a channel before the receiver grants more credit. */
export const initialStreamWindowBytes = 1024 * 1024;
/** Longest an agent waits for a call's handler before answering `timeout`. */
export const defaultCallTimeoutMs = 60_000;

const id = z.number().int().nonnegative().max(2 ** 31);
const channel = z.number().int().positive().max(2 ** 31);
const name = z.string().min(1).max(64).regex(/^[a-z][a-z0-9-]*$/);

export const problemSchema = z.object({
  code: z.enum(problemCodes),
  message: z.string().max(4096),
});
export type Problem = z.infer<typeof problemSchema>;

/** Who asked, carried with each call so the agent can log it; the agent does not trust it for authorization. */
export const actorSchema = z.object({ user: z.string().max(128) }).optional();

export const helloFrame = z.object({
  type: z.literal('hello'),
  nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  console: z.object({ version: z.string().max(64) }),
});

export const authFrame = z.object({
  type: z.literal('auth'),
  hostId: z.string().min(1).max(64),
  /** Ed25519 signature, base64url, over authMessage(nonce, hostId, fingerprint). */
  signature: z.string().max(200),
  agent: z.object({ version: z.string().max(64) }),
  /** Modules this agent serves and the local policy it enforces, so the console can show both. */
  modules: z.array(name).max(64),
  policy: agentPolicySchema,
});

export const welcomeFrame = z.object({
  type: z.literal('welcome'),
  hostId: z.string(),
  name: z.string().max(253),
});

export const callFrame = z.object({
  type: z.literal('call'),
  id,
  module: name,
  method: z.string().min(1).max(64),
  params: z.unknown(),
  actor: actorSchema,
});

export const resultFrame = z.object({ type: z.literal('result'), id, result: z.unknown() });

export const errorFrame = z.object({
  type: z.literal('error'),
  /** Absent when the error concerns the connection or a frame that could not be read. */
  id: id.optional(),
  code: z.enum(problemCodes),
  message: z.string().max(4096),
});

export const openFrame = z.object({
  type: z.literal('open'),
  channel,
  module: name,
  stream: z.string().min(1).max(64),
  params: z.unknown(),
  actor: actorSchema,
});

/** The sender will send no more data on this channel (end of an upload or download body). */
export const doneFrame = z.object({ type: z.literal('done'), channel });

export const creditFrame = z.object({
  type: z.literal('credit'),
  channel,
  bytes: z.number().int().positive().max(64 * 1024 * 1024),
});

/** The channel is finished: by the agent with a result or an error, by the console to cancel. */
export const closeFrame = z.object({
  type: z.literal('close'),
  channel,
  result: z.unknown().optional(),
  problem: problemSchema.optional(),
});

/** A small JSON message beside a stream's bytes: console → agent `control`, agent → console `event`. */
export const controlFrame = z.object({ type: z.literal('control'), channel, message: z.unknown() });
export const eventFrame = z.object({ type: z.literal('event'), channel, message: z.unknown() });

export const pingFrame = z.object({ type: z.literal('ping'), ts: z.number() });
export const pongFrame = z.object({ type: z.literal('pong'), ts: z.number() });

/** The agent's periodic report of what the host is and how it is doing. */
export const statusFrame = z.object({ type: z.literal('status'), status: hostStatusSchema });

/** Metrics history samples (10 s apart), sent unprompted; a batch after a reconnect replays what queued. */
export const metricsFrame = z.object({ type: z.literal('metrics'), samples: z.array(metricsSampleSchema).min(1).max(maxSamplesPerFrame) });

/**
 * Telemetry batches from the agent's on-disk queue, oldest first, sent unprompted; after a reconnect the first
 * frames replay what queued while away. `stream` names the agent's queue (a new disk is a new stream), `loss`
 * reports batches the queue had to drop, once.
 */
export const telemetryFrame = z.object({
  type: z.literal('telemetry'),
  stream: z.string().regex(/^[0-9a-f]{8,64}$/),
  batches: z.array(telemetryBatchSchema).min(1).max(maxBatchesPerFrame),
  loss: telemetryLossSchema.optional(),
});

/** The console stored every batch of `stream` up to and including `seq`; the agent may forget them. */
export const telemetryAckFrame = z.object({
  type: z.literal('telemetry-ack'),
  stream: z.string().regex(/^[0-9a-f]{8,64}$/),
  seq: z.number().int().nonnegative(),
});

export const consoleToAgentFrame = z.discriminatedUnion('type', [
  helloFrame,
  welcomeFrame,
  callFrame,
  openFrame,
  doneFrame,
  creditFrame,
  closeFrame,
  controlFrame,
  pingFrame,
  pongFrame,
  errorFrame,
  telemetryAckFrame,
]);
export type ConsoleToAgentFrame = z.infer<typeof consoleToAgentFrame>;

export const agentToConsoleFrame = z.discriminatedUnion('type', [
  authFrame,
  resultFrame,
  errorFrame,
  doneFrame,
  creditFrame,
  closeFrame,
  eventFrame,
  pingFrame,
  pongFrame,
  statusFrame,
  metricsFrame,
  telemetryFrame,
]);
export type AgentToConsoleFrame = z.infer<typeof agentToConsoleFrame>;

/**
 * What the agent signs: a domain tag (so the signature means nothing elsewhere), the console's fresh nonce
 * (so it cannot be replayed), the host id, and the fingerprint of the TLS certificate the agent saw (so a
 * relaying man in the middle, who shows a different certificate, cannot reuse it). Empty on plain loopback HTTP.
 */
export function authMessage(nonce: string, hostId: string, certFingerprint: string): Buffer {
  return Buffer.from(`gatehouse-agent-auth/v1\n${nonce}\n${hostId}\n${certFingerprint}`, 'utf8');
}

/** Prefix a stream payload with its channel number. */
export function encodeDataFrame(channelNumber: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(4 + payload.byteLength);
  frame.writeUInt32BE(channelNumber, 0);
  frame.set(payload, 4);
  return frame;
}

/** Split a binary frame into its channel number and payload; undefined when it is too short to hold either. */
export function decodeDataFrame(frame: Buffer): { channel: number; payload: Buffer } | undefined {
  if (frame.byteLength < 4) return undefined;
  return { channel: frame.readUInt32BE(0), payload: frame.subarray(4) };
}

/** Parse a text frame against a frame schema; when it is not one, a message to send back with `bad-request`. */
export function readFrame<S extends z.ZodType>(schema: S, text: string): { frame: z.output<S> } | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { problem: 'frame is not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { frame: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `unreadable frame: ${issue?.path.join('.') || 'frame'}: ${issue?.message ?? 'invalid'}` };
}
