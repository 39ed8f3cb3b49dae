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
  InstallProgress,
  InstallStepId,
  IssuedEnrollmentToken as CreatedEnrollmentToken,
  LiveMessage,
  RoleId,
  SessionUser as User,
  SshRegisterRequest,
  SshScanResult,
  SshTargetView,
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
  /**
   * Once opened, stay mounted (hidden) while the host page is open, instead of unmounting when another tab is
   * chosen: for pages holding live connections (terminals) that switching tabs must not cut.
   */
  keepMounted?: boolean;
}
