/**
 * Reads one metrics sample from /proc, /sys and statfs(2): no child process, so sampling every second costs
 * little. Rates (CPU busy share, disk and network bytes per second) are over the interval since this sampler's
 * previous reading; each consumer keeps its own sampler so a 1 s live view does not skew the 10 s history.
 */
import { readdir, readFile, realpath, statfs } from 'node:fs/promises';
import { basename } from 'node:path';
import type { MetricsSample } from '../kernel/metrics-sample.js';
import {
  busyPercent,
  parseCpuStat,
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseUptime,
  ratePerSecond,
  type CpuTicks,
} from './proc.js';

interface Counters {
  atMs: number;
  cpu: CpuTicks;
  cores: CpuTicks[];
  disks: Map<string, { readBytes: number; writeBytes: number }>;
  network: Map<string, { rxBytes: number; txBytes: number }>;
}

/** Most mounts, interfaces and sensors reported: the sample schema's bounds. */
const maxEntries = 128;

export class MetricsSampler {
  #previous: Counters | undefined;
  /** Mount device → block device name in diskstats; a device path does not change while mounted. */
  readonly #deviceNames = new Map<string, string>();

  constructor(private readonly root = '') {}

  /** Milliseconds since the previous reading (Infinity before the first): how meaningful the next rates are. */
  get sinceLastMs(): number {
    return this.#previous ? Date.now() - this.#previous.atMs : Number.POSITIVE_INFINITY;
  }

  async sample(): Promise<MetricsSample> {
    const read = (path: string) => readFile(`${this.root}${path}`, 'utf8');
    const [stat, meminfo, loadavg, uptime, mountsText, diskstats, netDev] = await Promise.all([
      read('/proc/stat'),
      read('/proc/meminfo'),
      read('/proc/loadavg'),
      read('/proc/uptime'),
      read('/proc/self/mounts'),
      read('/proc/diskstats').catch(() => ''),
      read('/proc/net/dev').catch(() => ''),
    ]);
    const atMs = Date.now();
    const cpu = parseCpuStat(stat);
    const current: Counters = { atMs, cpu: cpu.total, cores: cpu.cores, disks: parseDiskstats(diskstats), network: parseNetDev(netDev) };
    const previous = this.#previous;
    this.#previous = current;
    const seconds = previous ? (atMs - previous.atMs) / 1000 : 0;

    const mounts = parseMounts(mountsText).slice(0, maxEntries);
    const disks = await Promise.all(
      mounts.map(async (mount) => {
        const usage = await statfs(mount.mount).catch(() => undefined);
        const device = await this.#deviceName(mount.device);
        const now = current.disks.get(device);
        const before = previous?.disks.get(device);
        const total = usage ? usage.blocks * usage.bsize : 0;
        // used = total − free (root's reserve counts as used, as df's "Use%" does with bavail).
        const used = usage ? Math.max(0, total - usage.bfree * usage.bsize) : 0;
        return {
          mount: mount.mount,
          fs: mount.fs,
          total,
          used,
          readBytesPerSec: now ? ratePerSecond(before?.readBytes, now.readBytes, seconds) : 0,
          writeBytesPerSec: now ? ratePerSecond(before?.writeBytes, now.writeBytes, seconds) : 0,
        };
      }),
    );
    const network = [...current.network.entries()]
      .filter(([name]) => name !== 'lo')
      .slice(0, maxEntries)
      .map(([name, now]) => {
        const before = previous?.network.get(name);
        return {
          interface: name,
          rxBytesPerSec: ratePerSecond(before?.rxBytes, now.rxBytes, seconds),
          txBytesPerSec: ratePerSecond(before?.txBytes, now.txBytes, seconds),
        };
      });

    return {
      at: new Date(atMs).toISOString(),
      cpu: {
        total: busyPercent(previous?.cpu, current.cpu),
        perCore: current.cores.slice(0, 4096).map((core, i) => busyPercent(previous?.cores[i], core)),
      },
      load: parseLoadavg(loadavg),
      memory: parseMeminfo(meminfo),
      disks: disks.filter((d) => d.total > 0),
      network,
      temperatures: await this.#temperatures(),
      uptimeSeconds: Math.round(parseUptime(uptime)),
    };
  }

  /** `/dev/mapper/root` → `dm-0`, `/dev/sda1` → `sda1`; other sources (overlay, nfs) have no diskstats line. */
  async #deviceName(device: string): Promise<string> {
    if (!device.startsWith('/dev/')) return '';
    let name = this.#deviceNames.get(device);
    if (name === undefined) {
      name = basename(await realpath(`${this.root}${device}`).catch(() => device));
      this.#deviceNames.set(device, name);
    }
    return name;
  }

  /** Thermal zones the kernel exposes (millidegrees Celsius); none in most VMs and containers. */
  async #temperatures(): Promise<MetricsSample['temperatures']> {
    const base = `${this.root}/sys/class/thermal`;
    const zones = (await readdir(base).catch(() => [] as string[])).filter((z) => /^thermal_zone\d+$/.test(z)).slice(0, maxEntries);
    const readings = await Promise.all(
      zones.map(async (zone) => {
        const [type, temp] = await Promise.all([
          readFile(`${base}/${zone}/type`, 'utf8').catch(() => zone),
          readFile(`${base}/${zone}/temp`, 'utf8').catch(() => ''),
        ]);
        const celsius = Number(temp.trim()) / 1000;
        if (temp.trim() === '' || !Number.isFinite(celsius) || celsius < -273 || celsius > 1000) return undefined;
        return { sensor: `${type.trim().slice(0, 100)} (${zone})`.slice(0, 128), celsius: Math.round(celsius * 10) / 10 };
      }),
    );
    return readings.filter((r) => r !== undefined);
  }
}
