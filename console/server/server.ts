/**
 * Starting and stopping a console: storage, TLS, services, the HTTP(S) server and its WebSocket upgrades.
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdir } from 'node:fs/promises';
import { getRequestListener } from '@hono/node-server';
import { AccessControl } from './access/service.js';
import { AgentHub } from './agents/hub.js';
import { Accounts } from './accounts/accounts.js';
import { HostLabels } from './alarms/host-labels.js';
import { connectAlarmInputs } from './alarms/inputs.js';
import { MaintenanceWindows } from './alarms/maintenance.js';
import { AlarmPager } from './alarms/paging.js';
import { AlarmService } from './alarms/service.js';
import { AlarmStore } from './alarms/store.js';
import { createApp } from './app.js';
import { AuditTrail } from './audit.js';
import { AuditSyslog } from './audit-export/syslog.js';
import { LoginRateLimiter } from './auth/rate-limit.js';
import { ensureAdmin } from './bootstrap.js';
import { publicOrigin, type ConsoleConfig } from './config.js';
import { Enrollment } from './enrollment.js';
import { HostDirectory } from './hosts.js';
import { LiveUpdates } from './live.js';
import { ConsoleEvents } from './events.js';
import { Baselines } from './drift/baselines.js';
import { Relay } from './relay.js';
import { RelayApprovalGate } from './approvals/gate.js';
import { ApprovalService } from './approvals/service.js';
import { ApprovalStore } from './approvals/store.js';
import { tagApprovalFromProfiles } from './approvals/tag-approval.js';
import { openSqliteStorage, sqliteConnections } from './storage/sqlite.js';
import { MetricsHistoryService } from './metrics/history.js';
import { SiteService } from './sites/sites.js';
import { SiteStore } from './sites/store.js';
import { TelemetryIntake } from './sites/telemetry-intake.js';
import { TelemetryStore } from './telemetry/store.js';
import { startTelemetryUpkeep } from './telemetry/upkeep.js';
import { loadTls } from './tls.js';
import { upgradeHandler } from './upgrade.js';
import { TerminalGateway } from './terminal/gateway.js';
import { ApiTokens } from './tokens/store.js';
import { TwoFactor } from './two-factor/service.js';
import { HostNames } from './http/host-check.js';
import { AgentInstaller } from './ssh/install-agent.js';
import { SshHosts } from './ssh/ssh-hosts.js';
import { SshTerminal } from './ssh/ssh-terminal.js';
import { Vault } from './ssh/vault.js';
import type { Services } from './services.js';
import type { Alarm } from '../../modules/kernel/alarm-model.js';
import { log } from './log.js';

export interface RunningConsole {
  url: string;
  /** SHA-256 of the TLS certificate agents pin; '' on plain HTTP. */
  fingerprint: string;
  services: Services;
  /** Set when this start created the admin account with a generated password. */
  generatedAdminPassword?: string;
  close(): Promise<void>;
}

/** The repository (or package) root, found relative to this file whether it runs from dist/ or from source. */
function packageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(join('dist', 'console', 'server')) ? resolve(here, '../../..') : resolve(here, '../..');
}

export async function startConsole(config: ConsoleConfig): Promise<RunningConsole> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const storage = await openSqliteStorage(join(config.dataDir, 'gatehouse.db'));
  await storage.migrate();
  const admin = await ensureAdmin(storage, config.adminPassword);
  const tls = await loadTls(config);
  const fingerprint = tls?.fingerprint ?? '';

  const access = new AccessControl(storage.db);
  await access.start();
  const hub = new AgentHub(storage, fingerprint);
  const events = new ConsoleEvents();
  const hosts = new HostDirectory(storage, hub);
  const audit = new AuditTrail(storage);
  const auditSyslog = config.auditSyslog ? new AuditSyslog({ config: config.auditSyslog, audit }) : undefined;
  await auditSyslog?.start();
  const live = new LiveUpdates(hosts, audit, storage, access);
  const metrics = new MetricsHistoryService({ storage, hosts, hub, retention: config.metricsRetention });
  metrics.start();
  const sqlite = sqliteConnections.get(storage.db);
  const telemetry = new TelemetryStore(storage.db, sqlite ? { sqlite } : {});
  const telemetryIntake = new TelemetryIntake({ store: telemetry, hub });
  telemetryIntake.start();
  const stopTelemetryUpkeep = startTelemetryUpkeep(telemetry);
  const vault = await Vault.open(config.masterKeyFile ?? join(config.dataDir, 'master.key'));
  const sshHosts = new SshHosts({ storage, vault, hosts, audit });
  const approvalStore = new ApprovalStore(storage.db);
  const approvalGate = new RelayApprovalGate({ config: config.approvals, store: approvalStore, hosts, audit, tagNeedsApproval: tagApprovalFromProfiles(new SiteStore(storage.db)) });
  const relay = new Relay(hosts, hub, audit, {
    approvals: approvalGate,
    placeOf: access.hostPlace,
    terminalUsers: config.terminalUsers,
    sshTerminals: async (hostId, params) => {
      const { connection, target } = await sshHosts.connect(hostId);
      return SshTerminal.open(connection.client, { cols: params.cols, rows: params.rows, unixUser: target.username });
    },
  });
  // No terminal can be live before start-up, so a recording still marked as running was cut short by a crash.
  await storage.failUnfinishedRecordings(new Date().toISOString());
  const approvals = new ApprovalService({ store: approvalStore, gate: approvalGate, relay: () => relay, hosts, audit, storage, events, accessOf: (user) => access.of(user), placeOf: access.hostPlace });
  approvals.start();
  live.watchApprovals(approvals);
  const terminals = new TerminalGateway({ relay, hosts, storage, dataDir: config.dataDir, recordInput: config.recordInput, audit, events, recordingFailure: config.recordingFailure });
  const enrollment = new Enrollment(storage, fingerprint);
  const sites = new SiteService({ store: new SiteStore(storage.db), telemetry, hosts, hub, relay, audit, intake: telemetryIntake });
  await sites.start();
  live.watchSites(sites);
  const baselines = new Baselines({ storage, relay, audit });

  const hostLabels = await HostLabels.load(hosts);
  access.locate({
    tags: (hostId) => hostLabels.tags(hostId),
    siteOf: (hostId) => sites.siteOf(hostId),
    hostName: (hostId) => hostLabels.name(hostId),
    siteName: (siteId) => sites.siteName(siteId),
  });
  const alarmStore = new AlarmStore(storage.db);
  const maintenance = new MaintenanceWindows({ db: storage.db, audit });
  await maintenance.start();
  const alarms = new AlarmService({ db: storage.db, store: alarmStore, audit, siteOf: (hostId) => sites.siteOf(hostId) });
  const inMaintenance = (alarm: Alarm) => maintenance.activeFor(alarm.source, alarm.source.hostId ? hostLabels.tags(alarm.source.hostId) : [], Date.now());
  alarms.setMaintenanceLookup(inMaintenance);
  const pager = new AlarmPager({
    config: config.notifications,
    store: alarmStore,
    db: storage.db,
    hostName: (hostId) => hostLabels.name(hostId),
    hostTags: (hostId) => hostLabels.tags(hostId),
    siteName: (siteId) => sites.siteName(siteId),
    inMaintenance,
    publicOrigin: () => services.publicOrigin,
  });
  alarms.setTransitionListener(pager);
  await alarms.start();
  await pager.start();
  live.watchAlarms(alarms);
  const systemUser = { id: 'system', username: 'system', role: 'administrator' as const, passwordHash: '', createdAt: new Date(0).toISOString(), disabled: false };
  const disconnectAlarmInputs = await connectAlarmInputs({
    evaluator: alarms.evaluator,
    hub,
    hosts,
    intake: telemetryIntake,
    sites,
    events,
    storage,
    baselines,
    system: { user: systemUser, address: null, access: access.forGrants([{ role: 'administrator', scope: { kind: 'fleet' } }]) },
  });
  const agentBundle = join(packageRoot(), 'dist', 'agent-bundle', 'gatehouse-agent.mjs');
  const services: Services = {
    access,
    storage,
    accounts: new Accounts({ storage, audit, access }),
    sshHosts,
    agentInstaller: new AgentInstaller({ sshHosts, enrollment, hosts, hub, audit, agentBundle, consoleOrigin: () => services.publicOrigin }),
    hub,
    hosts,
    audit,
    live,
    metrics,
    telemetry,
    sites,
    terminals,
    events,
    baselines,
    alarms,
    pager,
    maintenance,
    hostLabels,
    terminalUsers: config.terminalUsers,
    dataDir: config.dataDir,
    relay,
    approvals,
    enrollment,
    tokens: new ApiTokens(storage),
    loginLimiter: new LoginRateLimiter(),
    twoFactor: new TwoFactor({ storage, vault, heldRoles: async (user) => (await access.grants.of(user.id)).map((grant) => grant.role) }),
    loginHours: config.loginHours,
    publicOrigin: publicOrigin(config),
    allowedOrigins: config.allowedOrigins.map((o) => new URL(o).origin),
    hostNames: new HostNames([publicOrigin(config), ...config.allowedOrigins]),
    webDir: config.webDir ? resolve(config.webDir) : join(packageRoot(), 'console', 'web', 'dist'),
    agentBundle,
    publicKeyPin: tls?.publicKeyPin,
  };

  const app = createApp(services);
  const listener = getRequestListener(app.fetch);
  const server: Server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, listener) : createHttpServer(listener);
  // Slow-loris guards: a client has this long to send its headers and body.
  server.headersTimeout = 20_000;
  server.requestTimeout = 0; // uploads may take long; idle sockets are still cut by keepAliveTimeout
  server.on('upgrade', upgradeHandler(services, tls !== undefined));

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `${tls ? 'https' : 'http'}://${host}:${port}`;
  if (!config.publicUrl && config.port === 0) services.publicOrigin = url;

  const sweeper = setInterval(() => {
    storage.deleteExpiredSessions(new Date().toISOString()).catch((err: unknown) => log.warn('session sweep failed', { message: (err as Error).message }));
  }, 15 * 60_000);
  sweeper.unref();

  log.info('console listening', { url, tls: config.tls, data: config.dataDir, fingerprint: fingerprint || undefined });
  return {
    url,
    fingerprint,
    services,
    generatedAdminPassword: admin.password,
    close: async () => {
      clearInterval(sweeper);
      approvals.stop();
      metrics.stop();
      telemetryIntake.stop();
      disconnectAlarmInputs();
      live.closeAll();
      await terminals.closeAll();
      hub.closeAll();
      await relay.flushAudits();
      await metrics.flush();
      await telemetryIntake.settled();
      await alarms.stop();
      await pager.stop();
      await stopTelemetryUpkeep();
      await telemetry.flush();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await auditSyslog?.stop();
      await storage.close();
    },
  };
}
