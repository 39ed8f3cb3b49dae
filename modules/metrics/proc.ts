/**
 * Parsers for the /proc files the sampler reads. Pure functions over text, so they are tested against recorded
 * fixtures; the sampler (sampler.ts) does the reading and the arithmetic between two readings.
 */

/** Jiffies one CPU (or all, `cpu`) spent busy and in total since boot. */
export interface CpuTicks {
  busy: number;
  total: number;
}

/** /proc/stat: the `cpu` line (all CPUs) and one `cpuN` line per core, in order. */
export function parseCpuStat(text: string): { total: CpuTicks; cores: CpuTicks[] } {
  let total: CpuTicks = { busy: 0, total: 0 };
  const cores: CpuTicks[] = [];
  for (const line of text.split('\n')) {
    const match = /^cpu(\d*)\s+(.*)$/.exec(line);
    if (!match) continue;
    const fields = (match[2] ?? '').trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already counted in user and nice).
    const all = fields.slice(0, 8).reduce((a, b) => a + (Number.isFinite(b) ? b : 0), 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const ticks = { busy: all - idle, total: all };
    if (match[1] === '') total = ticks;
    else cores[Number(match[1])] = ticks;
  }
  return { total, cores: Array.from(cores, (c) => c ?? { busy: 0, total: 0 }) };
}

/** Busy share 0–100 between two readings; 0 when no time passed (or the counters went back). */
export function busyPercent(previous: CpuTicks | undefined, current: CpuTicks): number {
  if (!previous || current.total <= previous.total) return 0;
  const share = ((current.busy - previous.busy) / (current.total - previous.total)) * 100;
  return Math.min(100, Math.max(0, Math.round(share * 10) / 10));
}

export interface Memory {
  total: number;
  used: number;
  available: number;
  swapTotal: number;
  swapUsed: number;
}

/** /proc/meminfo, in bytes. Kernels before 3.14 lack MemAvailable: free + buffers + cached stands in. */
export function parseMeminfo(text: string): Memory {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w+(?:\(\w+\))?):\s+(\d+)/.exec(line);
    if (match) values.set(match[1] ?? '', Number(match[2]) * 1024);
  }
  const kib = (key: string) => values.get(key) ?? 0;
  const total = kib('MemTotal');
  const available = values.get('MemAvailable') ?? kib('MemFree') + kib('Buffers') + kib('Cached');
  const swapTotal = kib('SwapTotal');
  return {
    total,
    available,
    used: Math.max(0, total - available),
    swapTotal,
    swapUsed: Math.max(0, swapTotal - kib('SwapFree')),
  };
}

/** /proc/loadavg: the 1, 5 and 15 minute load averages. */
export function parseLoadavg(text: string): [number, number, number] {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  const clean = (n: number | undefined) => (n !== undefined && Number.isFinite(n) && n >= 0 ? n : 0);
  return [clean(one), clean(five), clean(fifteen)];
}

/** /proc/uptime: seconds since boot. */
export function parseUptime(text: string): number {
  const seconds = Number(text.trim().split(/\s+/)[0]);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 0;
}

export interface Mount {
  device: string;
  mount: string;
  fs: string;
}

/**
 * File systems that hold data on a device, from /proc/self/mounts. Pseudo file systems (proc, cgroup, tmpfs…)
 * and bind mounts of the same device are left out, so each disk shows once, at its shortest mount point.
 */
const dataFileSystems = new Set(['ext2', 'ext3', 'ext4', 'xfs', 'btrfs', 'zfs', 'f2fs', 'jfs', 'reiserfs', 'vfat', 'exfat', 'ntfs', 'ntfs3', 'nfs', 'nfs4', 'cifs', 'fuseblk', 'overlay', 'squashfs']);

export function parseMounts(text: string): Mount[] {
  const byDevice = new Map<string, Mount>();
  for (const line of text.split('\n')) {
    const [device, mountPoint, fs] = line.split(' ');
    if (!device || !mountPoint || !fs || !dataFileSystems.has(fs)) continue;
    // /proc/mounts escapes space, tab, newline and backslash as octal.
    const mount = mountPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
    const key = fs === 'overlay' ? `overlay:${mount}` : device;
    const seen = byDevice.get(key);
    if (!seen || mount.length < seen.mount.length) byDevice.set(key, { device, mount, fs });
  }
  return [...byDevice.values()].sort((a, b) => a.mount.localeCompare(b.mount));
}

/** Bytes read and written since boot per block device name (`sda1`, `dm-0`), from /proc/diskstats. */
export function parseDiskstats(text: string): Map<string, { readBytes: number; writeBytes: number }> {
  const devices = new Map<string, { readBytes: number; writeBytes: number }>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    // Sectors in diskstats are always 512 bytes, whatever the device's own sector size.
    const readSectors = Number(fields[5]);
    const writeSectors = Number(fields[9]);
    if (!Number.isFinite(readSectors) || !Number.isFinite(writeSectors)) continue;
    devices.set(fields[2] ?? '', { readBytes: readSectors * 512, writeBytes: writeSectors * 512 });
  }
  return devices;
}

/** Bytes received and sent since boot per interface, from /proc/net/dev. */
export function parseNetDev(text: string): Map<string, { rxBytes: number; txBytes: number }> {
  const interfaces = new Map<string, { rxBytes: number; txBytes: number }>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.includes('|')) continue;
    const name = line.slice(0, colon).trim();
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    const rx = fields[0];
    const tx = fields[8];
    if (!name || rx === undefined || tx === undefined || !Number.isFinite(rx) || !Number.isFinite(tx)) continue;
    interfaces.set(name, { rxBytes: rx, txBytes: tx });
  }
  return interfaces;
}

/** A rate per second from two counter readings; 0 when the counter went back (a reset, a re-plugged device). */
export function ratePerSecond(previous: number | undefined, current: number, seconds: number): number {
  if (previous === undefined || seconds <= 0 || current < previous) return 0;
  return Math.round((current - previous) / seconds);
}
