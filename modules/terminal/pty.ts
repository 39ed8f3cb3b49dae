/**
 * Starting a planned login shell in a pseudo-terminal through node-pty.
 *
 * node-pty is a native module, loaded on first use rather than when the agent starts: the single-file agent
 * (agent/bundle.config.ts) cannot carry a `.node` file, and a failed static import would stop every module
 * from loading, not just this one. Such an agent answers `not-supported` for terminals and serves the rest.
 */
import type { IPty } from 'node-pty';
import { GatehouseError } from '../kernel/errors.js';
import type { LoginPlan } from './login.js';

export type { IPty } from 'node-pty';

type NodePty = typeof import('node-pty');

let loading: Promise<NodePty> | undefined;

function loadNodePty(): Promise<NodePty> {
  // A specifier in a variable: bundlers leave the import to run time instead of inlining the package.
  const specifier = 'node-pty';
  loading ??= (import(specifier) as Promise<NodePty>).catch((err: unknown) => {
    loading = undefined;
    const reason = err instanceof Error ? err.message : String(err);
    throw new GatehouseError('not-supported', `Terminals need node-pty, which this agent cannot load (${reason})`);
  });
  return loading;
}

/** Spawn the plan's program in a new PTY; output arrives as raw bytes (Buffers), never decoded here. */
export async function spawnInPty(plan: LoginPlan, size: { cols: number; rows: number }): Promise<IPty> {
  const pty = await loadNodePty();
  return pty.spawn(plan.file, [...plan.args], {
    name: plan.env.TERM ?? 'xterm-256color',
    cols: size.cols,
    rows: size.rows,
    cwd: plan.cwd,
    env: { ...plan.env },
    // null: Buffers, not strings, so a UTF-8 character split across two reads reaches the screen intact.
    encoding: null,
  });
}

/**
 * Keystroke bytes node-pty has accepted but the kernel has not yet taken (the shell is not reading its input).
 * node-pty queues them without bound and offers no drain event, so this reads its private write queue; if a
 * later node-pty changes that shape, the answer is 0 and input is simply not held back.
 */
export function pendingInputBytes(pty: IPty): number {
  const queue = (pty as unknown as { _writeStream?: { _writeQueue?: unknown } })._writeStream?._writeQueue;
  if (!Array.isArray(queue)) return 0;
  let bytes = 0;
  for (const task of queue as Array<{ buffer?: { byteLength?: unknown }; offset?: unknown }>) {
    if (typeof task.buffer?.byteLength === 'number' && typeof task.offset === 'number') bytes += task.buffer.byteLength - task.offset;
  }
  return bytes;
}
