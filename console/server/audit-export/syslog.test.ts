/**
 * Syslog shipping against real receivers on loopback: UDP datagrams, TCP and TLS streams with octet counting, a
 * receiver that is down (appends go on, the queue stays bounded, the backlog arrives once it is back) and a TLS
 * receiver whose certificate is not trusted (nothing is sent to it).
 */
import { createSocket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../audit.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import { AuditSyslog } from './syslog.js';
import { auditSyslogSchema } from './syslog-config.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function trail(): Promise<AuditTrail> {
  const storage = await openSqliteStorage(':memory:');
  await storage.migrate();
  cleanups.push(() => storage.close());
  return new AuditTrail(storage);
}

async function shipper(audit: AuditTrail, config: Record<string, unknown>, options: { queueMax?: number } = {}): Promise<AuditSyslog> {
  const syslog = new AuditSyslog({ config: auditSyslogSchema.parse(config), audit, hostname: 'console-test', backoff: { minMs: 20, maxMs: 100 }, ...options });
  await syslog.start();
  cleanups.push(() => syslog.stop());
  return syslog;
}

/** Split an octet-counted stream into its messages. */
function frames(received: Buffer): string[] {
  const messages: string[] = [];
  let rest = received;
  for (;;) {
    const space = rest.indexOf(0x20);
    if (space < 0) break;
    const length = Number(rest.subarray(0, space).toString('ascii'));
    if (!Number.isInteger(length) || rest.length < space + 1 + length) break;
    messages.push(rest.subarray(space + 1, space + 1 + length).toString('utf8'));
    rest = rest.subarray(space + 1 + length);
  }
  return messages;
}

/** A stream receiver that keeps what it is sent. */
function collect(server: Server): { received: () => Buffer } {
  let received = Buffer.alloc(0);
  server.on('connection', (socket) => socket.on('data', (data: Buffer) => (received = Buffer.concat([received, data]))));
  server.on('secureConnection', (socket) => socket.on('data', (data: Buffer) => (received = Buffer.concat([received, data]))));
  return { received: () => received };
}

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(resolve)));
  return (server.address() as AddressInfo).port;
}

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const entry = { user: 'ana', hostId: 'h_1', hostName: 'gw-01', action: 'file.write', phase: 'completed' as const, result: 'ok', detail: 'wrote "x"]' };

describe('audit syslog shipping', () => {
  it('sends each appended entry as one RFC 5424 datagram over UDP', async () => {
    const receiver = createSocket('udp4');
    const datagrams: string[] = [];
    receiver.on('message', (message) => datagrams.push(message.toString('utf8')));
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
    const audit = await trail();
    await shipper(audit, { host: '127.0.0.1', port: receiver.address().port, transport: 'udp' });

    const recorded = await audit.record(entry);
    await until(() => datagrams.length === 1);
    expect(datagrams[0]).toBe(
      `<134>1 ${recorded.at} console-test gatehouse ${process.pid} file.write [gatehouse@32473 user="ana" host="gw-01" hostId="h_1" ` +
        `action="file.write" phase="completed" result="ok" id="${recorded.id}" hash="${recorded.hash}"] \uFEFFwrote "x"]`,
    );
  });

  it('sends octet-counted frames over TCP, in order, with the severity of each result', async () => {
    const server = createServer();
    const { received } = collect(server);
    const port = await listen(server);
    const audit = await trail();
    await shipper(audit, { host: '127.0.0.1', port, transport: 'tcp', facility: 'auth', appName: 'gh-test' });

    const first = await audit.record(entry);
    const second = await audit.record({ ...entry, result: 'forbidden', detail: null });
    await until(() => frames(received()).length === 2);
    const [a, b] = frames(received());
    expect(a).toMatch(new RegExp(`^<38>1 \\S+ console-test gh-test \\d+ file\\.write \\[gatehouse@32473 .*id="${first.id}" hash="${first.hash}"\\]`));
    expect(a).toContain('\uFEFFwrote "x"]');
    expect(b).toMatch(/^<36>1 /);
    expect(b).toContain(`result="forbidden" id="${second.id}"`);
    expect(b!.endsWith(']')).toBe(true);
  });

  it('does not hold appends up while the receiver is down; keeps the newest, and sends them when it is back', async () => {
    const probe = createServer();
    const port = await listen(probe);
    await new Promise((resolve) => probe.close(resolve)); // the port is now refused
    const audit = await trail();
    const syslog = await shipper(audit, { host: '127.0.0.1', port, transport: 'tcp' }, { queueMax: 10 });

    const started = Date.now();
    const recorded = [];
    for (let n = 0; n < 50; n += 1) recorded.push(await audit.record({ ...entry, detail: `entry ${n}` }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(syslog.stats()).toEqual({ queued: 10, sent: 0, dropped: 40 });

    const server = createServer();
    const { received } = collect(server);
    await listen(server, port);
    await until(() => frames(received()).length === 10, 5000);
    expect(frames(received()).map((m) => /id="(\d+)"/.exec(m)?.[1])).toEqual(recorded.slice(40).map((e) => String(e.id)));
    expect(syslog.stats()).toEqual({ queued: 0, sent: 10, dropped: 40 });
    await syslog.stop(); // before the receiver closes, which waits for its connections
  });

  describe('over TLS', () => {
    async function tlsReceiver() {
      const generated = await generate([{ name: 'commonName', value: 'localhost' }], {
        keyType: 'ec',
        curve: 'P-256',
        algorithm: 'sha256',
        extensions: [{ name: 'basicConstraints', cA: true }, { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }] }],
      });
      const server = createTlsServer({ cert: generated.cert, key: generated.private });
      const { received } = collect(server as unknown as Server);
      const port = await listen(server as unknown as Server);
      const folder = await mkdtemp(join(tmpdir(), 'gh-syslog-tls-'));
      cleanups.push(() => rm(folder, { recursive: true, force: true }));
      const ca = join(folder, 'ca.pem');
      await writeFile(ca, generated.cert);
      return { port, ca, received };
    }

    it('sends to a receiver whose certificate chains to the configured CA', async () => {
      const { port, ca, received } = await tlsReceiver();
      const audit = await trail();
      await shipper(audit, { host: 'localhost', port, transport: 'tls', ca });
      const recorded = await audit.record(entry);
      await until(() => frames(received()).length === 1);
      expect(frames(received())[0]).toContain(`id="${recorded.id}" hash="${recorded.hash}"`);
    });

    it('sends nothing to a receiver it cannot verify, and appends go on', async () => {
      const { port, received } = await tlsReceiver();
      const audit = await trail();
      const syslog = await shipper(audit, { host: 'localhost', port, transport: 'tls' });
      await audit.record(entry);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(received().length).toBe(0);
      expect(syslog.stats()).toMatchObject({ queued: 1, sent: 0 });
    });
  });

  it('refuses a configuration that would not work, naming the key', () => {
    expect(auditSyslogSchema.safeParse({ host: '127.0.0.1', transport: 'udp', ca: '/x.pem' }).error?.issues[0]?.path).toEqual(['ca']);
    expect(auditSyslogSchema.safeParse({ host: 'a b', transport: 'tcp' }).success).toBe(false);
    expect(auditSyslogSchema.safeParse({ host: 'log', transport: 'tcp', insecure: true }).success).toBe(false);
    expect(auditSyslogSchema.parse({ host: 'log', transport: 'tls' })).toMatchObject({ facility: 'local0', appName: 'gatehouse' });
  });
});
