/**
 * The HTTP application: security headers on everything, Origin checks on every state-changing request,
 * the session gate on /api (but health, login and agent enrollment), and the web app for the rest.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { GatehouseError } from '../../modules/kernel/errors.js';
import type { AppEnv } from './http/env.js';
import { clientAddress, requireSession } from './http/auth.js';
import { originCheck } from './http/origin.js';
import { hostCheck } from './http/host-check.js';
import { errorResponse, problemResponse } from './http/problems.js';
import { securityHeaders } from './http/security-headers.js';
import { auditRoutes } from './routes/audit.js';
import { ackRoutes } from './routes/ack.js';
import { alarmReportRoutes } from './routes/alarm-report.js';
import { alarmRoutes, alarmRuleRoutes } from './routes/alarms.js';
import { maintenanceRoutes } from './routes/maintenance.js';
import { agentDownloadRoutes } from './routes/agent-download.js';
import { enrollmentTokenRoutes, enrollRoutes } from './routes/enrollment.js';
import { fileRoutes } from './routes/files.js';
import { hostRoutes } from './routes/hosts.js';
import { fleetMetricsRoutes, hostMetricsRoutes } from './routes/metrics.js';
import { siteRoutes } from './routes/sites.js';
import { moduleRoutes } from './routes/modules.js';
import { permissionRoutes } from './routes/permissions.js';
import { roleRoutes } from './routes/roles.js';
import { scopeRoutes } from './routes/scopes.js';
import { userRoutes } from './routes/users.js';
import { recordingRoutes } from './routes/recordings.js';
import { sessionRoutes } from './routes/session.js';
import { tokenRoutes } from './routes/tokens.js';
import { approvalRoutes } from './routes/approvals.js';
import { twoFactorRoutes } from './routes/two-factor.js';
import { sshHostActionRoutes, sshHostRoutes, sshScanRoutes } from './routes/ssh.js';
import { driftRoutes } from './routes/drift.js';
import { staticRoutes } from './routes/static.js';
import { streamRoutes } from './routes/streams.js';
import type { Services } from './services.js';
import { consoleVersion } from './agents/hub.js';
import { log } from './log.js';

/** JSON bodies: a 1 MiB text file written from the editor, escaped, fits with room to spare. */
const maxJsonBodyBytes = 8 * 1024 * 1024;

export function createApp(services: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.use('*', securityHeaders());
  app.use('*', hostCheck(services.hostNames));
  app.use('*', async (c, next) => {
    c.set('address', clientAddress(c.env.incoming));
    return next();
  });
  app.use('*', originCheck({ extra: services.allowedOrigins }));
  app.use('/api/*', async (c, next) => {
    // Uploads stream their body to the agent; every other body is JSON and bounded.
    if (c.req.path.endsWith('/files/upload')) return next();
    return bodyLimit({
      maxSize: maxJsonBodyBytes,
      onError: (c) => problemResponse(c, 'too-large', `request bodies are limited to ${maxJsonBodyBytes / 1024 / 1024} MiB`),
    })(c, next);
  });

  app.get('/api/health', (c) => c.json({ status: 'ok', version: consoleVersion }));
  app.route('/api/session', sessionRoutes(services));
  app.route('/agent/enroll', enrollRoutes(services));
  app.route('/agent', agentDownloadRoutes(services.agentBundle));
  app.all('/agent/*', (c) => problemResponse(c, 'not-found', `no route ${c.req.method} ${c.req.path}`));
  // Acknowledge links from notifications: the signed token is the credential, not a session.
  app.route('/ack', ackRoutes(services));

  app.use('/api/*', requireSession(services.storage, services.access, services.tokens));
  app.route('/api/hosts', hostRoutes(services));
  app.route('/api/hosts', hostMetricsRoutes(services));
  app.route('/api/fleet', fleetMetricsRoutes(services));
  app.route('/api/hosts', fileRoutes(services));
  app.route('/api/hosts', streamRoutes(services));
  app.route('/api/hosts', sshHostActionRoutes(services));
  app.route('/api/hosts', driftRoutes(services));
  app.route('/api/ssh', sshScanRoutes(services));
  app.route('/api/ssh-hosts', sshHostRoutes(services));
  app.route('/api/enrollment-tokens', enrollmentTokenRoutes(services));
  app.route('/api/tokens', tokenRoutes(services));
  app.route('/api/approvals', approvalRoutes(services));
  app.route('/api/two-factor', twoFactorRoutes(services));
  app.route('/api/audit', auditRoutes(services));
  app.route('/api/sites', siteRoutes(services));
  app.route('/api/alarms', alarmRoutes(services));
  app.route('/api/alarm-rules', alarmRuleRoutes(services));
  app.route('/api/alarm-report', alarmReportRoutes(services));
  app.route('/api/maintenance-windows', maintenanceRoutes(services));
  app.route('/api/recordings', recordingRoutes(services));
  app.route('/api/modules', moduleRoutes());
  app.route('/api/permissions', permissionRoutes(services.access.roles));
  app.route('/api/users', userRoutes(services));
  app.route('/api/roles', roleRoutes(services));
  app.route('/api/scopes', scopeRoutes(services));
  app.all('/api/*', (c) => problemResponse(c, 'not-found', `no API route ${c.req.method} ${c.req.path}`));
  app.route('/', staticRoutes(services.webDir));

  app.onError((err, c) => {
    if (err instanceof GatehouseError) return errorResponse(c, err);
    log.error('request failed', { method: c.req.method, path: c.req.path, message: err.message, stack: err.stack?.split('\n')[1]?.trim() });
    return problemResponse(c, 'internal-error', 'something went wrong on the console; it has been logged');
  });
  app.notFound((c) => problemResponse(c, 'not-found', `no route ${c.req.method} ${c.req.path}`));
  return app;
}
