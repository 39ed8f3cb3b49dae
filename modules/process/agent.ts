/**
 * The agent's end of the process module. The dispatcher has already checked params, results and the
 * read-only policy; what is left here is what only the host can know.
 */
import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { GatehouseError, problemFromSystemError } from '../kernel/errors.js';
import { defineHandlers } from '../kernel/handler.js';
import { contract, type signalNames } from './contract.js';
import { readTgid } from './proc.js';
import { sampleProcesses } from './sampler.js';
import { buildProcessTree } from './tree.js';

type SignalName = (typeof signalNames)[number];

/** Signals that end or freeze a process; CONT and the rest can only help, so they are never refused. */
const disruptiveSignals: ReadonlySet<SignalName> = new Set(['TERM', 'KILL', 'INT', 'HUP', 'STOP']);

/**
 * Why a process must not be stopped from the page, or undefined. Each of these would cut the operator off
 * from the host they are trying to fix, with no way back but a visit.
 */
function protectedReason(pid: number): string | undefined {
  if (pid === 1) return 'PID 1 is init; ending or stopping it takes the whole host down';
  if (pid === process.pid) return `PID ${pid} is this Gatehouse agent; the host would go offline`;
  if (pid === process.ppid) return `PID ${pid} is the Gatehouse agent's parent; the agent would go down with it`;
  return undefined;
}

/** os.setPriority wraps errno in ERR_SYSTEM_ERROR with the real code in `info`; unwrap it for the mapping. */
function systemProblem(err: unknown, context: Record<string, string | number>): GatehouseError {
  const wrapped = err as { code?: unknown; info?: { code?: unknown; message?: unknown } } | undefined;
  if (wrapped?.code === 'ERR_SYSTEM_ERROR' && typeof wrapped.info?.code === 'string') {
    const unwrapped = Object.assign(new Error(String(wrapped.info.message ?? wrapped.info.code)), {
      code: wrapped.info.code,
    });
    return problemFromSystemError(unwrapped, context);
  }
  return problemFromSystemError(err, context);
}

function isGone(err: unknown): boolean {
  const wrapped = err as { code?: unknown; info?: { code?: unknown } } | undefined;
  return wrapped?.code === 'ESRCH' || wrapped?.info?.code === 'ESRCH' || wrapped?.code === 'ENOENT';
}

/** Task ids of every thread of a process; empty when it is gone. */
function threadIds(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number);
  } catch (err) {
    if (isGone(err)) return [];
    throw err;
  }
}

async function sendSignal(params: { pid: number; signal: SignalName }): Promise<{ pid: number; signal: SignalName }> {
  const { pid, signal } = params;
  const context = { module: 'process', method: 'signal', pid, signal };
  if (disruptiveSignals.has(signal)) {
    // kill(2) accepts a thread id and signals its whole process, so a thread of the agent is the agent.
    const owner = readTgid(pid) ?? pid;
    const reason = protectedReason(pid) ?? protectedReason(owner);
    if (reason) throw new GatehouseError('forbidden', `Refusing to send ${signal}: ${reason}.`, context);
  }
  try {
    process.kill(pid, `SIG${signal}`);
  } catch (err) {
    throw systemProblem(err, context);
  }
  return { pid, signal };
}

async function renice(params: { pid: number; nice: number }): Promise<{ pid: number; nice: number }> {
  const { pid, nice } = params;
  const context = { module: 'process', method: 'renice', pid, nice };
  try {
    setPriority(pid, nice);
  } catch (err) {
    throw systemProblem(err, context);
  }
  // Linux keeps a nice value per thread and setpriority(2) changes only the one named, so a busy
  // multi-threaded server would keep its old priority everywhere but its main thread. Given a process
  // (not one of its threads), renice every thread; threads started later inherit from their creator.
  if (readTgid(pid) === pid) {
    for (const tid of threadIds(pid)) {
      if (tid === pid) continue;
      try {
        setPriority(tid, nice);
      } catch (err) {
        if (!isGone(err)) throw systemProblem(err, { ...context, tid });
      }
    }
  }
  try {
    return { pid, nice: getPriority(pid) };
  } catch (err) {
    throw systemProblem(err, context);
  }
}

export const handlers = defineHandlers(contract, {
  methods: {
    list: async (_params, context) => sampleProcesses(context.signal),
    tree: async (_params, context) => {
      const { processes, sampledAt } = await sampleProcesses(context.signal);
      return { roots: buildProcessTree(processes), sampledAt };
    },
    signal: async (params) => sendSignal(params),
    renice: async (params) => renice(params),
  },
});
