/** The readers against this machine's own /sys and /proc: read-only, so safe to run here. */
import { createServer, type Server } from 'node:net';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from './contract.js';
import { readDns, readHostname, readInterfaces, readListening, readRoutes } from './read.js';

describe('network readers on this machine', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lists loopback with 127.0.0.1/8, up to the contract', async () => {
    const interfaces = await readInterfaces();
    const lo = interfaces.find((i) => i.name === 'lo');
    expect(lo).toMatchObject({ kind: 'loopback', virtual: true });
    expect(lo?.addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefix: 8 });
    expect(contract.methods.interfaces.result.safeParse({ interfaces }).success).toBe(true);
  });

  it('finds its own listening TCP socket and UDP socket with this process as owner', async () => {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    try {
      const sockets = await readListening();
      expect(sockets).toContainEqual(expect.objectContaining({ protocol: 'tcp', address: '127.0.0.1', port, pid: process.pid }));
      expect(sockets).toContainEqual(expect.objectContaining({ protocol: 'udp', address: '127.0.0.1', port: udp.address().port, pid: process.pid }));
      const own = sockets.find((s) => s.port === port);
      expect(own?.process).toMatch(/node|vitest/);
      expect(contract.methods.listening.result.safeParse({ sockets }).success).toBe(true);
    } finally {
      udp.close();
    }
  });

  it('reads routes, DNS and the host name within the contract', async () => {
    const routes = await readRoutes();
    expect(contract.methods.routes.result.safeParse({ routes }).success).toBe(true);
    const dns = await readDns();
    expect(contract.methods.dns.result.safeParse(dns).success).toBe(true);
    const name = await readHostname();
    expect(name.hostname.length).toBeGreaterThan(0);
    expect(contract.methods.hostname.result.safeParse(name).success).toBe(true);
  });
});
