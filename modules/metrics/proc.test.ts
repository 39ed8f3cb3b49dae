import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { metricsSampleSchema } from '../kernel/metrics-sample.js';
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
} from './proc.js';
import { MetricsSampler } from './sampler.js';

/** Files recorded from a Debian 12 VM's /proc (2 cores, no swap, one virtio disk). */
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}.txt`, import.meta.url), 'utf8');

describe('/proc parsers on recorded files', () => {
  it('reads total and per-core CPU ticks from /proc/stat', () => {
    const { total, cores } = parseCpuStat(fixture('stat'));
    expect(cores).toHaveLength(2);
    // cpu  257267 2974 113874 353723 1070 0 3444 571: idle + iowait are not busy.
    expect(total).toEqual({ busy: 257267 + 2974 + 113874 + 3444 + 571, total: 257267 + 2974 + 113874 + 353723 + 1070 + 3444 + 571 });
    expect(cores[0]!.total + cores[1]!.total).toBeCloseTo(total.total, -2);
  });

  it('turns two CPU readings into a busy share, and survives counters that went back', () => {
    expect(busyPercent({ busy: 100, total: 1000 }, { busy: 150, total: 1100 })).toBe(50);
    expect(busyPercent({ busy: 100, total: 1000 }, { busy: 100, total: 1000 })).toBe(0);
    expect(busyPercent(undefined, { busy: 150, total: 1100 })).toBe(0);
    expect(busyPercent({ busy: 500, total: 5000 }, { busy: 10, total: 100 })).toBe(0);
  });

  it('reads memory and swap from /proc/meminfo in bytes', () => {
    const memory = parseMeminfo(fixture('meminfo'));
    expect(memory.total).toBe(24684096 * 1024);
    expect(memory.available).toBe(23870668 * 1024);
    expect(memory.used).toBe((24684096 - 23870668) * 1024);
    expect(memory.swapTotal).toBe(0);
    expect(memory.swapUsed).toBe(0);
    // An old kernel without MemAvailable: free + buffers + cached.
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 10 kB\nBuffers: 5 kB\nCached: 20 kB\nSwapTotal: 50 kB\nSwapFree: 20 kB\n')).toEqual({
      total: 102400, available: 35 * 1024, used: 65 * 1024, swapTotal: 50 * 1024, swapUsed: 30 * 1024,
    });
  });

  it('reads load averages and uptime', () => {
    expect(parseLoadavg(fixture('loadavg'))).toEqual([0.76, 2.14, 3.32]);
    expect(parseUptime(fixture('uptime'))).toBeCloseTo(3697.32);
    expect(parseLoadavg('garbage')).toEqual([0, 0, 0]);
  });

  it('keeps data file systems from /proc/self/mounts, once per device, and decodes escaped names', () => {
    const mounts = parseMounts(fixture('self-mounts'));
    expect(mounts).toContainEqual({ device: '/dev/vda', mount: '/', fs: 'ext4' });
    expect(mounts.every((m) => !['proc', 'sysfs', 'tmpfs', 'cgroup', 'cgroup2', 'devpts'].includes(m.fs))).toBe(true);
    const odd = parseMounts('/dev/sdb1 /srv/my\\040data ext4 rw 0 0\n/dev/sdb1 /srv/my\\040data/bind ext4 rw 0 0\nproc /proc proc rw 0 0\n');
    expect(odd).toEqual([{ device: '/dev/sdb1', mount: '/srv/my data', fs: 'ext4' }]);
  });

  it('reads bytes read and written per block device from /proc/diskstats (512-byte sectors)', () => {
    const disks = parseDiskstats(fixture('diskstats'));
    expect(disks.get('vda')).toEqual({ readBytes: 5131026 * 512, writeBytes: 13074136 * 512 });
    expect(disks.get('loop0')).toEqual({ readBytes: 0, writeBytes: 0 });
  });

  it('reads bytes received and sent per interface from /proc/net/dev', () => {
    const interfaces = parseNetDev(fixture('net-dev'));
    expect([...interfaces.keys()]).toEqual(['lo', 'ifb0', 'ifb1', 'eth0']);
    expect(interfaces.get('eth0')).toEqual({ rxBytes: 861308626, txBytes: 3154427 });
  });

  it('computes rates per second, 0 on a counter reset', () => {
    expect(ratePerSecond(1000, 3000, 2)).toBe(1000);
    expect(ratePerSecond(undefined, 3000, 2)).toBe(0);
    expect(ratePerSecond(3000, 1000, 2)).toBe(0);
  });
});

describe('the sampler on this machine (read-only)', () => {
  it('gives a sample the wire schema accepts, with rates after a second reading', async () => {
    const sampler = new MetricsSampler();
    await sampler.sample();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sample = metricsSampleSchema.parse(await sampler.sample());
    expect(sample.memory.total).toBeGreaterThan(0);
    expect(sample.cpu.perCore.length).toBeGreaterThan(0);
    expect(sample.disks.some((d) => d.mount === '/')).toBe(true);
    expect(sample.uptimeSeconds).toBeGreaterThan(0);
  });
});
