/**
 * A whole works for integration tests, every part real and its own process: the plant simulator (Modbus TCP, or
 * RTU on a socat pty pair), a console with its own data directory, an agent enrolled and running as the
 * gateway, and the site "Demo water works" (id demo) made through the API with the demo profile
 * (scripts/plant-sim/demo-profile.yaml, its port rewritten as scripts/demo-plant.ts does). Resolves once the
 * site's tags read good.
 *
 * With `via: 'cuttable'` the agent reaches the console through a loopback proxy (./tcp-cut.ts) that a test can
 * cut and restore, as a network cut between a gateway and its console.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { ApiClient } from './client.js';
import { repoRoot, runEnroll, startAgent, startTestConsole, waitFor, writePolicy, type TestConsole, type TestProcess } from './console.js';
import { waitUntilOnline } from './fleet.js';
import { startPlantSim, type TestPlantSim } from './plant-sim.js';
import { startSerialPair, type SerialPair } from './serial-pair.js';
import { startTcpCut, type TcpCut } from './tcp-cut.js';

export const demoSite = { id: 'demo', name: 'Demo water works', description: 'The plant simulator, for tests.' } as const;

/** The demo profile as YAML parses it; tests edit it through `editProfile`. */
export interface DemoProfileDocument {
  pollClasses: Record<string, number>;
  refreshSeconds: number;
  buses: Array<Record<string, unknown> & { id: string; kind: string }>;
  devices: Array<{ id: string; bus: string; unitId: number; tags: Array<Record<string, unknown> & { name: string }> }>;
  [key: string]: unknown;
}

export interface PlantStackOptions {
  /** Talk to the simulator over Modbus RTU on a socat pty pair instead of Modbus TCP. */
  rtu?: boolean;
  /** Seconds between polls of the `fast` poll class (the demo profile says 1). */
  pollFast?: number;
  /** 'cuttable': the agent reaches the console through a proxy that `cut()` and `restore()` control. */
  via?: 'direct' | 'cuttable';
  /** Change the profile before it is given to the site (e.g. a deadband of 0 on a tag). */
  editProfile?: (profile: DemoProfileDocument) => void;
  /** Faults active in the simulator from the start (its `--fault` form). */
  faults?: string[];
  /** The console's DATA/console.json (e.g. `notifications`), written before it starts. */
  consoleConfig?: Record<string, unknown>;
  /** The gateway's local policy (DATA/policy.json), written before the agent starts. */
  agentPolicy?: unknown;
}

export interface SiteTagRow {
  name: string;
  device: string;
  value: number | boolean | null;
  unit: string;
  quality: 'good' | 'stale' | 'comm-fault';
  ts: string;
  hostId: string;
  [other: string]: unknown;
}

export interface PlantStack {
  /** Logged in as the administrator. */
  api: ApiClient;
  /** The console's own URL (the agent may reach it through the proxy instead). */
  consoleUrl: string;
  /** The URL the agent was enrolled with and connects to. */
  agentConsoleUrl: string;
  consoleDataDir: string;
  consoleProcess: TestProcess;
  agentProcess: TestProcess;
  agentDataDir: string;
  hostId: string;
  sim: TestPlantSim;
  serial: SerialPair | null;
  /** The profile text the site was given (YAML). */
  profileText: string;
  /** GET /api/sites/demo/tags. */
  tags(): Promise<SiteTagRow[]>;
  /** Stop the console (SIGTERM, or SIGKILL with `{ kill: true }`) and start it again on the same data and port. */
  restartConsole(options?: { kill?: boolean }): Promise<void>;
  /** Only with `via: 'cuttable'`: drop the agent↔console link and refuse new connections. */
  cut(): Promise<void>;
  /** Only with `via: 'cuttable'`: let the agent connect again. */
  restore(): Promise<void>;
  /** Everything the processes wrote, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/** The demo profile pointed at this simulator, with the stack's options applied. */
export async function demoProfileText(target: { tcpPort: number } | { rtuPath: string }, options: Pick<PlantStackOptions, 'pollFast' | 'editProfile'> = {}): Promise<string> {
  const template = await readFile(join(repoRoot, 'scripts', 'plant-sim', 'demo-profile.yaml'), 'utf8');
  const profile = parse(template) as DemoProfileDocument;
  if ('tcpPort' in target) {
    const bus = profile.buses.find((b) => b.kind === 'tcp');
    if (!bus) throw new Error('the demo profile has no TCP bus');
    bus.port = target.tcpPort;
  } else {
    // Same devices, same unit ids, on a serial line: what a site with RS-485 PLCs looks like.
    profile.buses = [{ id: 'plant-rtu', kind: 'rtu', path: target.rtuPath, baudRate: 38_400, parity: 'none', timeoutMs: 1000 }];
    for (const device of profile.devices) device.bus = 'plant-rtu';
  }
  if (options.pollFast !== undefined) profile.pollClasses.fast = options.pollFast;
  options.editProfile?.(profile);
  return stringify(profile);
}

/** Start the works; see the file comment. */
export async function startPlantStack(options: PlantStackOptions = {}): Promise<PlantStack> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    let serial: SerialPair | null = null;
    if (options.rtu) {
      serial = await startSerialPair();
      cleanups.push(() => serial!.stop());
    }
    const sim = await startPlantSim({ ...(serial ? { rtu: serial.b, baud: 38_400 } : {}), ...(options.faults ? { faults: options.faults } : {}) });
    cleanups.push(() => sim.stop());

    const consoleDataDir = await mkdtemp(join(tmpdir(), 'gh-plant-console-'));
    cleanups.push(() => rm(consoleDataDir, { recursive: true, force: true }));
    if (options.consoleConfig) await writeFile(join(consoleDataDir, 'console.json'), JSON.stringify(options.consoleConfig, null, 2));
    let consoleHandle: TestConsole = await startTestConsole({ dataDir: consoleDataDir });
    cleanups.push(() => consoleHandle.stop());
    const consoleUrl = consoleHandle.url;
    const consolePort = Number(new URL(consoleUrl).port);

    let proxy: TcpCut | null = null;
    let agentConsoleUrl = consoleUrl;
    if (options.via === 'cuttable') {
      proxy = await startTcpCut({ port: consolePort });
      cleanups.push(() => proxy!.stop());
      const url = new URL(consoleUrl);
      url.port = String(proxy.port);
      agentConsoleUrl = url.origin;
    }

    const api = await ApiClient.forConsole(consoleUrl, consoleDataDir);
    await api.login();

    const agentDataDir = await mkdtemp(join(tmpdir(), 'gh-plant-agent-'));
    cleanups.push(() => rm(agentDataDir, { recursive: true, force: true }));
    const enrolled = await runEnroll(agentConsoleUrl, await api.enrollmentToken({ autoApprove: true }), agentDataDir, 'demo-gateway');
    if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.output}`);
    const { hostId } = JSON.parse(await readFile(join(agentDataDir, 'identity.json'), 'utf8')) as { hostId: string };
    if (options.agentPolicy !== undefined) await writePolicy(agentDataDir, options.agentPolicy);
    const agentProcess = startAgent(agentDataDir);
    cleanups.push(() => agentProcess.stop());
    await waitUntilOnline(api, hostId);

    const created = await api.post('/api/sites', demoSite);
    if (created.status !== 201) throw new Error(`creating the site: ${created.status} ${JSON.stringify(created.body)}`);
    const profileText = await demoProfileText(serial ? { rtuPath: serial.a } : { tcpPort: sim.tcpPort }, options);
    const put = await api.request('PUT', `/api/sites/${demoSite.id}/gateways`, { hostId, text: profileText, format: 'yaml' });
    if (put.status !== 200) throw new Error(`giving the gateway its profile: ${put.status} ${JSON.stringify(put.body)}`);

    const tags = async (): Promise<SiteTagRow[]> => {
      const res = await api.get<SiteTagRow[]>(`/api/sites/${demoSite.id}/tags`);
      if (res.status !== 200) throw new Error(`GET /api/sites/demo/tags: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };

    const stack: PlantStack = {
      api,
      consoleUrl,
      agentConsoleUrl,
      consoleDataDir,
      get consoleProcess() {
        return consoleHandle.process;
      },
      agentProcess,
      agentDataDir,
      hostId,
      sim,
      serial,
      profileText,
      tags,
      async restartConsole({ kill = false } = {}) {
        if (kill) {
          consoleHandle.process.child.kill('SIGKILL');
          await consoleHandle.process.exited;
        } else {
          await consoleHandle.stop(); // keeps the data: the directory was given, not made by startTestConsole
        }
        consoleHandle = await startTestConsole({ dataDir: consoleDataDir, port: consolePort });
        // The session is in the console's database, so the client's cookie still works.
      },
      async cut() {
        if (!proxy) throw new Error("cut() needs startPlantStack({ via: 'cuttable' })");
        await proxy.cut();
      },
      async restore() {
        if (!proxy) throw new Error("restore() needs startPlantStack({ via: 'cuttable' })");
        await proxy.restore();
      },
      output: () =>
        [`--- console\n${consoleHandle.process.output.join('\n')}`, `--- agent\n${agentProcess.output.join('\n')}`, `--- plant-sim\n${sim.output()}`, ...(serial ? [`--- socat\n${serial.log()}`] : [])].join('\n'),
      stop: cleanup,
    };

    // Good values of every tag the profile names: the whole path, simulator → agent → console, works. With
    // faults injected from the start some tags cannot be good; then every tag having a reading will do.
    const settled = options.faults?.length ? (t: SiteTagRow) => t.ts !== '' : (t: SiteTagRow) => t.quality === 'good';
    await waitFor(
      options.faults?.length ? 'every tag of the demo site to have a reading' : 'every tag of the demo site to read good',
      async () => {
        const rows = await tags();
        return rows.length > 0 && rows.every(settled) ? rows : undefined;
      },
      60_000,
    ).catch(async (err: Error) => {
      const rows = await tags().catch(() => []);
      const bad = rows.filter((t) => t.quality !== 'good').map((t) => `${t.name}=${t.quality}`);
      throw new Error(`${err.message}; not good: ${bad.join(', ')}\n${stack.output().slice(-6000)}`);
    });
    return stack;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
