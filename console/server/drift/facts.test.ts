import { describe, expect, it } from 'vitest';
import { compareFacts, driftCount, factReaders } from './facts.js';

describe('drift between two fact sets', () => {
  it('names what was added, removed and changed per category, sorted, and ignores unread categories', () => {
    const drift = compareFacts(
      { listening: { 'tcp 0.0.0.0:22': 'sshd', 'tcp 0.0.0.0:80': 'nginx' }, packages: { openssl: '3.0.1', curl: '7.88' }, users: { root: 'uid 0, shell /bin/bash' } },
      { listening: { 'tcp 0.0.0.0:22': 'sshd', 'tcp 0.0.0.0:4444': 'nc' }, packages: { openssl: '3.0.2', curl: '7.88' }, hostname: { hostname: 'x' } },
    );
    expect(drift.listening).toEqual({
      added: [{ key: 'tcp 0.0.0.0:4444', before: null, after: 'nc' }],
      removed: [{ key: 'tcp 0.0.0.0:80', before: 'nginx', after: null }],
      changed: [],
    });
    expect(drift.packages?.changed).toEqual([{ key: 'openssl', before: '3.0.1', after: '3.0.2' }]);
    expect(drift.users).toBeUndefined();
    expect(drift.hostname).toBeUndefined();
    expect(driftCount(drift)).toBe(3);
    expect(driftCount(compareFacts({ packages: { a: '1' } }, { packages: { a: '1' } }))).toBe(0);
  });

  it('reads module results into keyed facts', () => {
    expect(factReaders.listening.read({ sockets: [{ protocol: 'udp', address: '0.0.0.0', port: 53, process: null }] })).toEqual({ 'udp 0.0.0.0:53': 'unknown process' });
    expect(
      factReaders.interfaces.read({
        interfaces: [
          { name: 'lo', mac: '00:00:00:00:00:00', addresses: [{ address: '127.0.0.1', prefix: 8 }] },
          { name: 'eth0', mac: 'aa:bb:cc:dd:ee:ff', addresses: [{ address: '192.0.2.7', prefix: 24 }, { address: '10.0.0.2', prefix: 8 }] },
        ],
      }),
    ).toEqual({ eth0: 'mac aa:bb:cc:dd:ee:ff, 10.0.0.2/8, 192.0.2.7/24' });
    expect(factReaders.hostname.read({ hostname: 'gw-7' })).toEqual({ hostname: 'gw-7' });
    expect(factReaders.packages.read({ packages: [{ name: 'bash', version: '5.2', architecture: 'amd64' }] })).toEqual({ 'bash:amd64': '5.2' });
  });
});
