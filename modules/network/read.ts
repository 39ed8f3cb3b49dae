/**
 * Reading the host's network state from /sys, /proc and Node's view of interface addresses (getifaddrs).
 * Read-only; nothing here runs a program.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';
import { hostname as kernelHostname, networkInterfaces } from 'node:os';
import type { InterfaceAddress, ListeningSocket, NetworkInterface, Route } from './contract.js';
import { parseIpv4Routes, parseIpv6Routes, parseResolvConf, parseSocketTable, type RawSocket } from './proc.js';

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

async function readNumber(path: string): Promise<number | null> {
  const text = await readText(path);
  if (text === null) return null;
  const value = Number.parseInt(text.trim(), 10);
  return Number.isFinite(value) ? value : null;
}

/** ARPHRD_* numbers from if_arp.h that an operator meets; others show as their number. */
const linkTypes: Record<number, string> = {
  1: 'ether',
  24: 'ieee1394',
  32: 'infiniband',
  256: 'can',
  512: 'ppp',
  768: 'ipip',
  769: 'tunnel6',
  772: 'loopback',
  776: 'sit',
  778: 'gre',
  801: 'wlan',
  65534: 'none',
};

function addressesByInterface(): Map<string, InterfaceAddress[]> {
  const byName = new Map<string, InterfaceAddress[]>();
  for (const [name, entries] of Object.entries(networkInterfaces())) {
    const list: InterfaceAddress[] = [];
    for (const entry of entries ?? []) {
      const prefix = Number(entry.cidr?.split('/')[1]);
      list.push({
        family: entry.family === 'IPv6' ? 'inet6' : 'inet',
        address: entry.address,
        prefix: Number.isFinite(prefix) ? prefix : entry.family === 'IPv6' ? 128 : 32,
      });
    }
    byName.set(name, list);
  }
  return byName;
}

/** Every interface under /sys/class/net, with addresses from getifaddrs(3). */
export async function readInterfaces(sysNet = '/sys/class/net'): Promise<NetworkInterface[]> {
  const names = (await readdir(sysNet).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
  const addresses = addressesByInterface();
  const interfaces = await Promise.all(
    names.map(async (name): Promise<NetworkInterface> => {
      const dir = `${sysNet}/${name}`;
      const [mac, state, mtu, speed, type, rx, tx, target] = await Promise.all([
        readText(`${dir}/address`),
        readText(`${dir}/operstate`),
        readNumber(`${dir}/mtu`),
        // Reading speed fails with EINVAL on a link that is down; -1 means unknown.
        readNumber(`${dir}/speed`),
        readNumber(`${dir}/type`),
        readNumber(`${dir}/statistics/rx_bytes`),
        readNumber(`${dir}/statistics/tx_bytes`),
        readlink(dir).catch(() => ''),
      ]);
      const macText = mac?.trim() ?? '';
      return {
        name: name.slice(0, 64),
        mac: macText === '' ? null : macText.slice(0, 64),
        state: (state?.trim() || 'unknown').slice(0, 32),
        mtu,
        speedMbps: speed !== null && speed > 0 && speed < 10_000_000 ? speed : null,
        kind: type === null ? 'unknown' : (linkTypes[type] ?? String(type)),
        virtual: target.includes('/virtual/'),
        addresses: addresses.get(name) ?? [],
        rxBytes: rx,
        txBytes: tx,
      };
    }),
  );
  // Interfaces in another namespace's /sys but known to getifaddrs are rare; show them anyway.
  for (const [name, list] of addresses) {
    if (!names.includes(name)) {
      interfaces.push({ name, mac: null, state: 'unknown', mtu: null, speedMbps: null, kind: 'unknown', virtual: false, addresses: list, rxBytes: null, txBytes: null });
    }
  }
  return interfaces;
}

export async function readRoutes(procNet = '/proc/net'): Promise<Route[]> {
  const [v4, v6] = await Promise.all([readText(`${procNet}/route`), readText(`${procNet}/ipv6_route`)]);
  const routes = [...(v4 ? parseIpv4Routes(v4) : []), ...(v6 ? parseIpv6Routes(v6) : [])];
  return routes.sort((a, b) => a.metric - b.metric);
}

const resolvedStub = /^127\.0\.0\.53$|^127\.0\.0\.54$/;

export async function readDns(resolvConf = '/etc/resolv.conf'): Promise<{
  nameservers: string[];
  search: string[];
  source: string;
  upstream: string[] | null;
}> {
  const text = await readText(resolvConf);
  const parsed = parseResolvConf(text ?? '');
  let upstream: string[] | null = null;
  // Behind systemd-resolved's stub, the servers that matter are the ones it forwards to.
  if (parsed.nameservers.some((ns) => resolvedStub.test(ns))) {
    const real = await readText('/run/systemd/resolve/resolv.conf');
    if (real !== null) upstream = parseResolvConf(real).nameservers;
  }
  return { ...parsed, source: text === null ? `${resolvConf} (missing)` : resolvConf, upstream };
}

/** Socket inode → owning process, from every /proc/<pid>/fd we can see. */
async function socketOwners(inodes: ReadonlySet<number>, proc = '/proc'): Promise<Map<number, { pid: number; process: string }>> {
  const owners = new Map<number, { pid: number; process: string }>();
  if (inodes.size === 0) return owners;
  const pids = (await readdir(proc).catch(() => [] as string[])).filter((e) => /^\d+$/.test(e));
  await Promise.all(
    pids.map(async (pid) => {
      const fds = await readdir(`${proc}/${pid}/fd`).catch(() => [] as string[]);
      let name: string | undefined;
      for (const fd of fds) {
        const target = await readlink(`${proc}/${pid}/fd/${fd}`).catch(() => '');
        const match = /^socket:\[(\d+)\]$/.exec(target);
        if (!match) continue;
        const inode = Number(match[1]);
        if (!inodes.has(inode)) continue;
        name ??= ((await readText(`${proc}/${pid}/comm`)) ?? '').trim().slice(0, 64);
        // A socket shared by a parent and its workers: the lowest PID is the one that opened it.
        const previous = owners.get(inode);
        if (!previous || previous.pid > Number(pid)) owners.set(inode, { pid: Number(pid), process: name });
      }
    }),
  );
  return owners;
}

/** Listening TCP and bound UDP sockets of this network namespace, with their processes where visible. */
export async function readListening(procNet = '/proc/net', proc = '/proc'): Promise<ListeningSocket[]> {
  const tables: RawSocket['protocol'][] = ['tcp', 'tcp6', 'udp', 'udp6'];
  const raw = (
    await Promise.all(
      tables.map(async (protocol) => {
        const text = await readText(`${procNet}/${protocol}`);
        return text ? parseSocketTable(text, protocol) : [];
      }),
    )
  ).flat();
  const owners = await socketOwners(new Set(raw.map((s) => s.inode).filter((i) => i > 0)), proc);
  return raw
    .map((s) => {
      const owner = owners.get(s.inode);
      return { protocol: s.protocol, address: s.address, port: s.port, uid: s.uid, pid: owner?.pid ?? null, process: owner?.process ?? null };
    })
    .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.address.localeCompare(b.address));
}

export async function readHostname(): Promise<{ hostname: string; staticHostname: string | null }> {
  const file = await readText('/etc/hostname');
  const firstLine = file?.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  return { hostname: kernelHostname().slice(0, 253), staticHostname: firstLine ? firstLine.trim().slice(0, 253) : null };
}

