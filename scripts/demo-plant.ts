/**
 * The demo plant `npm start` runs so a new user sees a live works at once: the plant simulator as its own
 * process (as a real PLC is its own device), and a site "Demo water works" whose gateway is the local agent,
 * polling the simulator with the matching profile. Off with GATEHOUSE_DEMO=0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Services } from '../console/server/services.js';
import { ensureDemoAlarmRules } from './demo-alarms.js';

export const demoSite = { id: 'demo', name: 'Demo water works', description: 'A small simulated water-treatment works (scripts/plant-sim): intake pumps, clear-water tank, dosing.' };

/** The simulator's usual port; if another program has it, any free port (and the profile follows). */
const preferredPort = 5020;

export interface DemoPlant {
  tcpPort: number;
  httpPort: number;
  process: ChildProcess;
  stop(): void;
}

function launch(distRoot: string, tcpPort: number): Promise<DemoPlant> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(distRoot, 'scripts', 'plant-sim', 'main.js'), '--tcp-port', String(tcpPort), '--http-port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let settled = false;
    const stderr: string[] = [];
    createInterface({ input: child.stderr! }).on('line', (line) => {
      stderr.push(line);
      if (settled) process.stderr.write(`[plant-sim] ${line}\n`);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (settled) return;
      try {
        const ready = (JSON.parse(line) as { plantSim?: { tcpPort: number; httpPort: number } }).plantSim;
        if (!ready) return;
        settled = true;
        resolve({ tcpPort: ready.tcpPort, httpPort: ready.httpPort, process: child, stop: () => child.kill('SIGTERM') });
      } catch {
        // Not the ready line.
      }
    });
    child.once('exit', (code) => {
      if (!settled) {
        settled = true;
        reject(new Error(`the plant simulator exited (${code}): ${stderr.slice(-3).join(' ')}`));
      }
    });
  });
}

export async function startDemoPlant(distRoot: string): Promise<DemoPlant> {
  try {
    return await launch(distRoot, preferredPort);
  } catch {
    return launch(distRoot, 0);
  }
}

/**
 * The demo site with the local agent as its gateway, its profile pointing at the simulator's port. Kept as is
 * when nothing changed, so a restart does not rewrite it (or its audit trail) each time.
 */
export async function ensureDemoSite(services: Services, packageRoot: string, gatewayHostId: string, tcpPort: number): Promise<void> {
  const system = { username: 'system', address: null };
  if (!(await services.sites.store.findSite(demoSite.id))) await services.sites.createSite(system, demoSite);
  const template = await readFile(join(packageRoot, 'scripts', 'plant-sim', 'demo-profile.yaml'), 'utf8');
  const text = template.replace(/port: 5020\b/, `port: ${tcpPort}`);
  await ensureDemoAlarmRules(services, demoSite.id, text);
  const current = await services.sites.store.findGateway(gatewayHostId);
  if (current && current.profileText === text && current.siteId === demoSite.id) {
    await services.sites.pushProfile(gatewayHostId).catch(() => false);
    return;
  }
  await services.sites.setProfile(system, demoSite.id, gatewayHostId, text, 'yaml');
}
