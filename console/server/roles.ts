/**
 * What each built-in role may do, by permission code and risk, so a new module method lands in the right roles
 * without anyone listing it. access/role-book.ts turns these into code sets beside the custom roles; grants put
 * roles on scopes (access/access.ts). The ids here are stable.
 */
import type { Risk } from '../../modules/kernel/contract.js';
import type { RoleId } from './storage/types.js';

export { roleIds } from '../../modules/kernel/console-api.js';

/** What each built-in role is for, as the roles page says it. */
export const builtInRoleSummaries: Readonly<Record<RoleId, string>> = {
  administrator: 'Everything, including users, terminals, power and the console itself.',
  'system-operator': 'Processes, services, packages, files, networks and host figures; no users, terminal or power.',
  'plant-operator': 'Sites, telemetry, alarms and setpoints within each tag\'s limits; nothing on the operating system.',
  'on-call': 'Reads everything and acknowledges alarms.',
  auditor: 'Reads everything, the audit log and terminal recordings.',
  viewer: 'Reads what operators see; changes nothing.',
};

/** May this role use a module method with this permission code and risk? Deny by default. */
export function roleAllows(role: RoleId, permission: string, risk: Risk): boolean {
  const module = permission.split('.')[0] ?? '';
  switch (role) {
    case 'administrator':
      return true;
    case 'system-operator':
      // Processes, services, packages and files, and reading a host's figures; no users, no terminal, no power.
      return ['process', 'file', 'service', 'package', 'metrics', 'network'].includes(module) && risk !== 'dangerous';
    case 'on-call':
    case 'auditor':
    case 'viewer':
      return risk === 'read';
    case 'plant-operator':
      // Equipment only: watch it and change setpoints within each tag's write rule; nothing on the OS.
      return module === 'modbus' && (risk === 'read' || permission === 'modbus.write');
    default:
      return false;
  }
}

/** Console-level actions that are not module methods. */
export type ConsoleAction =
  | 'host.manage'
  | 'enrollment.manage'
  | 'audit.read'
  | 'ssh.manage'
  | 'site.read'
  | 'site.manage'
  /** See alarms and their history, and the alarm system's report. */
  | 'alarm.read'
  /** Acknowledge, shelve and unshelve, reset latched alarms. */
  | 'alarm.acknowledge'
  /** Write alarm rules, take alarms out of service, schedule maintenance windows. */
  | 'alarm.manage'
  /** Create console accounts, change their roles, disable them. */
  | 'account.manage';

/** The console's own permission codes (not module methods), each with what it lets a person do, in plain words. */
export const consoleActionSummaries: Readonly<Record<ConsoleAction, string>> = {
  'host.manage': 'Approve, rename, tag, revoke and remove hosts',
  'enrollment.manage': 'Make one-time tokens that enroll new machines',
  'audit.read': 'Read the audit log and replay terminal recordings',
  'ssh.manage': 'Register hosts reached over SSH, trust changed host keys, install the agent over SSH',
  'site.read': 'See sites, their live readings, trends and exports',
  'site.manage': 'Create sites and give gateways their device profiles',
  'alarm.read': 'See alarms, their history and notifications, and the alarm report',
  'alarm.acknowledge': 'Acknowledge, shelve, unshelve and reset alarms',
  'alarm.manage': 'Write alarm rules, take alarms out of service, schedule maintenance windows',
  'account.manage': 'Create console accounts, give them roles, disable them and set their passwords',
};

/** Who watches plants: everyone but the OS-only system operator (deny by default). */
const siteReaders: readonly RoleId[] = ['plant-operator', 'on-call', 'auditor', 'viewer'];

/** Who acts on alarms: those who answer them (operators, on-call), not those who only read. */
const alarmResponders: readonly RoleId[] = ['plant-operator', 'system-operator', 'on-call'];

export function roleMay(role: RoleId, action: ConsoleAction): boolean {
  if (role === 'administrator') return true;
  if (action === 'site.read') return siteReaders.includes(role);
  // Everyone may see alarms: a viewer on a wall screen and an auditor reading the report alike.
  if (action === 'alarm.read') return true;
  if (action === 'alarm.acknowledge') return alarmResponders.includes(role);
  return action === 'audit.read' && role === 'auditor';
}

/** Which roles may open terminals as whom, unless the configuration says otherwise: administrators as anyone. */
const defaultTerminalUsers: Partial<Record<string, readonly string[]>> = { administrator: ['*'] };

/** The Unix users someone holding `roles` (on one host) may open terminals as, `*` standing for any; deny by default. */
export function terminalUsersOf(roles: readonly string[], configured: Partial<Record<string, readonly string[]>> = {}): readonly string[] {
  const users = new Set<string>();
  for (const role of roles) for (const user of configured[role] ?? defaultTerminalUsers[role] ?? []) users.add(user);
  return [...users].sort();
}

export function mayOpenTerminalAs(roles: readonly string[], unixUser: string, configured: Partial<Record<string, readonly string[]>> = {}): boolean {
  const allowed = terminalUsersOf(roles, configured);
  return allowed.includes('*') || allowed.includes(unixUser);
}
