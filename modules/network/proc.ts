/**
 * Parsers for the kernel's own tables (/proc/net/*, resolv.conf). Pure functions over text, so they are
 * tested with fixtures; the readers in read.ts feed them. No child process: iproute2 is often absent (a
 * minbase Debian has none), and the kernel's files say everything these pages need.
 */
import type { ListeningSocket, Route } from './contract.js';

/** An IPv4 address from /proc/net's hex form: little-endian on the machines we run on (x86, ARM). */
export function ipv4FromHex(hex: string): string {
  const value = Number.parseInt(hex, 16) >>> 0;
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff].join('.');
}

/** An IPv6 address from /proc/net's 32 hex digits, compressed as RFC 5952 has it. */
export function ipv6FromHex(hex: string, wordsLittleEndian: boolean): string {
  const groups: number[] = [];
  if (wordsLittleEndian) {
    // /proc/net/tcp6: four 32-bit words, each in host (little-endian) byte order.
    for (let word = 0; word < 4; word++) {
      const chunk = hex.slice(word * 8, word * 8 + 8);
      const bytes = [chunk.slice(6, 8), chunk.slice(4, 6), chunk.slice(2, 4), chunk.slice(0, 2)];
      groups.push(Number.parseInt(bytes[0]! + bytes[1]!, 16), Number.parseInt(bytes[2]! + bytes[3]!, 16));
    }
  } else {
    // /proc/net/ipv6_route: network byte order.
    for (let i = 0; i < 8; i++) groups.push(Number.parseInt(hex.slice(i * 4, i * 4 + 4), 16));
  }
  return compressIpv6(groups);
}

function compressIpv6(groups: number[]): string {
  // IPv4-mapped addresses read best in their dotted form.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${groups[6]! >>> 8}.${groups[6]! & 0xff}.${groups[7]! >>> 8}.${groups[7]! & 0xff}`;
  }
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const text = groups.map((g) => g.toString(16));
  if (bestStart < 0) return text.join(':');
  return `${text.slice(0, bestStart).join(':')}::${text.slice(bestStart + bestLength).join(':')}`;
}

function prefixFromIpv4Mask(hex: string): number {
  let value = Number.parseInt(hex, 16) >>> 0;
  let bits = 0;
  while (value) {
    bits += value & 1;
    value >>>= 1;
  }
  return bits;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** /proc/net/route: the IPv4 main table. */
export function parseIpv4Routes(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [iface, dest, gateway, flags, , , metric, mask] = f as [string, string, string, string, string, string, string, string];
    const flagBits = Number.parseInt(flags, 16);
    if (!(flagBits & RTF_UP)) continue;
    const prefix = prefixFromIpv4Mask(mask);
    const destination = prefix === 0 && dest === '00000000' ? 'default' : `${ipv4FromHex(dest)}/${prefix}`;
    routes.push({
      family: 'inet',
      destination,
      gateway: flagBits & RTF_GATEWAY ? ipv4FromHex(gateway) : null,
      interface: iface,
      metric: Number.parseInt(metric, 10) || 0,
    });
  }
  return routes;
}

/** /proc/net/ipv6_route; local and multicast housekeeping routes (on `lo`, ff00::/8) left out as `ip -6 route` does. */
export function parseIpv6Routes(text: string): Route[] {
  const routes: Route[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const [dest, destPrefix, , , nextHop, metric, , , flags, iface] = f as string[] as [
      string, string, string, string, string, string, string, string, string, string,
    ];
    const flagBits = Number.parseInt(flags, 16);
    if (!(flagBits & RTF_UP)) continue;
    const prefix = Number.parseInt(destPrefix, 16);
    const destAddress = ipv6FromHex(dest, false);
    // RTF_REJECT routes on lo and the local table's entries (type 'local', flags 0x80000000) are noise here.
    if (iface === 'lo' && destAddress !== '::1') continue;
    if (destAddress.startsWith('ff') && prefix === 8) continue;
    if (flagBits & 0x80000000) continue;
    const gateway = ipv6FromHex(nextHop, false);
    routes.push({
      family: 'inet6',
      destination: prefix === 0 && destAddress === '::' ? 'default' : `${destAddress}/${prefix}`,
      gateway: gateway === '::' ? null : gateway,
      interface: iface,
      metric: Number.parseInt(metric, 16) || 0,
    });
  }
  return routes;
}

export interface RawSocket {
  protocol: ListeningSocket['protocol'];
  address: string;
  port: number;
  uid: number;
  inode: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/**
 * /proc/net/{tcp,tcp6,udp,udp6}: TCP sockets in LISTEN, and UDP sockets bound and not connected to one peer
 * (what `ss -lu` shows).
 */
export function parseSocketTable(text: string, protocol: RawSocket['protocol']): RawSocket[] {
  const six = protocol.endsWith('6');
  const wanted = protocol.startsWith('tcp') ? TCP_LISTEN : UDP_UNCONNECTED;
  const sockets: RawSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== wanted) continue;
    const [localAddress, localPort] = (f[1] ?? '').split(':') as [string, string];
    const [remoteAddress] = (f[2] ?? '').split(':') as [string];
    // A connected UDP socket has a peer; it is talking, not listening.
    if (!protocol.startsWith('tcp') && !/^0+$/.test(remoteAddress)) continue;
    sockets.push({
      protocol,
      address: six ? ipv6FromHex(localAddress, true) : ipv4FromHex(localAddress),
      port: Number.parseInt(localPort, 16),
      uid: Number.parseInt(f[7] ?? '0', 10) || 0,
      inode: Number.parseInt(f[9] ?? '0', 10) || 0,
    });
  }
  return sockets;
}

export interface ResolvConf {
  nameservers: string[];
  search: string[];
}

/** resolv.conf(5): `nameserver` lines and the last `search`/`domain` line, comments ignored. */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [keyword, ...rest] = line.split(/\s+/);
    if (keyword === 'nameserver' && rest[0] && nameservers.length < 64) nameservers.push(rest[0].slice(0, 64));
    else if (keyword === 'search' || keyword === 'domain') search = rest.filter(Boolean).slice(0, 64).map((d) => d.slice(0, 253));
  }
  return { nameservers, search };
}
