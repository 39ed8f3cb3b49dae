/**
 * The agent's end of the service module. The dispatcher has already checked params (unit names against
 * systemd's rules), results and the read-only policy; what is left is asking systemd.
 */
import { GatehouseError } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { contract, type UnitAction } from './contract.js';
import { followJournal, readJournal } from './journal.js';
import {
  initScripts,
  isoFromShowTimestamp,
  listUnits,
  ownUnit,
  refusesOwnUnit,
  requireSystemd,
  run,
  showUnit,
  systemdRunning,
  unitAction,
  unitStateFrom,
} from './systemctl.js';

const unitTypeOf = (name: string) => name.slice(name.lastIndexOf('.') + 1);

async function act(action: UnitAction, unit: string, signal: AbortSignal) {
  requireSystemd();
  if (refusesOwnUnit(action, unit, await ownUnit())) {
    throw new GatehouseError(
      'forbidden',
      `Refusing to ${action} ${unit}: it is this Gatehouse agent, and the host would drop out of the console.`,
      { module: 'service', method: action, unit },
    );
  }
  await unitAction(action, unit, signal);
  return unitStateFrom(unit, await showUnit(unit, signal));
}

/** `systemctl show` answers even for a unit that does not exist; say so instead of showing empty states. */
async function existingUnit(unit: string, signal: AbortSignal): Promise<Record<string, string>> {
  const props = await showUnit(unit, signal);
  if (props.LoadState === 'not-found' && !props.FragmentPath) {
    throw new GatehouseError('not-found', `There is no unit ${unit} on this host.`, { module: 'service', unit });
  }
  return props;
}

const names = (value: string | undefined) => (value ? value.split(' ').filter(Boolean).slice(0, 512) : []);

export const handlers = defineHandlers(contract, {
  methods: {
    async list(params, context) {
      if (!systemdRunning()) return { units: [], manager: 'none' as const, initScripts: await initScripts() };
      const [units, agentUnit] = await Promise.all([listUnits(context.signal), ownUnit()]);
      const types = params.types ? new Set<string>(params.types) : undefined;
      return {
        units: types ? units.filter((u) => types.has(unitTypeOf(u.name))) : units,
        manager: 'systemd' as const,
        initScripts: [],
        ...(agentUnit ? { agentUnit } : {}),
      };
    },

    async details({ unit }, context) {
      requireSystemd();
      const props = await existingUnit(unit, context.signal);
      const memory = Number(props.MemoryCurrent);
      return {
        ...unitStateFrom(unit, props),
        description: (props.Description ?? '').slice(0, 1024),
        fragmentPath: (props.FragmentPath ?? '').slice(0, 4096),
        mainPid: Number(props.MainPID) || 0,
        activeSince: isoFromShowTimestamp(props.ActiveEnterTimestamp),
        // systemd prints 2^64-1 ("[not set]") when memory accounting is off.
        ...(Number.isFinite(memory) && memory >= 0 && memory < 2 ** 63 ? { memoryBytes: memory } : {}),
        requires: names(props.Requires),
        wantedBy: names(props.WantedBy),
      };
    },

    async unitFile({ unit }, context) {
      requireSystemd();
      const { stdout } = await run('systemctl', ['cat', '--no-pager', '--', unit], context.signal);
      return { unit, text: stdout.slice(0, 1024 * 1024) };
    },

    async journal(params, context) {
      requireSystemd();
      return { entries: await readJournal(params, context.signal) };
    },

    start: ({ unit }, context) => act('start', unit, context.signal),
    stop: ({ unit }, context) => act('stop', unit, context.signal),
    restart: ({ unit }, context) => act('restart', unit, context.signal),
    reload: ({ unit }, context) => act('reload', unit, context.signal),
    enable: ({ unit }, context) => act('enable', unit, context.signal),
    disable: ({ unit }, context) => act('disable', unit, context.signal),
    mask: ({ unit }, context) => act('mask', unit, context.signal),
    unmask: ({ unit }, context) => act('unmask', unit, context.signal),
  },
  streams: {
    async follow(params, stream) {
      requireSystemd();
      // Without a backlog journalctl --follow still prints the last 10 lines; 0 means only what comes next.
      return followJournal({ unit: params.unit, priority: params.priority, lines: params.backlog }, stream);
    },
  },
});
