/**
 * The network module against a real Debian host booted with systemd-nspawn. The container shares this
 * machine's network namespace, so interfaces and sockets are this machine's; its processes (sshd) are its own.
 * The host name lives in the container's own UTS namespace, so setting it changes nothing outside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostileHostnames } from '../../modules/network/test-support.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { userWithRole } from '../support/users.js';

const available = debianHostAvailable();

describe.skipIf(!available.ok)(`network module on a real Debian host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: ManagedHost;
  const inside = async (argv: string[]) => (await host.debian.exec(argv)).stdout.trim();

  beforeAll(async () => {
    host = await startManagedHost();
  }, 180_000);

  afterAll(async () => {
    await host?.stop();
  }, 60_000);

  it('lists interfaces with MAC, state, MTU and addresses; loopback has 127.0.0.1/8', async () => {
    const { interfaces } = await host.result('network', 'interfaces');
    const lo = interfaces.find((i: any) => i.name === 'lo');
    expect(lo).toMatchObject({ name: 'lo', mac: '00:00:00:00:00:00', state: 'unknown', mtu: 65536, kind: 'loopback' });
    expect(lo.addresses).toContainEqual({ family: 'inet', address: '127.0.0.1', prefix: 8 });
    // Every interface the kernel shows inside the container is listed.
    const names = (await inside(['ls', '/sys/class/net'])).split(/\s+/).sort();
    expect(interfaces.map((i: any) => i.name).sort()).toEqual(names);
  });

  it('lists the container sshd listening on its port, owned by sshd', async () => {
    const { sockets } = await host.result('network', 'listening');
    const ssh = sockets.filter((s: any) => s.port === host.debian.sshPort && s.protocol.startsWith('tcp'));
    expect(ssh.length).toBeGreaterThan(0);
    expect(ssh[0]).toMatchObject({ address: '127.0.0.1', process: 'sshd' });
    const pids = (await inside(['pgrep', '-x', 'sshd'])).split('\n').map(Number);
    expect(pids).toContain(ssh[0].pid);
  });

  it('reads routes and DNS resolvers as the container sees them', async () => {
    const { routes } = await host.result('network', 'routes');
    expect(Array.isArray(routes)).toBe(true);
    const dns = await host.result('network', 'dns');
    const resolvConf = await inside(['cat', '/etc/resolv.conf']);
    for (const ns of dns.nameservers) expect(resolvConf).toContain(ns);
    expect(dns.source).toBe('/etc/resolv.conf');
  });

  it('reads the host name, sets a new one (kernel and /etc/hostname), and refuses hostile ones before anything runs', async () => {
    const before = await host.result('network', 'hostname');
    expect(before.hostname).toBe(await inside(['hostname']));

    const set = await host.result('network', 'setHostname', { hostname: 'pump-gw-07' });
    expect(set).toMatchObject({ hostname: 'pump-gw-07', staticHostname: 'pump-gw-07', method: 'hostnamectl' });
    expect(await inside(['hostname'])).toBe('pump-gw-07');
    expect(await inside(['cat', '/etc/hostname'])).toBe('pump-gw-07');
    expect((await host.result('network', 'hostname')).hostname).toBe('pump-gw-07');

    for (const bad of hostileHostnames) {
      const res = await host.call('network', 'setHostname', { hostname: bad });
      expect([res.status, res.body.error?.code], JSON.stringify(bad.slice(0, 30))).toEqual([400, 'invalid-params']);
      expect(res.body.error.message).toMatch(/^hostname: /);
    }
    expect(await inside(['hostname'])).toBe('pump-gw-07');
    expect(await inside(['cat', '/etc/hostname'])).toBe('pump-gw-07');
  });

  it('a system operator reads the network but may not rename the host (dangerous)', async () => {
    const operator = await userWithRole(host.console, 'net-operator', 'system-operator');
    expect((await operator.call(host.hostId, 'network', 'listening', {})).status).toBe(200);
    const refused = await operator.call(host.hostId, 'network', 'setHostname', { hostname: 'operator-was-here' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    expect(await inside(['hostname'])).not.toBe('operator-was-here');
  });
});
