/**
 * A network cut for tests: a loopback TCP proxy between two real peers (e.g. an agent and its console) that can
 * drop every connection through it and refuse new ones (the port stops listening, so connects fail as they do to
 * an unreachable console), then accept again on the same port. Bytes pass through untouched.
 *
 * Node built-ins only.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpCut {
  /** The proxy's own port on 127.0.0.1; point the client here instead of at the target. */
  readonly port: number;
  /** Connections accepted so far (a reconnect shows here). */
  readonly accepted: number;
  /** Connections open through the proxy right now. */
  readonly open: number;
  /** Whether the link is cut. */
  readonly isCut: boolean;
  /** Drop every connection (reset both ends) and refuse new ones until restore(). */
  cut(): Promise<void>;
  /** Listen again on the same port and pass new connections through. */
  restore(): Promise<void>;
  /** Drop everything and stop listening for good. */
  stop(): Promise<void>;
}

/** Start a proxy on a free loopback port forwarding to `target`. */
export async function startTcpCut(target: { host?: string; port: number }): Promise<TcpCut> {
  const targetHost = target.host ?? '127.0.0.1';
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let cut = false;
  let server: Server | undefined;
  let port = 0;

  const drop = (pair: [Socket, Socket]) => {
    pairs.delete(pair);
    // A reset, not a polite FIN: a pulled cable or a dead router does not say goodbye either, and the peers must
    // not take a clean close as "the other side shut down on purpose".
    for (const socket of pair) if (!socket.destroyed) socket.resetAndDestroy();
  };

  const onConnection = (client: Socket) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    accepted += 1;
    const upstream = connect({ host: targetHost, port: target.port });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      if (!pairs.has(pair)) return;
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of pair) {
      socket.on('error', end);
      socket.on('close', end);
    }
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer(onConnection);
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        next.off('error', reject);
        port = (next.address() as { port: number }).port;
        server = next;
        resolve();
      });
    });

  const close = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
    });

  await listen();

  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    get isCut() {
      return cut;
    },
    async cut() {
      cut = true;
      const closing = close();
      for (const pair of [...pairs]) drop(pair);
      await closing;
    },
    async restore() {
      if (!cut) return;
      await listen();
      cut = false;
    },
    async stop() {
      cut = true;
      const closing = close();
      for (const pair of [...pairs]) drop(pair);
      await closing;
    },
  };
}
