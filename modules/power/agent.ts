/**
 * The agent's end of the power module. Scheduling goes through shutdown(8), which under systemd asks logind
 * and leaves the plan in /run/systemd/shutdown/scheduled (read back, so the answer says what really is
 * planned). "Now" under systemd is a transient timer that runs `systemctl reboot` two seconds later: systemd
 * stops this agent among the first services, and queuing the job at once sometimes stopped it before its answer
 * left; the timer lets the answer reach the console first, and systemd-run still reports a refusal at once.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { uptime } from 'node:os';
import { GatehouseError } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { contract, type PowerAction, type Scheduled } from './contract.js';
import { parseWhen, shutdownTimeArgument } from './when.js';

const scheduledFile = '/run/systemd/shutdown/scheduled';

function run(program: string, args: readonly string[], signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(program, args, { encoding: 'utf8', timeout: 30_000, signal, env: { ...process.env, LC_ALL: 'C.UTF-8', SYSTEMD_PAGER: '' } }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const errno = (err as NodeJS.ErrnoException).code;
      if (errno === 'ENOENT') return reject(new GatehouseError('not-supported', `${program} is not installed on this host`));
      if (errno === 'ABORT_ERR') return reject(new GatehouseError('cancelled', `${program} was cancelled`));
      const text = (stderr || err.message).trim().split('\n').slice(0, 6).join(' ').slice(0, 600);
      if (/Access denied|Permission denied|not permitted|must be root|Interactive authentication/i.test(text)) {
        return reject(new GatehouseError('permission-denied', `${program}: ${text}`));
      }
      reject(new GatehouseError('internal-error', `${program} failed: ${text}`));
    });
  });
}

function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

/** /run/systemd/shutdown/scheduled: `USEC=` (µs since the epoch) and `MODE=` lines; null when none. */
export function parseScheduled(text: string): Scheduled | null {
  const fields = new Map(
    text
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string?])
      .filter((pair): pair is [string, string] => pair[1] !== undefined),
  );
  const usec = Number(fields.get('USEC'));
  if (!Number.isFinite(usec) || usec <= 0) return null;
  const at = new Date(Math.floor(usec / 1000));
  if (Number.isNaN(at.getTime())) return null;
  return { action: (fields.get('MODE') ?? 'unknown').replace(/[^a-z-]/g, '').slice(0, 32) || 'unknown', at: at.toISOString() };
}

async function readScheduled(): Promise<Scheduled | null> {
  try {
    return parseScheduled(await readFile(scheduledFile, 'utf8'));
  } catch {
    return null;
  }
}

async function act(action: PowerAction, whenText: string, signal: AbortSignal) {
  const when = parseWhen(whenText);
  // The dispatcher parsed params already; a time that passed between then and now is the only way here.
  if (typeof when === 'string') throw new GatehouseError('invalid-params', `when: ${when}`);
  const flag = action === 'reboot' ? '-r' : '-P';
  if (when.kind === 'now') {
    if (systemdRunning()) await run('systemd-run', ['--on-active=2', '--timer-property=AccuracySec=100ms', '--', 'systemctl', action], signal);
    else await run('shutdown', [flag, 'now'], signal);
    return { action, immediate: true, scheduled: null };
  }
  await run('shutdown', [flag, shutdownTimeArgument(when)], signal);
  const scheduled = await readScheduled();
  if (systemdRunning() && !scheduled) {
    throw new GatehouseError('internal-error', `shutdown accepted the ${action} but ${scheduledFile} shows nothing scheduled.`);
  }
  return { action, immediate: false, scheduled };
}

export const handlers = defineHandlers(contract, {
  methods: {
    status: async () => ({
      scheduled: await readScheduled(),
      init: systemdRunning() ? ('systemd' as const) : ('other' as const),
      bootedAt: new Date(Date.now() - uptime() * 1000).toISOString(),
    }),
    reboot: ({ when }, { signal }) => act('reboot', when, signal),
    poweroff: ({ when }, { signal }) => act('poweroff', when, signal),
    cancel: async (_params, { signal }) => {
      const before = await readScheduled();
      if (systemdRunning() && !before) throw new GatehouseError('not-found', 'No reboot or shutdown is scheduled on this host.');
      await run('shutdown', ['-c'], signal);
      return { cancelled: before };
    },
  },
});
