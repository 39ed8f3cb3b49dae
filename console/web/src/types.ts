/**
 * The shapes the console's HTTP API returns (docs/api.md), declared once in modules/kernel/console-api.ts;
 * module results come from each module's contract, never restated here.
 */
import type { HostStatus } from '../../../modules/kernel/host-status.js';

export type { HostStatus };

export type {
  AuditEntry,
  AuditPage,
  EnrollmentTokenView as EnrollmentToken,
  HostState,
  HostView as Host,
  IssuedEnrollmentToken as CreatedEnrollmentToken,
  LiveMessage,
  RoleId,
  SessionUser as User,
} from '../../../modules/kernel/console-api.js';
import type { HostView } from '../../../modules/kernel/console-api.js';

/** What every module page receives; a page is `modules/<name>/page.tsx` exporting this component as default. */
export interface ModulePageProps {
  host: HostView;
}

/** A module page's named export `meta`: its tab title and its place among the tabs (lower first). */
export interface ModulePageMeta {
  title: string;
  order: number;
}
