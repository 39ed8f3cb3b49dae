/**
 * What the agent reports about its machine every few seconds: identity, uptime, CPU, memory, load.
 * Read from /proc and os.* only, so a report costs no child process.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { HostStatus } from '../modules/kernel/host-status.js';
import { agentVersion } from './version.js';

interface CpuTicks {
  busy: number;
  total: number;
}

export class HostStatusReader {
  #previous: CpuTicks | undefined;
  #osName: string | undefined;

  async read(): Promise<HostStatus> {
    const [ticks, memory, osName] = await Promise.all([readCpuTicks(), readMemory(), this.#readOsName()]);
    let cpuPercent = 0;
    if (ticks && this.#previous && ticks.total > this.#previous.total) {
      cpuPercent = ((ticks.busy - this.#previous.busy) / (ticks.total - this.#previous.total)) * 100;
    }
    if (ticks) this.#previous = ticks;
    const cpus = os.cpus();
    const load = os.loadavg();
    return {
      hostname: os.hostname().slice(0, 253),
      os: osName,
      kernel: `${os.type()} ${os.release()}`.slice(0, 200),
      arch: os.arch(),
      uptimeSeconds: Math.round(os.uptime()),
      cpuCount: cpus.length,
      cpuModel: (cpus[0]?.model ?? 'unknown').trim().slice(0, 200),
      cpuPercent: Math.min(100, Math.max(0, Math.round(cpuPercent * 10) / 10)),
      load: [load[0] ?? 0, load[1] ?? 0, load[2] ?? 0],
      memoryTotalBytes: memory.total,
      memoryUsedBytes: memory.used,
      agentVersion,
      reportedAt: new Date().toISOString(),
    };
  }

  async #readOsName(): Promise<string> {
    // The OS does not change while the agent runs; read os-release once.
    if (this.#osName === undefined) {
      try {
        const text = await readFile('/etc/os-release', 'utf8');
        const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text)?.[1];
        this.#osName = (pretty ?? os.type()).slice(0, 200);
      } catch {
        this.#osName = `${os.type()} ${os.release()}`.slice(0, 200);
      }
    }
    return this.#osName;
  }
}

async function readCpuTicks(): Promise<CpuTicks | undefined> {
  try {
    const line = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal; idle and iowait are the not-busy ones.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return undefined;
  }
}

async function readMemory(): Promise<{ total: number; used: number }> {
  try {
    const text = await readFile('/proc/meminfo', 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
    const total = kib('MemTotal');
    // MemAvailable is what the kernel thinks can be given to programs without swapping: the honest "free".
    return { total, used: Math.max(0, total - kib('MemAvailable')) };
  } catch {
    return { total: os.totalmem(), used: os.totalmem() - os.freemem() };
  }
}
