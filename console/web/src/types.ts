/**
 * The shapes the console's HTTP API returns (docs/api.md). Host status comes from the kernel's schema;
 * module results come from each module's contract, never restated here.
 */
import type { HostStatus } from '../../../modules/kernel/host-status.js';

export type { HostStatus };

export type HostState = 'approved' | 'pending' | 'revoked';

export interface Host {
  id: string;
  name: string;
  online: boolean;
  state: HostState;
  status: HostStatus | null;
  enrolledAt: string;
  lastSeenAt: string | null;
  address: string | null;
  modules: string[];
}

export type RoleId = 'administrator' | 'system-operator' | 'plant-operator' | 'on-call' | 'auditor' | 'viewer';

export interface User {
  id: string;
  username: string;
  role: RoleId | string;
}

export interface EnrollmentToken {
  id: string;
  note: string;
  autoApprove: boolean;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  usedByHost: string | null;
  /** Not in docs/api.md yet; shown when the console sends it. */
  revokedAt?: string | null;
}

export interface CreatedEnrollmentToken {
  id: string;
  token: string;
  expiresAt: string;
  /** For a machine that already has the agent: `gatehouse-agent enroll --console URL --token TOKEN`. */
  command: string;
  /** For a machine with only Node.js: downloads the agent from the console, enrolls it, installs the service. */
  installCommand?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  user: string;
  hostId: string | null;
  hostName: string | null;
  action: string;
  paramsDigest: string | null;
  phase: 'requested' | 'completed' | 'event' | string;
  /** `ok` or a problem code. */
  result: string;
  detail: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}

export type LiveMessage =
  | { type: 'hosts'; hosts: Host[] }
  | { type: 'host'; host: Host }
  | { type: 'audit'; entry: AuditEntry }
  | { type: 'pong' };

/** What every module page receives; a page is `modules/<name>/page.tsx` exporting this component as default. */
export interface ModulePageProps {
  host: Host;
}

/** A module page's named export `meta`: its tab title and its place among the tabs (lower first). */
export interface ModulePageMeta {
  title: string;
  order: number;
}
