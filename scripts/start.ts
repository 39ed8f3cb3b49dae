/**
 * `npm start`: the whole of Gatehouse on one machine with its embedded defaults: the console on
 * 127.0.0.1:8080 with its data in ./data, and a local agent enrolled with it and running beside it.
 * Honours GATEHOUSE_PORT and GATEHOUSE_DATA. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { loadConfig } from '../console/server/config.js';
import { startConsole, type RunningConsole } from '../console/server/server.js';
import { ensureDemoSite, startDemoPlant, type DemoPlant } from './demo-plant.js';

const distRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The repository: the demo profile is read from its source tree, which npm start always has. */
const packageRoot = resolve(distRoot, '..');
const agentCli = join(distRoot, 'agent', 'cli.js');

function prefixed(child: ChildProcess, label: string): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => process.stderr.write(`${label} ${line}\n`));
  }
}

function runToEnd(args: string[]): Promise<number> {
  return new Promise((resolveExit, reject) => {
    const child = spawn(process.execPath, [agentCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    prefixed(child, '[agent]');
    child.once('error', reject);
    child.once('exit', (code) => resolveExit(code ?? 1));
  });
}

/** Enroll the local agent unless it already belongs to this console's database. */
async function ensureLocalAgent(running: RunningConsole, agentData: string): Promise<void> {
  try {
    const identity = JSON.parse(await readFile(join(agentData, 'identity.json'), 'utf8')) as { hostId: string; console: string };
    const known = await running.services.storage.findHost(identity.hostId);
    if (known && known.state !== 'revoked' && identity.console === new URL(running.url).origin) return;
  } catch {
    // Not enrolled yet.
  }
  await rm(agentData, { recursive: true, force: true });
  const { token } = await running.services.enrollment.issue('system', { autoApprove: true, ttlMinutes: 5, note: 'local agent (npm start)' });
  const code = await runToEnd(['enroll', '--console', running.url, '--token', token, '--data', agentData]);
  if (code !== 0) throw new Error(`enrolling the local agent failed (exit ${code})`);
}

async function main(): Promise<void> {
  const config = await loadConfig({});
  const started = Date.now();
  const running = await startConsole(config);
  const agentData = join(config.dataDir, 'local-agent');
  await ensureLocalAgent(running, agentData);

  const agent = spawn(process.execPath, [agentCli, 'run', '--data', agentData], { stdio: ['ignore', 'pipe', 'pipe'] });
  prefixed(agent, '[agent]');

  let plant: DemoPlant | undefined;
  if (process.env.GATEHOUSE_DEMO !== '0') {
    try {
      plant = await startDemoPlant(distRoot);
      const identity = JSON.parse(await readFile(join(agentData, 'identity.json'), 'utf8')) as { hostId: string };
      await ensureDemoSite(running.services, packageRoot, identity.hostId, plant.tcpPort);
    } catch (err) {
      process.stderr.write(`the demo plant did not start: ${(err as Error).message}\n`);
    }
  }

  const lines = [
    '',
    `  Gatehouse is running at ${running.url}  (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    running.generatedAdminPassword
      ? `  Log in as "admin" with password: ${running.generatedAdminPassword}\n  (generated now and shown once; set GATEHOUSE_ADMIN_PASSWORD before the first start to choose it)`
      : '  Log in as "admin".',
    ...(plant ? [`  Demo plant "Demo water works": ${running.url}/sites/demo  (simulator on Modbus TCP port ${plant.tcpPort}; GATEHOUSE_DEMO=0 leaves it out)`] : []),
    `  Data: ${config.dataDir}      Stop: Ctrl-C`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping Gatehouse…\n');
    agent.kill('SIGTERM');
    plant?.stop();
    await Promise.race([new Promise((r) => agent.once('exit', r)), new Promise((r) => setTimeout(r, 5_000))]);
    await running.close();
    process.exit(code);
  };
  agent.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`the local agent stopped unexpectedly (${signal ?? code}); stopping\n`);
      void stop(1);
    }
  });
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
}

main().catch((err: unknown) => {
  process.stderr.write(`gatehouse: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
