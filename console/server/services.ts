/** Everything the routes and sockets share, built once at start-up. */
import type { AccessControl } from './access/service.js';
import type { AgentHub } from './agents/hub.js';
import type { ApprovalService } from './approvals/service.js';
import type { Accounts } from './accounts/accounts.js';
import type { AlarmService } from './alarms/service.js';
import type { AlarmPager } from './alarms/paging.js';
import type { MaintenanceWindows } from './alarms/maintenance.js';
import type { HostLabels } from './alarms/host-labels.js';
import type { AuditTrail } from './audit.js';
import type { LoginRateLimiter } from './auth/rate-limit.js';
import type { Enrollment } from './enrollment.js';
import type { ConsoleEvents } from './events.js';
import type { Baselines } from './drift/baselines.js';
import type { HostDirectory } from './hosts.js';
import type { LiveUpdates } from './live.js';
import type { MetricsHistoryService } from './metrics/history.js';
import type { SiteService } from './sites/sites.js';
import type { TelemetryStore } from './telemetry/store.js';
import type { Relay } from './relay.js';
import type { RoleId, Storage } from './storage/types.js';
import type { HostNames } from './http/host-check.js';
import type { TerminalGateway } from './terminal/gateway.js';
import type { ApiTokens } from './tokens/store.js';
import type { TwoFactor } from './two-factor/service.js';
import type { LoginHours } from './auth/login-hours.js';
import type { AgentInstaller } from './ssh/install-agent.js';
import type { SshHosts } from './ssh/ssh-hosts.js';

export interface Services {
  storage: Storage;
  /** Roles, grants on scopes, and where hosts are: who may do what, where. */
  access: AccessControl;
  /** Console accounts: who may log in, with which role. */
  accounts: Accounts;
  hub: AgentHub;
  hosts: HostDirectory;
  relay: Relay;
  /** Four eyes: requests for dangerous actions, approved by a second person, then performed (approvals/). */
  approvals: ApprovalService;
  audit: AuditTrail;
  enrollment: Enrollment;
  /** API tokens for scripts (`Authorization: Bearer`): made, listed, revoked, verified. */
  tokens: ApiTokens;
  loginLimiter: LoginRateLimiter;
  /** Second factors (TOTP, passkeys, recovery codes), login tickets and the per-role two-factor policy. */
  twoFactor: TwoFactor;
  /** Working hours (config `loginHours`); a login outside them is audited as off-hours and alarmed. */
  loginHours: LoginHours | undefined;
  live: LiveUpdates;
  /** Metrics history: stores what agents push, answers charts and the fleet overview. */
  metrics: MetricsHistoryService;
  /** Telemetry history (Modbus tag readings from gateways). */
  telemetry: TelemetryStore;
  /** Sites, their gateways' profiles, their tags, trends and setpoint writes. */
  sites: SiteService;
  terminals: TerminalGateway;
  /** Approved baselines and drift from them. */
  baselines: Baselines;
  /** Alarms: rules, the engine, what operators do to alarms. */
  alarms: AlarmService;
  /** Notifications: routing, on-call, escalation, acknowledge links. */
  pager: AlarmPager;
  /** Maintenance windows: alarms inside are recorded, not notified. */
  maintenance: MaintenanceWindows;
  /** Host names and tags in memory. */
  hostLabels: HostLabels;
  /** Conditions that become alarms (events.ts). */
  events: ConsoleEvents;
  /** The configured Unix users per role for terminals (config `terminalUsers`). */
  terminalUsers: Partial<Record<RoleId, readonly string[]>>;
  /** Hosts without an agent, reached over SSH. */
  sshHosts: SshHosts;
  agentInstaller: AgentInstaller;
  /** The console's data directory (the database, TLS files, recordings/). */
  dataDir: string;
  /** The origin in enrollment commands. */
  publicOrigin: string;
  /** Origins allowed besides the request's own. */
  allowedOrigins: readonly string[];
  /** Host names this console answers to (DNS rebinding guard). */
  hostNames: HostNames;
  webDir: string;
  /** The single-file agent (dist/agent-bundle/gatehouse-agent.mjs) served to machines being enrolled. */
  agentBundle: string;
  /** curl's --pinnedpubkey value for this console's certificate; undefined on plain HTTP. */
  publicKeyPin: string | undefined;
}
