/**
 * What the console's HTTP API and live socket send to the browser (docs/api.md), declared once: the server
 * builds these shapes, the web app reads them. Module call results are not here; they come from each
 * module's contract.
 */
import type { Alarm } from './alarm-model.js';
import { z } from 'zod';
import { hostStatusSchema } from './host-status.js';
import { agentPolicySchema } from './policy.js';
import { grantViewSchema } from './access.js';

export { roleIds, type RoleId } from './access.js';
import type { RoleId } from './access.js';
import { roleIds } from './access.js';

export const hostStates = ['pending', 'approved', 'revoked'] as const;
export type HostState = (typeof hostStates)[number];

/** How the console reaches a host: its agent's socket, or SSH for a host without an agent. */
export const hostConnections = ['agent', 'ssh'] as const;
export type HostConnection = (typeof hostConnections)[number];

/** An SSH host as the API shows it; its private key and password never leave the console. */
export const sshTargetViewSchema = z.object({
  address: z.string(),
  port: z.number().int(),
  username: z.string(),
  /** The pinned host key, as OpenSSH prints it (`SHA256:…`); a different key is refused. */
  hostKeyFingerprint: z.string(),
  hostKeyType: z.string(),
  /** The public half of the key the console logs in with, as a line of authorized_keys. */
  clientPublicKey: z.string(),
  registeredBy: z.string(),
  registeredAt: z.string(),
});
export type SshTargetView = z.infer<typeof sshTargetViewSchema>;

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
  /**
   * The local policy the agent enforces (set on the machine; the console cannot change it): the one it connected
   * with, or while offline the one it last connected with; null when unknown (not seen since the console started).
   */
  policy: agentPolicySchema.nullable(),
  /** When the agent reported that policy (ISO 8601, the time it connected); null with `policy`. */
  policyReportedAt: z.string().nullable(),
  connection: z.enum(hostConnections),
  /** Labels people give the host; `field-gateway` makes its terminals refuse to run unrecorded. */
  tags: z.array(z.string()),
  /** Set for hosts registered over SSH (also after the agent was installed over SSH). */
  ssh: sshTargetViewSchema.nullable(),
});
export type HostView = z.infer<typeof hostViewSchema>;

/** A host tag: lower case, digits and dashes, as in `field-gateway` or `plant-north`. */
export const hostTagSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'tags are lower-case letters, digits and dashes, at most 32');

/** `PATCH /api/hosts/:id`: rename, retag, or both. */
export const hostPatchSchema = z
  .object({
    name: z.string().trim().min(1).max(63).optional(),
    tags: z.array(hostTagSchema).max(20).optional(),
  })
  .strict()
  .refine((patch) => patch.name !== undefined || patch.tags !== undefined, 'give a name, tags, or both');

export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(roleIds),
  /** Permission codes and console actions the person's grants allow somewhere (each host may allow fewer). */
  permissions: z.array(z.string()),
  /** The Unix users this user may open terminals as somewhere; `*` stands for any. */
  terminalUsers: z.array(z.string()),
  /** Their roles and where each holds. */
  grants: z.array(grantViewSchema),
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

/** `POST /api/ssh/scan`: the key a server presents, for the admin to compare before pinning it. */
export const sshScanRequestSchema = z.object({
  address: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(22),
});
export interface SshScanResult {
  hostKeyFingerprint: string;
  hostKeyType: string;
}

/**
 * `POST /api/ssh-hosts`: register a host without an agent. With a private key, the key is stored encrypted with
 * the console's master key. With a password, the password is used once: the console makes its own key, adds it
 * to the user's authorized_keys and keeps only that key, never the password.
 */
export const sshRegisterRequestSchema = z.object({
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().min(1).max(253),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, 'a Unix user name (lower case, at most 32 characters)'),
  /** The fingerprint the admin saw (from scan) and accepts; when absent, the key presented now is pinned. */
  hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'an OpenSSH SHA256 fingerprint').optional(),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('key'), privateKey: z.string().min(1).max(16_384), passphrase: z.string().max(1024).optional() }),
    z.object({ kind: z.literal('password'), password: z.string().min(1).max(1024) }),
  ]),
});
export type SshRegisterRequest = z.input<typeof sshRegisterRequestSchema>;

/** `POST /api/hosts/:id/ssh/host-key`: pin the key the host presents now, after its key was changed on purpose. */
export const sshRepinRequestSchema = z.object({
  hostKeyFingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'an OpenSSH SHA256 fingerprint'),
});

export const installStepIds = ['connect', 'check', 'copy', 'enroll', 'service', 'online'] as const;
export type InstallStepId = (typeof installStepIds)[number];

/**
 * `POST /api/hosts/:id/ssh/install-agent` answers with one of these per line (NDJSON) as the install goes:
 * each step once `running`, then `ok`, `failed` or `skipped`; the last line is `done`.
 */
export const installProgressSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('step'),
    step: z.enum(installStepIds),
    title: z.string(),
    state: z.enum(['running', 'ok', 'failed', 'skipped']),
    /** What the remote commands printed (stdout and stderr), for a failed step above all. */
    output: z.string().optional(),
    message: z.string().optional(),
  }),
  z.object({ type: z.literal('done'), ok: z.boolean(), hostId: z.string(), code: z.string().optional(), message: z.string().optional() }),
]);
export type InstallProgress = z.infer<typeof installProgressSchema>;

export type LiveMessage =
  | { type: 'hosts'; hosts: HostView[] }
  | { type: 'host'; host: HostView }
  /** An SSH host was forgotten. */
  | { type: 'host-removed'; hostId: string }
  | { type: 'audit'; entry: AuditEntry }
  /** An alarm changed state (any state, normal included: the page drops it from its list). */
  | { type: 'alarm'; alarm: Alarm }
  /** A flood started at a site (more than 10 alarms in 10 minutes). */
  | { type: 'alarm-flood'; flood: { siteId: string; startedAt: string; endedAt: string | null; raised: number } }
  /** Approval requests changed: pages showing them fetch GET /api/approvals again. */
  | { type: 'approvals-changed' }
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

/** GET /api/permissions: every permission code (module methods' and the console's own) and what each role holds. */
export interface PermissionCatalogue {
  /** risk: as the module declares it; null for the console's own codes. */
  permissions: Array<{ code: string; module: string; moduleTitle: string; risk: 'read' | 'change' | 'dangerous' | null; summary: string }>;
  /** Built-in roles first (their ids are RoleId), then custom ones. */
  roles: Array<{ id: string; summary: string; codes: string[] }>;
}
