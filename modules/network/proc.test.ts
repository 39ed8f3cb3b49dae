import { describe, expect, it } from 'vitest';
import { ipv4FromHex, ipv6FromHex, parseIpv4Routes, parseIpv6Routes, parseResolvConf, parseSocketTable } from './proc.js';

// Lines as a Debian 12 kernel writes them (trailing spaces and all).
const route = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth1\t0000A8C0\t00000000\t0000\t0\t0\t0\t0000FFFF\t0\t0\t0
`;

const ipv6Route = `fd000000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000000000000000000000000000001 00000400 00000003 00000000 00000003     eth0
00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001       lo
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
`;

const tcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1111 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 6394 1 000000008024ed7d 100 0 0 10 0
   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 6438 1 0000000084bf91d7 100 0 0 10 0
   2: 0100007F:0016 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 9999 1 0000000084bf91d7 100 0 0 10 0
`;

const tcp6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:18EB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5207 1 00000000cb71ab30 100 0 0 10 0
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5208 1 00000000cb71ab30 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5209 1 00000000cb71ab30 100 0 0 10 0
`;

const udp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 4321 2 0000000000000000 0
  101: 0100007F:A1B2 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0        0 4322 2 0000000000000000 0
`;

describe('kernel address forms', () => {
  it('reads little-endian IPv4 hex', () => {
    expect(ipv4FromHex('0100007F')).toBe('127.0.0.1');
    expect(ipv4FromHex('010200C0')).toBe('192.0.2.1');
  });
  it('reads both IPv6 hex forms and compresses them', () => {
    expect(ipv6FromHex('00000000000000000000000001000000', true)).toBe('::1');
    expect(ipv6FromHex('00000000000000000000000000000001', false)).toBe('::1');
    expect(ipv6FromHex('fd000000000000000000000000000001', false)).toBe('fd00::1');
    expect(ipv6FromHex('20010db8000000010000000000000002', false)).toBe('2001:db8:0:1::2');
    expect(ipv6FromHex('0000000000000000FFFF00000100007F', true)).toBe('::ffff:127.0.0.1');
  });
});

describe('routes', () => {
  it('reads the IPv4 table: default via gateway, connected networks, skipping routes that are down', () => {
    expect(parseIpv4Routes(route)).toEqual([
      { family: 'inet', destination: 'default', gateway: '192.0.2.1', interface: 'eth0', metric: 100 },
      { family: 'inet', destination: '192.0.2.0/24', gateway: null, interface: 'eth0', metric: 0 },
    ]);
  });
  it('reads the IPv6 table without local-table and multicast housekeeping entries', () => {
    expect(parseIpv6Routes(ipv6Route)).toEqual([
      { family: 'inet6', destination: 'fd00::/64', gateway: null, interface: 'eth0', metric: 256 },
      { family: 'inet6', destination: 'default', gateway: 'fd00::1', interface: 'eth0', metric: 1024 },
    ]);
  });
});

describe('listening sockets', () => {
  it('keeps TCP sockets in LISTEN only', () => {
    expect(parseSocketTable(tcp, 'tcp')).toEqual([
      { protocol: 'tcp', address: '127.0.0.1', port: 4369, uid: 106, inode: 6394 },
      { protocol: 'tcp', address: '0.0.0.0', port: 22, uid: 0, inode: 6438 },
    ]);
    expect(parseSocketTable(tcp6, 'tcp6').map((s) => `${s.address} ${s.port}`)).toEqual(['::1 6379', ':: 22', '::ffff:127.0.0.1 8080']);
  });
  it('keeps bound UDP sockets, not connected ones', () => {
    expect(parseSocketTable(udp, 'udp')).toEqual([{ protocol: 'udp', address: '127.0.0.53', port: 53, uid: 101, inode: 4321 }]);
  });
  it('survives garbage', () => {
    expect(parseSocketTable('nonsense\n\n  0: zz', 'tcp')).toEqual([]);
    expect(parseIpv4Routes('')).toEqual([]);
  });
});

describe('resolv.conf', () => {
  it('reads nameservers and the last search line, ignoring comments', () => {
    const text = '# generated\nnameserver 10.0.0.2\nnameserver fd00::53 # v6\ndomain old.example\nsearch plant.example corp.example\n; options\noptions edns0\n';
    expect(parseResolvConf(text)).toEqual({ nameservers: ['10.0.0.2', 'fd00::53'], search: ['plant.example', 'corp.example'] });
  });
});
