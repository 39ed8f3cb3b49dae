/**
 * Benchmarks, each printed as a ratio against a peer measured in the same run (tests never assert timings).
 * Run after `npm run build`: `npm run bench`.
 *
 * - process list: the process module's /proc reader against `ps` producing the same columns;
 * - file download: bytes through agent → console → HTTP client against reading the same file directly;
 * - agent idle memory: the agent's resident memory against a bare Node.js process doing nothing;
 * - start to login page: `npm start`'s own program (already built) until the login page answers.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { handlers as processHandlers } from '../modules/process/agent.js';
import { dist, startStack } from './stack.js';
import { defaultAgentPolicy } from '../modules/kernel/policy.js';

const run = promisify(execFile);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function timed(times: number, work: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

function report(name: string, ours: number, peer: number, unit: string, peerName: string): void {
  process.stdout.write(`${name.padEnd(30)} gatehouse ${ours.toFixed(1)} ${unit} | ${peerName} ${peer.toFixed(1)} ${unit} | ratio ${(ours / peer).toFixed(2)}\n`);
}

/** Hold enough idle processes that the machine has at least `target` (the 1,000-process host). */
async function atLeastProcesses(target: number): Promise<{ count: number; release: () => void }> {
  const count = async () => (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).length;
  const extra: ChildProcess[] = [];
  for (let have = await count(); have < target; have++) extra.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
  return { count: await count(), release: () => extra.forEach((child) => child.kill()) };
}

async function benchProcessList(): Promise<void> {
  const held = await atLeastProcesses(1000);
  try {
    await measureProcessList(held.count);
  } finally {
    held.release();
  }
}

async function measureProcessList(processes: number): Promise<void> {
  const context = { policy: defaultAgentPolicy, signal: new AbortController().signal, actor: 'bench' };
  await processHandlers.methods.list({}, context);
  const ours = await timed(20, async () => {
    await new Promise((r) => setTimeout(r, 210)); // the reader refuses to sample closer than 200 ms apart
    const start = performance.now();
    await processHandlers.methods.list({}, context);
    return performance.now() - start;
  });
  const oursOnly = ours - 210;
  const peer = await timed(20, () => run('ps', ['-eo', 'pid,ppid,user,uid,comm,stat,pcpu,rss,vsz,ni,nlwp,lstart,args', '--no-headers'], { maxBuffer: 64 << 20 }));
  report(`process list (${processes} procs)`, oursOnly, peer, 'ms', 'ps');
}

async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function bareNodeRss(): Promise<number> {
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1_000));
  const rss = await rssKiB(bare.pid!);
  bare.kill();
  return rss;
}

async function benchDownloadAndMemory(): Promise<void> {
  const stack = await startStack();
  try {
    // Idle: connected, reporting status every 5 s, nothing asked of it.
    await new Promise((r) => setTimeout(r, 10_000));
    const bare = await bareNodeRss();
    report('agent idle memory', (await rssKiB(stack.agent.pid!)) / 1024, bare / 1024, 'MiB', 'bare node');

    const file = join(stack.data, 'big.bin');
    const size = 200 * 1024 * 1024;
    await writeFile(file, Buffer.alloc(size, 7));
    const through = await timed(3, async () => {
      const res = await fetch(`${stack.url}/api/hosts/${stack.hostId}/files/download?path=${encodeURIComponent(file)}`, { headers: { cookie: stack.cookie } });
      let bytes = 0;
      const reader = res.body!.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) bytes += r.value.byteLength;
      if (bytes !== size) throw new Error(`download returned ${bytes} bytes`);
    });
    const direct = await timed(3, async () => {
      for await (const _chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
        // just read
      }
    });
    report('download 200 MB', size / 1048576 / (through / 1000), size / 1048576 / (direct / 1000), 'MiB/s', 'direct read');
    await new Promise((r) => setTimeout(r, 5_000));
    report('agent memory after 600 MB', (await rssKiB(stack.agent.pid!)) / 1024, bare / 1024, 'MiB', 'bare node');
  } finally {
    await stack.stop();
  }
}

async function benchStartToLogin(): Promise<void> {
  const data = await mkdtemp(join(tmpdir(), 'gh-bench-start-'));
  const port = 18000 + Math.floor(Math.random() * 1000);
  const started = performance.now();
  const child = spawn(process.execPath, [join(dist, 'scripts/start.js')], {
    env: { ...process.env, GATEHOUSE_DATA: data, GATEHOUSE_PORT: String(port), GATEHOUSE_ADMIN_PASSWORD: 'bench-password-123' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const ours = performance.now() - started;
    const peerStart = performance.now();
    const peer = spawn(process.execPath, ['-e', `require('http').createServer((q,s)=>s.end('ok')).listen(${port + 1}, '127.0.0.1')`], { stdio: 'ignore' });
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port + 1}/`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const peerMs = performance.now() - peerStart;
    peer.kill();
    report('start to login page', ours, peerMs, 'ms', 'bare node http');
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    await rm(data, { recursive: true, force: true });
  }
}

await benchProcessList();
await benchDownloadAndMemory();
await benchStartToLogin();
