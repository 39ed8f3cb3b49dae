/**
 * Serving the PLCs' memory over Modbus: TCP (modbus-serial's ServerTCP, one port for every unit, as a TCP
 * gateway in front of a bus would) and RTU on a serial path (ServerSerial). The server vector answers through
 * callbacks so that a fault can delay a reply or withhold it entirely — a client then times out, as it would on
 * a dead slave.
 */
import { createServer, type AddressInfo } from 'node:net';
import { ServerSerial, ServerTCP, type IServiceVector } from 'modbus-serial';
import { GatehouseError } from '../../modules/kernel/errors.js';
import type { FaultBoard } from './faults.js';
import { ModbusException, type RegisterImage } from './image.js';

/** Modbus exception 0x0B: a gateway's answer for a unit id that is not behind it. */
const gatewayTargetFailed = 0x0b;

type Reply<T> = (err: Error | null, value: T) => void;

export interface VectorOptions {
  image: RegisterImage;
  faults: FaultBoard;
  /** Unit ids this port answers for. */
  units: ReadonlySet<number>;
  /**
   * Another unit id: on TCP a gateway answers "target failed to respond"; on a serial line other slaves may
   * share the wire, so it stays silent.
   */
  otherUnits: 'gateway-error' | 'silent';
}

/**
 * An error reply. modbus-serial indexes the value array of a multi-register reply even on error, so an empty
 * one goes along; without it the Modbus exception code is lost and the client sees "slave device failure".
 */
const fail = <T>(reply: Reply<T>, err: Error) => (reply as (err: Error, value: unknown[]) => void)(err, []);

/** The modbus-serial service vector over the register image. */
export function serviceVector(options: VectorOptions): IServiceVector {
  const { image, faults, units } = options;
  const pending = new Set<NodeJS.Timeout>();

  function answer<T>(unitId: number, reply: Reply<T>, produce: () => T): void {
    if (!units.has(unitId) || !image.hasUnit(unitId)) {
      if (options.otherUnits === 'gateway-error') fail(reply, new ModbusException(gatewayTargetFailed, `no unit ${unitId} here`));
      return;
    }
    if (faults.isSilent(unitId)) return; // the device is dead: no reply at all
    const send = () => {
      let value: T;
      try {
        value = produce();
      } catch (err) {
        fail(reply, err instanceof Error ? err : new Error(String(err)));
        return;
      }
      reply(null, value);
    };
    const delay = faults.replyDelayMs(unitId);
    if (delay <= 0) return send();
    const timer = setTimeout(() => {
      pending.delete(timer);
      send();
    }, delay);
    pending.add(timer);
  }

  // modbus-serial picks the callback form by each function's arity, so every parameter is spelled out.
  const vector: IServiceVector & { cancelPending(): void } = {
    getCoil: (addr: number, unitId: number, cb: Reply<boolean>) => answer(unitId, cb, () => image.readBit(unitId, 'coil', addr)),
    getDiscreteInput: (addr: number, unitId: number, cb: Reply<boolean>) => answer(unitId, cb, () => image.readBit(unitId, 'discrete-input', addr)),
    getInputRegister: (addr: number, unitId: number, cb: Reply<number>) =>
      answer(unitId, cb, () => image.readWords(unitId, 'input-register', addr, 1)[0]!),
    getHoldingRegister: (addr: number, unitId: number, cb: Reply<number>) =>
      answer(unitId, cb, () => image.readWords(unitId, 'holding-register', addr, 1)[0]!),
    getMultipleInputRegisters: (addr: number, length: number, unitId: number, cb: Reply<number[]>) =>
      answer(unitId, cb, () => image.readWords(unitId, 'input-register', addr, length)),
    getMultipleHoldingRegisters: (addr: number, length: number, unitId: number, cb: Reply<number[]>) =>
      answer(unitId, cb, () => image.readWords(unitId, 'holding-register', addr, length)),
    setCoil: (addr: number, value: boolean, unitId: number, cb: Reply<void>) => answer(unitId, cb, () => image.writeCoil(unitId, addr, value)),
    setRegister: (addr: number, value: number, unitId: number, cb: Reply<void>) => answer(unitId, cb, () => image.writeRegisters(unitId, addr, [value])),
    setRegisterArray: (addr: number, values: number[], unitId: number, cb: Reply<void>) =>
      answer(unitId, cb, () => image.writeRegisters(unitId, addr, values)),
    cancelPending() {
      for (const timer of pending) clearTimeout(timer);
      pending.clear();
    },
  };
  return vector as IServiceVector;
}

export interface RunningServer {
  /** For TCP the port it listens on; for RTU the serial path. */
  where: number | string;
  close(): Promise<void>;
}

type Closable = { close(cb: (err: Error | null) => void): void };
const closeServer = (server: Closable, vector: IServiceVector) =>
  new Promise<void>((resolve) => {
    (vector as IServiceVector & { cancelPending(): void }).cancelPending();
    server.close(() => resolve());
  });

/** A port free on host just now (the OS picks it). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function listenTcp(vector: IServiceVector, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = new ServerTCP(vector, { host, port, unitID: 255 });
    server.on('socketError', () => undefined); // a client that vanishes mid-reply is its own problem
    server.on('serverError', (err: Error | null) => reject(err ?? new Error('listen failed')));
    server.on('initialized', () => resolve({ where: port, close: () => closeServer(server, vector) }));
  });
}

/**
 * Listen for Modbus TCP on host:port. ServerTCP takes port 0 to mean its default 502, so for "any free port" we
 * ask the OS for one first and try again should another process take it in between.
 */
export async function serveTcp(vector: IServiceVector, host: string, port: number): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const chosen = port === 0 ? await freePort(host) : port;
    try {
      return await listenTcp(vector, host, chosen);
    } catch (err) {
      const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
      if (port === 0 && inUse && attempt < 5) continue;
      throw new GatehouseError('unreachable', `cannot listen for Modbus TCP on ${host}:${chosen}: ${(err as Error).message}`, { host, port: chosen });
    }
  }
}

/** Answer Modbus RTU on a serial path (e.g. one end of a socat pseudo-terminal pair). */
export function serveRtu(vector: IServiceVector, path: string, baudRate: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let server: ServerSerial;
    const opened = (err: Error | null | undefined) => {
      if (err) reject(new GatehouseError('not-found', `cannot open serial line ${path}: ${err.message}`, { path }));
      else resolve({ where: path, close: () => closeServer(server, vector) });
    };
    server = new ServerSerial(vector, { path, baudRate, unitID: 255, openCallback: opened });
    server.on('socketError', () => undefined);
    server.on('error', () => undefined);
  });
}
