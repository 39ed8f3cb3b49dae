import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';

export const unitTypes = ['service', 'socket', 'timer', 'target', 'path', 'mount', 'automount', 'swap', 'slice', 'scope', 'device'] as const;

/**
 * A systemd unit name, checked before any program sees it: systemd's own character set (backslash for its
 * `\x2d` escapes), a known type suffix, and no leading `-` so it can never be read as an option.
 */
export const unitName = z
  .string()
  .min(3)
  .max(256)
  .regex(new RegExp(`^[A-Za-z0-9:_.@\\\\-]+\\.(${unitTypes.join('|')})$`), 'must be a systemd unit name such as nginx.service')
  .refine((name) => !name.startsWith('-') && !name.startsWith('.'), 'must not start with - or .');

/** Journal priorities, most severe first; filtering by one keeps it and everything more severe (journalctl -p). */
export const priorityNames = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

/** Short, bounded strings as systemd reports them (agent data is untrusted: bounded, rendered as text). */
const state = z.string().max(64);

export const unitSchema = z.object({
  name: z.string().max(512),
  /** ActiveState: active, inactive, failed, activating, deactivating, reloading. */
  active: state,
  /** SubState: running, exited, dead, listening, waiting, … */
  sub: state,
  /** UnitFileState: enabled, disabled, static, masked, indirect, generated, alias, … or '' when there is no file. */
  enabled: state,
  description: z.string().max(1024),
  /** LoadState: loaded, not-found, masked, error, or 'unloaded' for a unit file systemd has not loaded. */
  load: state,
});
export type ServiceUnit = z.infer<typeof unitSchema>;

export const journalEntrySchema = z.object({
  /** ISO 8601, from the journal's realtime timestamp. */
  time: z.string().max(40),
  /** 0 emerg … 7 debug. */
  priority: z.number().int().min(0).max(7),
  unit: z.string().max(512),
  identifier: z.string().max(256),
  pid: z.number().int().nonnegative().optional(),
  message: z.string().max(16 * 1024),
});
export type JournalEntry = z.infer<typeof journalEntrySchema>;

const unitParams = z.object({ unit: unitName }).strict();

/** The unit's states after an action, so the page shows what systemd says rather than what was asked. */
const unitState = z.object({ unit: z.string().max(512), active: state, sub: state, enabled: state, load: state });

const journalFilter = {
  unit: unitName.optional(),
  priority: z.enum(priorityNames).optional(),
};

export const contract = defineModule({
  name: 'service',
  title: 'Services',
  permissions: {
    'service.read': {
      risk: 'read',
      summary: 'See the system services and other systemd units, their states, unit files and the journal.',
    },
    'service.control': {
      risk: 'change',
      summary: 'Start, stop, restart and reload services; enable, disable, mask and unmask them.',
    },
  },
  methods: {
    list: {
      summary: 'Every systemd unit with its active state, sub-state, enablement and description.',
      permission: 'service.read',
      params: z
        .object({ types: z.array(z.enum(unitTypes)).max(unitTypes.length).optional() })
        .strict()
        .default({}),
      result: z.object({
        units: z.array(unitSchema),
        /** `systemd` when the host runs it as PID 1; otherwise `none` and `initScripts` is what the host has. */
        manager: z.enum(['systemd', 'none']),
        initScripts: z.array(z.string().max(256)),
        /** The unit the agent itself runs in, if any: the page leaves out the actions the agent refuses on it. */
        agentUnit: z.string().max(256).optional(),
      }),
    },
    details: {
      summary: 'One unit: states, unit file path, main PID, since when, memory and the units it needs.',
      permission: 'service.read',
      params: unitParams,
      result: unitState.extend({
        description: z.string().max(1024),
        fragmentPath: z.string().max(4096),
        mainPid: z.number().int().nonnegative(),
        /** ISO 8601 or '' when it never entered the active state. */
        activeSince: z.string().max(40),
        memoryBytes: z.number().nonnegative().optional(),
        requires: z.array(z.string().max(512)).max(512),
        wantedBy: z.array(z.string().max(512)).max(512),
      }),
    },
    unitFile: {
      summary: 'The text of a unit file with its drop-ins, as systemctl cat shows it.',
      permission: 'service.read',
      params: unitParams,
      result: z.object({ unit: z.string().max(512), text: z.string().max(1024 * 1024) }),
    },
    journal: {
      summary: 'Journal lines, newest last: the last N, since a time, of one unit, at a priority or worse.',
      permission: 'service.read',
      params: z
        .object({
          ...journalFilter,
          lines: z.number().int().min(1).max(5000).default(200),
          /** ISO 8601; only entries at or after this time. */
          since: z.iso.datetime({ offset: true }).optional(),
        })
        .strict(),
      result: z.object({ entries: z.array(journalEntrySchema) }),
    },
    start: { summary: 'Start a unit.', permission: 'service.control', params: unitParams, result: unitState },
    stop: { summary: 'Stop a unit.', permission: 'service.control', params: unitParams, result: unitState },
    restart: { summary: 'Restart a unit.', permission: 'service.control', params: unitParams, result: unitState },
    reload: {
      summary: 'Ask a unit to reload its configuration.',
      permission: 'service.control',
      params: unitParams,
      result: unitState,
    },
    enable: { summary: 'Enable a unit at boot.', permission: 'service.control', params: unitParams, result: unitState },
    disable: { summary: 'Disable a unit at boot.', permission: 'service.control', params: unitParams, result: unitState },
    mask: {
      summary: 'Mask a unit so that nothing can start it, not even by hand or as a dependency.',
      permission: 'service.control',
      params: unitParams,
      result: unitState,
    },
    unmask: { summary: 'Unmask a unit.', permission: 'service.control', params: unitParams, result: unitState },
  },
  streams: {
    follow: {
      summary: 'Follow the journal live: one JSON entry per line (NDJSON) until cancelled.',
      permission: 'service.read',
      direction: 'download',
      params: z
        .object({
          ...journalFilter,
          /** Entries from before the follow began, to give context. */
          backlog: z.number().int().min(0).max(1000).default(0),
        })
        .strict(),
      result: z.object({ entries: z.number().int().nonnegative() }),
    },
  },
});

export type UnitAction = 'start' | 'stop' | 'restart' | 'reload' | 'enable' | 'disable' | 'mask' | 'unmask';
export const unitActions: readonly UnitAction[] = ['start', 'stop', 'restart', 'reload', 'enable', 'disable', 'mask', 'unmask'];
/** What the agent refuses on its own unit: each would cut the link that carries the answer (and any way back). */
export const actionsRefusedOnAgentUnit: ReadonlySet<UnitAction> = new Set(['stop', 'restart', 'disable', 'mask']);
