/**
 * The simulator's inspection and fault port (plain HTTP on loopback, for people and tests — no PLC has one):
 *   GET  /state   the plant's true physical state, JSON
 *   GET  /faults  the active faults
 *   POST /faults  {"fault": "...", "device"?: 1, "tag"?: "...", "delayMs"?: 500, "on": true|false}
 *   DELETE /faults  clear every fault
 * Errors answer {"code": problem code, "message": …} with a 4xx status.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatehouseError } from '../../modules/kernel/errors.js';
import type { FaultBoard } from './faults.js';
import type { Plant } from './plant.js';

const maxBody = 16 * 1024;

const statusOf: Record<string, number> = { 'bad-request': 400, 'invalid-params': 400, 'not-found': 404, 'too-large': 413, 'not-supported': 405 };

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep draining (so the client reads our 413 instead of a reset) but keep nothing.
      if (size > maxBody) return reject(new GatehouseError('too-large', `a fault request is at most ${maxBody} bytes`));
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface FaultPortOptions {
  plant: Plant;
  faults: FaultBoard;
  /** Called after a fault changes, so the register image shows it at once. */
  onFaultChange(): void;
}

async function route(req: IncomingMessage, res: ServerResponse, options: FaultPortOptions): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://plant-sim').pathname;
  if (path === '/state' && req.method === 'GET') return send(res, 200, options.plant.state);
  if (path === '/faults') {
    if (req.method === 'GET') return send(res, 200, { faults: options.faults.list() });
    if (req.method === 'DELETE') {
      options.faults.clearAll();
      options.onFaultChange();
      return send(res, 200, { faults: [] });
    }
    if (req.method === 'POST') {
      const text = await readBody(req);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new GatehouseError('bad-request', 'the body must be JSON, e.g. {"fault":"pump1-trip","on":true}');
      }
      const faults = options.faults.apply(body);
      options.onFaultChange();
      return send(res, 200, { faults });
    }
    throw new GatehouseError('not-supported', `${req.method} is not allowed on /faults (GET, POST, DELETE)`);
  }
  throw new GatehouseError('not-found', `nothing at ${req.method} ${path} (try GET /state, GET /faults, POST /faults)`);
}

/** Listen on host:port (0 = any free port) and resolve with the port. */
export function serveFaultPort(host: string, port: number, options: FaultPortOptions): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    route(req, res, options).catch((err: unknown) => {
      if (res.headersSent) return res.destroy();
      if (err instanceof GatehouseError) return send(res, statusOf[err.code] ?? 400, err.toJSON());
      send(res, 500, { code: 'internal-error', message: err instanceof Error ? err.message : String(err) });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new GatehouseError('unreachable', `cannot listen for HTTP on ${host}:${port}: ${err.message}`, { host, port })));
    server.listen(port, host, () => resolve({ port: (server.address() as AddressInfo).port, server }));
  });
}
