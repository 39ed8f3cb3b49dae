/**
 * What the console's HTTP API and live socket send to the browser (docs/api.md), declared once: the server
 * builds these shapes, the web app reads them. Module call results are not here; they come from each
 * module's contract.
 */
import { z } from 'zod';
import { hostStatusSchema } from './host-status.js';
import { agentPolicySchema } from './policy.js';

export const roleIds = ['administrator', 'system-operator', 'plant-operator', 'on-call', 'auditor', 'viewer'] as const;
export type RoleId = (typeof roleIds)[number];

export const hostStates = ['pending', 'approved', 'revoked'] as const;
export type HostState = (typeof hostStates)[number];

export const hostViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  online: z.boolean(),
  state: z.enum(hostStates),
  status: hostStatusSchema.nullable(),
  enrolledAt: z.string(),
  lastSeenAt: z.string().nullable(),
  address: z.string().nullable(),
  /** Modules the agent serves under its local policy; empty while offline. */
  modules: z.array(z.string()),
  agentVersion: z.string().nullable(),
  policy: agentPolicySchema.nullable(),
});
export type HostView = z.infer<typeof hostViewSchema>;

export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(roleIds),
  /** Permission codes and console actions the role allows. */
  permissions: z.array(z.string()),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  /** Username, or `agent:<hostId>` / `system` for actions no person took. */
  user: z.string(),
  hostId: z.string().nullable(),
  hostName: z.string().nullable(),
  action: z.string(),
  paramsDigest: z.string().nullable(),
  phase: z.enum(['requested', 'completed', 'event']),
  /** `ok` or a problem code. */
  result: z.string(),
  detail: z.string().nullable(),
  address: z.string().nullable(),
  /** SHA-256 over the previous entry's hash and this entry's canonical form: editing any entry breaks the chain. */
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}

export const enrollmentTokenViewSchema = z.object({
  id: z.string(),
  note: z.string(),
  autoApprove: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  usedAt: z.string().nullable(),
  usedByHost: z.string().nullable(),
  revokedAt: z.string().nullable(),
  state: z.enum(['active', 'used', 'revoked', 'expired']),
});
export type EnrollmentTokenView = z.infer<typeof enrollmentTokenViewSchema>;

export interface IssuedEnrollmentToken {
  id: string;
  /** Shown once; only its hash is kept. */
  token: string;
  expiresAt: string;
  /** For a machine that already has the agent: `gatehouse-agent enroll --console URL --token TOKEN`. */
  command: string;
  /** For a machine with only Node.js: downloads the agent from the console, enrolls it, installs the service. */
  installCommand: string;
}

export type LiveMessage =
  | { type: 'hosts'; hosts: HostView[] }
  | { type: 'host'; host: HostView }
  | { type: 'audit'; entry: AuditEntry }
  | { type: 'pong' }
  | { type: 'error'; code: string; message: string };

export const recordingStates = ['recording', 'complete', 'failed'] as const;
export type RecordingState = (typeof recordingStates)[number];

/** A terminal recording as the API shows it (everything but where the file lies on the console's disk). */
export interface RecordingView {
  /** `r_` and 16 characters; also the file's name. */
  id: string;
  /** The agent's terminal session (`t_…`); null until the agent has said which (a new shell). */
  sessionId: string | null;
  hostId: string;
  hostName: string;
  /** The console user who opened the terminal. */
  user: string;
  unixUser: string;
  startedAt: string;
  endedAt: string | null;
  /** Size of the recording file. */
  bytes: number;
  /** Whether keystrokes were recorded too (`"i"` events), not only the screen. */
  inputRecorded: boolean;
  state: RecordingState;
}

export interface RecordingPage {
  recordings: RecordingView[];
  nextBefore: string | null;
}
