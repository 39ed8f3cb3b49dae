import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallContext } from '../kernel/handler.js';
import { defaultAgentPolicy } from '../kernel/policy.js';
import { handlers } from './agent.js';
import { contract, type ProcessInfo, type ProcessTreeNode } from './contract.js';
import { parseStat } from './proc.js';
import { resetCpuBaseline } from './sampler.js';

const context = (): CallContext => ({ policy: defaultAgentPolicy, signal: new AbortController().signal, actor: 'test' });

// Every result goes through the contract's schema, so a handler that drifts from its contract fails here.
async function list(): Promise<{ processes: ProcessInfo[]; sampledAt: string }> {
  return contract.methods.list.result.parse(await handlers.methods.list({}, context()));
}
async function tree(): Promise<{ roots: ProcessTreeNode[]; sampledAt: string }> {
  return contract.methods.tree.result.parse(await handlers.methods.tree({}, context()));
}
async function signal(pid: number, name: 'TERM' | 'KILL' | 'HUP' | 'INT' | 'STOP' | 'CONT'): Promise<unknown> {
  const params = contract.methods.signal.params.parse({ pid, signal: name });
  return contract.methods.signal.result.parse(await handlers.methods.signal(params, context()));
}
async function renice(pid: number, nice: number): Promise<{ pid: number; nice: number }> {
  const params = contract.methods.renice.params.parse({ pid, nice });
  return contract.methods.renice.result.parse(await handlers.methods.renice(params, context()));
}

const children = new Set<ChildProcess>();
function start(command: string, args: string[]): ChildProcess & { pid: number } {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child as ChildProcess & { pid: number };
}
const startSleep = (): ChildProcess & { pid: number } => start('sleep', ['1000']);
const startBurner = (): ChildProcess & { pid: number } => start(process.execPath, ['-e', 'for(;;){}']);

afterEach(async () => {
  const running = [...children];
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(running.map((child) => (child.exitCode === null && child.signalCode === null ? once(child, 'exit') : null)));
});

async function find(pid: number): Promise<ProcessInfo | undefined> {
  return (await list()).processes.find((p) => p.pid === pid);
}

/** Poll the list until the process reaches a state; the kernel applies STOP/CONT asynchronously. */
async function waitForState(pid: number, wanted: string): Promise<string | undefined> {
  let state: string | undefined;
  for (let attempt = 0; attempt < 20; attempt++) {
    state = (await find(pid))?.state;
    if (state === wanted) break;
  }
  return state;
}

function findNode(roots: ProcessTreeNode[], pid: number): ProcessTreeNode | undefined {
  const stack = [...roots];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.pid === pid) return node;
    stack.push(...node.children);
  }
  return undefined;
}

const expectProblem = async (work: Promise<unknown>, code: string): Promise<void> => {
  await expect(work).rejects.toMatchObject({ name: 'GatehouseError', code });
};

/** A pid no process can have: above the kernel's pid_max, within the contract's bound. */
function absentPid(): number {
  const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  return Math.min(pidMax, 2 ** 22);
}

describe('list', () => {
  it('shows a sleeping child with its parent, owner, command, state, start time and memory', async () => {
    const child = startSleep();
    await delay(100); // let exec replace the forked node image with sleep's
    const found = await find(child.pid);
    expect(found).toBeDefined();
    expect(found).toMatchObject({
      pid: child.pid,
      ppid: process.pid,
      uid: process.getuid?.(),
      user: userInfo().username,
      name: 'sleep',
      command: 'sleep 1000',
      state: 'S',
      threads: 1,
    });
    expect(Math.abs(Date.parse(found!.startedAt) - Date.now())).toBeLessThan(5_000);
    expect(found!.residentBytes).toBeGreaterThan(0);
    expect(found!.virtualBytes).toBeGreaterThan(found!.residentBytes);
    expect(found!.cpuPercent).toBeLessThan(5);
  });

  it('shows kernel threads by name with an empty command line', async () => {
    const { processes } = await list();
    const kthreadd = processes.find((p) => p.name === 'kthreadd');
    // Containers cannot see kernel threads; there is nothing to check there.
    if (kthreadd) expect(kthreadd.command).toBe('');
    expect(processes.some((p) => p.pid === process.pid)).toBe(true);
  });

  it('reports a busy process near one full CPU', async () => {
    const burner = startBurner();
    await list();
    await delay(500);
    const found = await find(burner.pid);
    // A busy loop gets most of a core; 10 % (an idle process shows 0) leaves room for a CI machine whose two
    // cores also run the terminal flood tests.
    expect(found?.cpuPercent).toBeGreaterThan(10);
  });

  it('gives meaningful CPU use on the first call of a fresh agent', async () => {
    const burner = startBurner();
    await delay(300);
    resetCpuBaseline();
    const started = performance.now();
    const found = (await list()).processes.find((p) => p.pid === burner.pid);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(found?.cpuPercent).toBeGreaterThan(10);
  });

  it('lets overlapping calls share one sample', async () => {
    const [a, b] = await Promise.all([list(), list()]);
    expect(a.sampledAt).toBe(b.sampledAt);
  });

  it('answers cancelled when the caller has gone away', async () => {
    const controller = new AbortController();
    controller.abort();
    const call = handlers.methods.list({}, { ...context(), signal: controller.signal });
    await expectProblem(call, 'cancelled');
  });

  it('survives processes exiting while it reads', async () => {
    const spawning = (async () => {
      for (let i = 0; i < 50; i++) {
        start('sleep', ['0.01']);
        await delay(2);
      }
    })();
    const lists = [list(), delay(40).then(list), delay(80).then(list)];
    await spawning;
    for (const result of await Promise.all(lists)) expect(result.processes.length).toBeGreaterThan(0);
  });
});

describe('tree', () => {
  it('places a child under this test process', async () => {
    const child = startSleep();
    const { roots } = await tree();
    const self = findNode(roots, process.pid);
    expect(self?.children.map((c) => c.pid)).toContain(child.pid);
    expect(roots.length).toBeGreaterThan(0);
  });

  it('holds every listed process exactly once', async () => {
    const { roots } = await tree();
    const seen: number[] = [];
    const stack = [...roots];
    for (let node = stack.pop(); node; node = stack.pop()) {
      seen.push(node.pid);
      stack.push(...node.children);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(process.pid);
  });
});

describe('signal', () => {
  it('terminates a process with TERM', async () => {
    const child = startSleep();
    const exited = once(child, 'exit');
    await expect(signal(child.pid, 'TERM')).resolves.toEqual({ pid: child.pid, signal: 'TERM' });
    const [code, signalName] = await exited;
    expect(code).toBeNull();
    expect(signalName).toBe('SIGTERM');
  });

  it('stops a process with STOP and resumes it with CONT', async () => {
    const child = startSleep();
    await signal(child.pid, 'STOP');
    expect(await waitForState(child.pid, 'T')).toBe('T');
    await signal(child.pid, 'CONT');
    expect(await waitForState(child.pid, 'S')).toBe('S');
  });

  it('answers no-such-process for a pid that does not exist', async () => {
    await expectProblem(signal(absentPid(), 'TERM'), 'no-such-process');
  });

  it('refuses to end init, the agent or its parent', async () => {
    await expectProblem(signal(1, 'TERM'), 'forbidden');
    await expectProblem(signal(1, 'KILL'), 'forbidden');
    await expectProblem(signal(process.pid, 'STOP'), 'forbidden');
    await expectProblem(signal(process.ppid, 'INT'), 'forbidden');
    await expect(signal(1, 'HUP')).rejects.toThrow(/init/);
  });

  it('refuses a thread of the agent, which kill(2) would treat as the agent', async () => {
    const threads = readdirSync('/proc/self/task').map(Number).filter((tid) => tid !== process.pid);
    expect(threads.length).toBeGreaterThan(0);
    await expectProblem(signal(threads[0]!, 'KILL'), 'forbidden');
  });

  it('allows CONT to the agent, which can only help', async () => {
    await expect(signal(process.pid, 'CONT')).resolves.toEqual({ pid: process.pid, signal: 'CONT' });
  });
});

describe('renice', () => {
  it('sets the nice value of every thread and reads it back', async () => {
    const child = start(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await delay(300); // node starts its worker threads during start-up
    await expect(renice(child.pid, 10)).resolves.toEqual({ pid: child.pid, nice: 10 });
    expect((await find(child.pid))?.nice).toBe(10);
    const tids = readdirSync(`/proc/${child.pid}/task`);
    expect(tids.length).toBeGreaterThan(1);
    for (const tid of tids) {
      const stat = parseStat(readFileSync(`/proc/${child.pid}/task/${tid}/stat`, 'utf8'));
      expect(stat?.nice).toBe(10);
    }
  });

  it('answers no-such-process for a pid that does not exist', async () => {
    await expectProblem(renice(absentPid(), 5), 'no-such-process');
  });
});
