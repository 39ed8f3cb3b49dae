/**
 * The console's configuration: one schema, one loader, documented defaults. Sources, strongest first:
 * command-line flags, environment variables (GATEHOUSE_*), the file DATA/console.json, the defaults below.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { hostTagSchema, roleIds } from '../../modules/kernel/console-api.js';
import { unixUserSchema } from '../../modules/terminal/contract.js';
import { notificationsSchema } from './alarms/paging-config.js';
import { auditSyslogSchema } from './audit-export/syslog-config.js';
import { loginHoursSchema } from './auth/login-hours.js';
import { approvalsConfigSchema, defaultApprovalsConfig } from './approvals/policy.js';

export const configSchema = z
  .object({
    /** Where the database, the TLS certificate and recordings live. */
    dataDir: z.string().min(1).default('./data'),
    /** Address to listen on. Plain HTTP is only allowed on loopback. */
    host: z.string().min(1).default('127.0.0.1'),
    // 0 asks the system for a free port (tests).
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /**
     * `off`: plain HTTP (loopback only). `self-signed`: a certificate generated on first start and kept in
     * DATA/tls/, whose fingerprint agents pin. `files`: tlsCert and tlsKey. Default: off on loopback,
     * self-signed elsewhere.
     */
    tls: z.enum(['off', 'self-signed', 'files']).optional(),
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    /** The URL people and agents use to reach this console, used in enrollment commands. Default: from host and port. */
    publicUrl: z.string().url().optional(),
    /** Extra origins allowed to make state-changing requests (e.g. behind a reverse proxy). */
    allowedOrigins: z.array(z.string().url()).default([]),
    /** Password for the `admin` account created on first start; generated and printed once when absent. */
    adminPassword: z.string().min(8).optional(),
    /** Where the built web app is; default: console/web/dist in the package. */
    webDir: z.string().optional(),
    /**
     * Record terminal keystrokes (asciicast `"i"` events) as well as the screen. Off by default: keystrokes
     * include passwords typed at prompts that do not echo, which the screen never shows.
     */
    recordInput: z.union([z.boolean(), z.stringbool()]).default(false),
    /**
     * The console's master key (32 random bytes, made on first start), which seals the SSH keys of hosts without an
     * agent. Default DATA/master.key; keep it on another volume than the database's backups where that matters.
     */
    masterKeyFile: z.string().min(1).optional(),
    /**
     * The Unix users each role may open terminals as (`*`: any), e.g. `{ "on-call": ["oncall"] }`; a role not
     * named keeps the default: administrators any user, every other role none. Opening a terminal needs the
     * role's `terminal.open` as well; a host's agent may refuse users of its own accord.
     */
    /**
     * When a terminal's recording cannot be written (a full or failed disk): `refuse` closes the session
     * (fail-closed), `continue` lets it go on unrecorded and raises an alarm. Hosts with one of `refuseTags`
     * always refuse; the others follow `otherHosts`.
     */
    recordingFailure: z
      .object({
        refuseTags: z.array(hostTagSchema).max(50).default(['field-gateway']),
        otherHosts: z.enum(['refuse', 'continue']).default('continue'),
      })
      .strict()
      .default({ refuseTags: ['field-gateway'], otherHosts: 'continue' }),
    /**
     * How long metrics history is kept, per resolution: raw 10 s samples, and the minute and hour rollups
     * (min/avg/max) that draw the longer chart ranges.
     */
    metricsRetention: z
      .object({
        rawDays: z.number().int().min(1).max(3650).default(7),
        minuteDays: z.number().int().min(1).max(3650).default(30),
        hourDays: z.number().int().min(1).max(3650).default(400),
      })
      .strict()
      .default({ rawDays: 7, minuteDays: 30, hourDays: 400 }),
    /**
     * Who is paged about alarms and how: channels (SMTP, webhooks, SMS gateway), people and teams, on-call
     * schedules, escalation policies and routing (docs/alarms.md). Absent: alarms are raised and listed, nobody
     * is paged.
     */
    notifications: notificationsSchema.optional(),
    /**
     * Ship every audit entry, as it is written, to a syslog receiver as one RFC 5424 message:
     * `{ "host", "port" (514; 6514 for tls), "transport": "udp" | "tcp" | "tls", "facility" ("local0"),
     * "appName" ("gatehouse"), "ca" (tls: a PEM file; default the system's CAs) }`. TLS always verifies the
     * receiver's certificate. Absent: the log stays on the console (docs/api.md, Audit).
     */
    auditSyslog: auditSyslogSchema.optional(),
    /**
     * Working hours, e.g. `{ "days": ["mon", "tue", "wed", "thu", "fri"], "from": "06:00", "to": "20:00",
     * "timeZone": "Europe/Amsterdam" }` (days default Monday–Friday, time zone UTC; `to` before `from` runs past
     * midnight). A login outside them still works, is audited with detail `off-hours` and raises the built-in
     * `login-off-hours` alarm. Absent: no hours, nothing is off-hours.
     */
    loginHours: loginHoursSchema.optional(),
    /**
     * Actions a second person must approve (docs/api.md, Approvals): `{ "timeLimitMinutes": 30, "rules": [{ "action":
     * "package.remove" | "user.delete" | "power.reboot" | "power.control" | "terminal.session" | …, "hostTags"?: [...],
     * "unixUsers"?: [...], "timeLimitMinutes"?: n }] }`. Default rules: package removal, Unix user deletion, reboot and
     * power-off of hosts tagged field-gateway, a root terminal on one. `rules` replaces the defaults. Modbus tags whose
     * write rule says `approval: true` always need approval.
     */
    approvals: approvalsConfigSchema.default(defaultApprovalsConfig),
    terminalUsers: z.partialRecord(z.enum(roleIds), z.array(z.union([z.literal('*'), unixUserSchema])).max(100)).default({}),
  })
  .strict();

export type ConsoleConfig = z.output<typeof configSchema> & { tls: 'off' | 'self-signed' | 'files' };

export class ConfigError extends Error {}

const envKeys: Record<string, keyof z.input<typeof configSchema>> = {
  GATEHOUSE_DATA: 'dataDir',
  GATEHOUSE_HOST: 'host',
  GATEHOUSE_PORT: 'port',
  GATEHOUSE_TLS: 'tls',
  GATEHOUSE_TLS_CERT: 'tlsCert',
  GATEHOUSE_TLS_KEY: 'tlsKey',
  GATEHOUSE_PUBLIC_URL: 'publicUrl',
  GATEHOUSE_ADMIN_PASSWORD: 'adminPassword',
  GATEHOUSE_WEB_DIR: 'webDir',
  GATEHOUSE_RECORD_INPUT: 'recordInput',
  GATEHOUSE_MASTER_KEY_FILE: 'masterKeyFile',
};

export function isLoopbackAddress(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Load the configuration; a bad value raises ConfigError naming the key and where it came from. */
export async function loadConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Promise<ConsoleConfig> {
  const fromEnv: Record<string, unknown> = {};
  for (const [variable, key] of Object.entries(envKeys)) {
    const value = env[variable];
    if (value !== undefined && value !== '') fromEnv[key] = value;
  }
  const definedFlags = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const dataDir = String(definedFlags.dataDir ?? fromEnv.dataDir ?? './data');
  const fromFile = await readConfigFile(join(dataDir, 'console.json'));

  const merged = { ...fromFile, ...fromEnv, ...definedFlags };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // An unknown key is reported where it sits: at the top level name the key itself; inside a block (notifications)
    // name the block, then the path within it, as in `routing.routes.0.team: names no team in "teams"`.
    const path = (issue?.path ?? []).map(String);
    const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.map(String) : [];
    const key = path[0] ?? unknown[0] ?? '';
    const within = path.length > 0 ? [...path.slice(1), ...unknown.slice(0, 1)] : [];
    const inner = within.length > 0 ? `${within.join('.')}: ` : '';
    const source = key in definedFlags ? 'command line' : key in fromEnv ? `environment (${envName(key)})` : 'DATA/console.json';
    throw new ConfigError(`configuration key "${key || '(top level)'}" from the ${source}: ${inner}${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const tls = config.tls ?? (isLoopbackAddress(config.host) ? 'off' : 'self-signed');
  if (tls === 'off' && !isLoopbackAddress(config.host)) {
    throw new ConfigError(`configuration key "tls": plain HTTP is only allowed on loopback; ${config.host} needs tls "self-signed" or "files"`);
  }
  if (tls === 'files' && (!config.tlsCert || !config.tlsKey)) {
    throw new ConfigError('configuration key "tlsCert"/"tlsKey": tls "files" needs both a certificate and a key file');
  }
  return { ...config, tls, dataDir: resolve(config.dataDir) };
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not an object');
    return json as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${path} is not a JSON object: ${(err as Error).message}`);
  }
}

function envName(key: string): string {
  return Object.entries(envKeys).find(([, k]) => k === key)?.[0] ?? key;
}

/** The origin people and agents use to reach the console. */
export function publicOrigin(config: ConsoleConfig): string {
  if (config.publicUrl) return new URL(config.publicUrl).origin;
  const scheme = config.tls === 'off' ? 'http' : 'https';
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${config.port}`;
}
