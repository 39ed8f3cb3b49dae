/**
 * The agent's footprint while a page watches its metrics live (one `metrics.snapshot` a second through the
 * console, as the Metrics tab does), beside peers measured over the same window on the same machine:
 *
 * - a bare Node.js process holding one WebSocket open (the floor of any Node.js agent);
 * - Prometheus node_exporter scraped every second, if /usr/bin/prometheus-node-exporter exists;
 * - Zabbix agent 2 answering five passive checks a second, if /usr/sbin/zabbix_agent2 exists.
 *
 * Each peer runs as its own process on a free loopback port and is stopped at the end; no system service is
 * started. Prints CPU share (of one core) and resident memory, and the ratios. Run after `npm run build`:
 * `npm run bench:metrics` (60 s) or `npm run bench:metrics -- --seconds 300` (the figure).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { startStack } from './stack.js';

const clockTicksPerSecond = 100;
const nodeExporter = '/usr/bin/prometheus-node-exporter';
const zabbixAgent = '/usr/sbin/zabbix_agent2';

function secondsFromArgs(): number {
  const index = process.argv.indexOf('--seconds');
  const value = index >= 0 ? Number(process.argv[index + 1]) : 60;
  if (!Number.isInteger(value) || value < 5 || value > 3600) throw new Error('--seconds takes a whole number from 5 to 3600');
  return value;
}

async function cpuTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at its closing parenthesis: utime is 14th, stime 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

async function rssKiB(pid: number): Promise<number> {
  return Number(/VmRSS:\s+(\d+)/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

/** Follows one process over the window: CPU share of one core and its peak resident memory. */
class Footprint {
  #startTicks = 0;
  #startMs = 0;
  #peakKiB = 0;
  constructor(readonly name: string, readonly pid: number) {}
  async begin(): Promise<void> {
    this.#startTicks = await cpuTicks(this.pid);
    this.#startMs = performance.now();
    this.#peakKiB = await rssKiB(this.pid);
  }
  async sample(): Promise<void> {
    this.#peakKiB = Math.max(this.#peakKiB, await rssKiB(this.pid));
  }
  async end(): Promise<{ cpuPercent: number; rssMiB: number }> {
    const ticks = (await cpuTicks(this.pid)) - this.#startTicks;
    const seconds = (performance.now() - this.#startMs) / 1000;
    await this.sample();
    return { cpuPercent: (ticks / clockTicksPerSecond / seconds) * 100, rssMiB: this.#peakKiB / 1024 };
  }
}

/** A free loopback port; `from` searches upward from a given one (Zabbix accepts only 1024–32767). */
async function freePort(from = 0): Promise<number> {
  for (let candidate = from; candidate <= (from === 0 ? 0 : 32767); candidate++) {
    const server = createServer();
    const port = await new Promise<number | undefined>((resolve) => {
      server.once('error', () => resolve(undefined));
      server.listen(candidate, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
    await new Promise((r) => (server.listening ? server.close(r) : r(null)));
    if (port !== undefined) return port;
  }
  throw new Error(`no free port from ${from}`);
}

async function waitForPort(port: number, child: ChildProcess, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} did not listen on ${port}`);
}

/** A bare Node.js process holding one WebSocket: the floor under any Node.js agent. */
async function startBareSocketHolder(): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const wsModule = new URL('../../node_modules/ws/wrapper.mjs', import.meta.url).href;
  const script = `import WebSocket from ${JSON.stringify(wsModule)}; const s = new WebSocket(${JSON.stringify(url)}); s.on('message', () => {});`;
  const connected = new Promise((r) => server.once('connection', r));
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  await connected;
  return {
    child,
    stop: async () => {
      child.kill();
      await new Promise((r) => child.once('exit', r));
      server.close();
    },
  };
}

/** One Zabbix passive check: "ZBXD\x01", a little-endian 64-bit length, the key; the answer comes the same way. */
function zabbixGet(port: number, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(key);
    const header = Buffer.alloc(13);
    header.write('ZBXD\x01', 0, 'latin1');
    header.writeBigUInt64LE(BigInt(body.length), 5);
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(Buffer.concat([header, body])));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).subarray(13).toString()));
    socket.on('error', reject);
  });
}

const zabbixKeys = ['system.cpu.util', 'vm.memory.size[available]', 'system.cpu.load[all,avg1]', 'vfs.fs.size[/,pused]', 'net.if.in[lo]'];

async function main(): Promise<void> {
  const seconds = secondsFromArgs();
  const scratch = await mkdtemp(join(tmpdir(), 'gh-bench-metrics-'));
  const stack = await startStack();
  const stops: (() => Promise<void>)[] = [() => stack.stop(), () => rm(scratch, { recursive: true, force: true })];
  try {
    const bare = await startBareSocketHolder();
    stops.unshift(bare.stop);
    const watched: { footprint: Footprint; poll: () => Promise<unknown> }[] = [];
    const call = () =>
      fetch(`${stack.url}/api/hosts/${stack.hostId}/call`, {
        method: 'POST',
        headers: { cookie: stack.cookie, origin: new URL(stack.url).origin, 'content-type': 'application/json' },
        body: JSON.stringify({ module: 'metrics', method: 'snapshot', params: {} }),
      }).then(async (res) => {
        if (res.status !== 200) throw new Error(`metrics.snapshot answered ${res.status}: ${await res.text()}`);
        return res.json();
      });
    await call();
    watched.push({ footprint: new Footprint('gatehouse agent', stack.agent.pid!), poll: call });
    watched.push({ footprint: new Footprint('bare node + 1 WebSocket', bare.child.pid!), poll: async () => undefined });

    if (existsSync(nodeExporter)) {
      const port = await freePort();
      const child = spawn(nodeExporter, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
      stops.unshift(async () => {
        child.kill();
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      });
      await waitForPort(port, child, 'node_exporter');
      watched.push({ footprint: new Footprint('node_exporter', child.pid!), poll: () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()) });
    } else {
      process.stdout.write(`node_exporter: ${nodeExporter} not installed (apt package prometheus-node-exporter); skipped\n`);
    }

    if (existsSync(zabbixAgent)) {
      const port = await freePort(31050);
      const config = join(scratch, 'zabbix_agent2.conf');
      await writeFile(
        config,
        [`Server=127.0.0.1`, `ListenIP=127.0.0.1`, `ListenPort=${port}`, `Hostname=gatehouse-bench`, `LogType=file`, `LogFile=${join(scratch, 'zabbix.log')}`,
          `PidFile=${join(scratch, 'zabbix.pid')}`, `ControlSocket=${join(scratch, 'zabbix.sock')}`, `ServerActive=`, ''].join('\n'),
      );
      const child = spawn(zabbixAgent, ['-c', config, '-f'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
      child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000)));
      stops.unshift(async () => {
        child.kill();
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      });
      await waitForPort(port, child, 'zabbix_agent2').catch(async (err: Error) => {
        throw new Error(`${err.message}: ${output.trim()} ${await readFile(join(scratch, 'zabbix.log'), 'utf8').catch(() => '')}`);
      });
      watched.push({ footprint: new Footprint('zabbix_agent2', child.pid!), poll: () => Promise.all(zabbixKeys.map((key) => zabbixGet(port, key))) });
    } else {
      process.stdout.write(`zabbix_agent2: ${zabbixAgent} not installed (apt package zabbix-agent2); skipped\n`);
    }

    // Warm up each peer once, then measure them all over the same window.
    await Promise.all(watched.map((w) => w.poll()));
    await Promise.all(watched.map((w) => w.footprint.begin()));
    process.stdout.write(`watching for ${seconds} s: one poll a second of each…\n`);
    const until = Date.now() + seconds * 1000;
    while (Date.now() < until) {
      const tick = Date.now();
      await Promise.all(watched.map(async (w) => {
        await w.poll();
        await w.footprint.sample();
      }));
      await new Promise((r) => setTimeout(r, Math.max(0, 1000 - (Date.now() - tick))));
    }
    const results = await Promise.all(watched.map(async (w) => ({ name: w.footprint.name, ...(await w.footprint.end()) })));
    const ours = results[0]!;
    process.stdout.write(`\nmetrics live at 1 s for ${seconds} s (CPU: share of one core; RSS: peak)\n`);
    for (const r of results) process.stdout.write(`  ${r.name.padEnd(26)} CPU ${r.cpuPercent.toFixed(2).padStart(6)} %   RSS ${r.rssMiB.toFixed(1).padStart(6)} MiB\n`);
    for (const peer of results.slice(1)) {
      process.stdout.write(
        `gatehouse / ${peer.name.padEnd(24)} CPU ratio ${(ours.cpuPercent / Math.max(peer.cpuPercent, 0.01)).toFixed(2)}   RSS ratio ${(ours.rssMiB / peer.rssMiB).toFixed(2)}\n`,
      );
    }
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

await main();
