/**
 * The host's inventory through systeminformation. Some of its calls run helper programs (lsblk, dmidecode)
 * with fixed arguments, which is why this is read only when someone asks, never on the sampling path.
 */
import { readFile } from 'node:fs/promises';
import type { Inventory } from './contract.js';

const cut = (value: unknown, max: number): string => (typeof value === 'string' ? value : value == null ? '' : String(value)).slice(0, max);
const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

export async function readInventory(): Promise<Inventory> {
  // Loaded on the first inventory, not at start: systeminformation is ~10 MiB resident, and most agents are
  // never asked.
  const { default: si } = await import('systeminformation');
  const [os, cpu, mem, disks, nics, system] = await Promise.all([
    si.osInfo(),
    si.cpu(),
    si.mem(),
    si.diskLayout().catch(() => []),
    si.networkInterfaces().catch(() => []),
    si.system(),
  ]);
  const nicList = Array.isArray(nics) ? nics : [nics];
  // systemd writes the container manager's name here (nspawn, docker, lxc); systeminformation looks only for VMs.
  const container = (await readFile('/run/systemd/container', 'utf8').catch(() => '')).trim();
  return {
    os: { distro: cut(os.distro, 200), release: cut(os.release, 100), codename: cut(os.codename, 100), kernel: cut(os.kernel, 200), arch: cut(os.arch, 32), hostname: cut(os.hostname, 253) },
    cpu: {
      manufacturer: cut(cpu.manufacturer, 100),
      brand: cut(cpu.brand, 200),
      cores: count(cpu.cores),
      physicalCores: count(cpu.physicalCores),
      speedGHz: typeof cpu.speed === 'number' && cpu.speed > 0 ? cpu.speed : 0,
    },
    memory: { total: count(mem.total), swapTotal: count(mem.swaptotal) },
    disks: disks.slice(0, 128).map((d) => ({ device: cut(d.device, 200), type: cut(d.type, 50), name: cut(d.name, 200), vendor: cut(d.vendor, 100), size: count(d.size) })),
    nics: nicList.slice(0, 128).map((n) => ({
      name: cut(n.iface, 64),
      mac: cut(n.mac, 64),
      ipv4: cut(n.ip4, 64),
      ipv6: cut(n.ip6, 128),
      speedMbps: typeof n.speed === 'number' && n.speed > 0 ? n.speed : null,
      virtual: Boolean(n.virtual) || n.type === 'virtual' || Boolean(n.internal),
    })),
    virtualization: { virtual: Boolean(system.virtual) || container !== '', host: cut(container ? `container: ${container}` : system.virtualHost, 100) },
    system: { manufacturer: cut(system.manufacturer, 100), model: cut(system.model, 100) },
  };
}
