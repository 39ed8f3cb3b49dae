import { Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import { GatehouseError } from '../kernel/errors.js';
import type { Bus, RegisterArea } from './profile.js';

/**
 * One open connection to one Modbus bus (a TCP gateway or a serial line), over modbus-serial.
 * It sends one request at a time and maps every failure to a GatehouseError; the queue, the per-device backoff
 * and reconnection live in bus.ts. modbus-serial has no timeout unless one is set, so every request carries one.
 */

export type RegisterValues = number[] | boolean[];

/** Why a request failed, as the bus needs to know it: a silent device is backed off, a lost connection reopened. */
export type FailureReason = 'no-answer' | 'connection-lost' | 'exception' | 'bad-answer' | 'refused';

export interface Transport {
  /** Read `count` coils/inputs (booleans) or registers (0–65535) starting at the zero-based `address`. */
  read(unitId: number, area: RegisterArea, address: number, count: number, timeoutMs: number): Promise<RegisterValues>;
  /** Write coils (FC5 one, FC15 several) or holding registers (FC6 one, FC16 several); resolves when the device confirms. */
  write(unitId: number, area: RegisterArea, address: number, values: RegisterValues, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
  readonly isOpen: boolean;
  /** Called once when the connection drops by itself (not after close()). */
  onClose(listener: (error: GatehouseError) => void): void;
}

export interface OpenTransportOptions {
  /** Give up opening after this long (default: twice the bus timeout, at least 3 s). */
  connectTimeoutMs?: number;
}

/** The Modbus limits per request (Modbus Application Protocol v1.1b3, 6.1–6.12). */
export const maxReadRegisters = 125;
export const maxReadBits = 2000;
export const maxWriteRegisters = 123;
export const maxWriteBits = 1968;

const exceptionNames: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'device failure',
  5: 'acknowledge',
  6: 'device busy',
  7: 'negative acknowledge',
  8: 'memory parity error',
  10: 'gateway path unavailable',
  11: 'gateway target device failed to respond',
};

/**
 * Refuse a request that must never reach a bus: broadcast (unit 0, SECURITY.md rule 9), a unit id outside 1–247,
 * an address or count outside what Modbus allows, a write to a read-only area or a value that does not fit.
 */
export function checkRequest(
  busId: string,
  unitId: number,
  area: RegisterArea,
  address: number,
  countOrValues: number | RegisterValues,
): void {
  const context = { bus: busId, unit: unitId, area, address };
  if (unitId === 0) throw new GatehouseError('forbidden', 'Broadcast (unit 0) is never sent: a write to every device at once cannot be read back', context);
  if (!Number.isInteger(unitId) || unitId < 1 || unitId > 247) throw new GatehouseError('invalid-params', `Unit id must be 1–247, not ${String(unitId)}`, context);
  if (!['coil', 'discrete-input', 'input-register', 'holding-register'].includes(area)) {
    throw new GatehouseError('invalid-params', `Unknown register area ${String(area)}`, context);
  }
  if (!Number.isInteger(address) || address < 0 || address > 65_535) throw new GatehouseError('invalid-params', `Address must be 0–65535, not ${String(address)}`, context);
  const bits = area === 'coil' || area === 'discrete-input';
  if (typeof countOrValues === 'number') {
    const max = bits ? maxReadBits : maxReadRegisters;
    if (!Number.isInteger(countOrValues) || countOrValues < 1 || countOrValues > max) {
      throw new GatehouseError('invalid-params', `A read of ${area}s takes 1–${max} at a time, not ${String(countOrValues)}`, context);
    }
    if (address + countOrValues > 65_536) throw new GatehouseError('invalid-params', 'The read runs past address 65535', context);
    return;
  }
  if (area === 'discrete-input' || area === 'input-register') throw new GatehouseError('invalid-params', `A ${area} is read-only`, context);
  const values: unknown[] = countOrValues;
  const max = bits ? maxWriteBits : maxWriteRegisters;
  if (!Array.isArray(values) || values.length < 1 || values.length > max) {
    throw new GatehouseError('invalid-params', `A write of ${area}s takes 1–${max} values at a time`, context);
  }
  if (address + values.length > 65_536) throw new GatehouseError('invalid-params', 'The write runs past address 65535', context);
  const fits = bits
    ? values.every((v) => typeof v === 'boolean')
    : values.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffff);
  if (!fits) throw new GatehouseError('invalid-params', bits ? 'Coil values must be true or false' : 'Register values must be whole numbers 0–65535', context);
}

/** The Modbus exception code a failed request carried, if the device answered with one. */
export function modbusExceptionOf(err: unknown): number | undefined {
  const code = err instanceof GatehouseError ? err.context.modbusException : undefined;
  return typeof code === 'number' ? code : undefined;
}

/** Map what modbus-serial rejects with (its error shapes are plain objects with errno / modbusCode) to a problem. */
export function problemFromModbusError(err: unknown, context: Record<string, string | number | undefined>): GatehouseError {
  if (err instanceof GatehouseError) return err;
  const e = (err ?? {}) as { message?: unknown; errno?: unknown; code?: unknown; modbusCode?: unknown; name?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const unit = context.unit;
  if (typeof e.modbusCode === 'number') {
    const code = e.modbusCode;
    const name = exceptionNames[code] ?? 'unknown exception';
    const at = { ...context, modbusException: code, exception: name };
    const text = `Unit ${unit} answered with Modbus exception ${code} (${name})`;
    // A gateway saying its target did not answer is the same as the target not answering: back off from it.
    if (code === 10 || code === 11) return new GatehouseError('unreachable', text, { ...at, reason: 'no-answer' });
    if (code === 6) return new GatehouseError('rate-limited', text, { ...at, reason: 'exception' });
    if (code >= 1 && code <= 3) return new GatehouseError('invalid-params', text, { ...at, reason: 'exception' });
    return new GatehouseError('internal-error', text, { ...at, reason: 'exception' });
  }
  if (e.errno === 'ETIMEDOUT' || e.name === 'TransactionTimedOutError') {
    return new GatehouseError('timeout', `Unit ${unit} did not answer within ${context.timeoutMs} ms`, { ...context, reason: 'no-answer' });
  }
  if (message === 'Port Not Open' || e.name === 'PortNotOpenError') {
    return new GatehouseError('unreachable', `Bus ${context.bus} is not connected`, { ...context, reason: 'connection-lost' });
  }
  if (/CRC error|Data length error|Unexpected data error/.test(message)) {
    return new GatehouseError('unreachable', `Unit ${unit} sent a garbled answer: ${message}`, { ...context, reason: 'bad-answer' });
  }
  if (typeof e.code === 'string' || typeof e.errno === 'string') {
    return new GatehouseError('unreachable', `Bus ${context.bus}: ${message}`, { ...context, reason: 'connection-lost' });
  }
  return new GatehouseError('internal-error', `Bus ${context.bus}: ${message}`, context);
}

// modbus-serial is CommonJS: its default export is the client class, which also carries itself as `default`.
const ModbusRTU = modbusSerial.default;
// Its own types describe the promise API; the extra member used here is a plain JS field of the RTU port.
type Client = InstanceType<typeof ModbusRTU> & { _port?: { _buffer?: Buffer } };

/** Open a connection to the bus; rejects with 'unreachable' when the gateway refuses or the serial path is missing. */
export async function openTransport(bus: Bus, options: OpenTransportOptions = {}): Promise<Transport> {
  const connectTimeoutMs = options.connectTimeoutMs ?? Math.max(bus.timeoutMs * 2, 3000);
  const client = new ModbusRTU() as Client;
  // The library re-emits serial port errors on the client; unheard, an EventEmitter error would end the process.
  client.on('error', () => undefined);
  let socket: Socket | undefined;
  if (bus.kind === 'tcp') {
    socket = await connectSocket(bus.host, bus.port, connectTimeoutMs, bus.id);
    await client.linkTCP(socket, { port: bus.port });
  } else {
    try {
      await withDeadline(
        client.connectRTUBuffered(bus.path, { baudRate: bus.baudRate, parity: bus.parity, dataBits: bus.dataBits, stopBits: bus.stopBits }),
        connectTimeoutMs,
      );
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      client.close(() => undefined);
      throw new GatehouseError('unreachable', `Cannot open serial line ${bus.path}: ${message}`, { bus: bus.id, path: bus.path });
    }
  }
  return new ModbusTransport(bus, client, socket);
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not open after ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (err: unknown) => (clearTimeout(timer), reject(err)),
    );
  });
}

/** Connect a TCP socket ourselves, so a gateway that never answers the SYN cannot hold the bus forever. */
function connectSocket(host: string, port: number, timeoutMs: number, busId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (message: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new GatehouseError('unreachable', `Cannot connect to ${host}:${port}: ${message}`, { bus: busId, host, port }));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
    socket.connect({ host, port }, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

class ModbusTransport implements Transport {
  private closed = false;
  private dropped: GatehouseError | undefined;
  private busy = false;
  private inFlight: ((err: GatehouseError) => void) | undefined;
  private closeListeners: ((error: GatehouseError) => void)[] = [];
  /** On a serial line a late answer to a timed-out request could be taken for the next one; wait it out. */
  private quietUntil = 0;

  constructor(
    private readonly bus: Bus,
    private readonly client: Client,
    private readonly socket: Socket | undefined,
  ) {
    const lost = (why: string) => this.connectionLost(why);
    if (socket) {
      // Listen on the socket itself: modbus-serial does not report a close that follows a socket error.
      socket.on('error', (err: NodeJS.ErrnoException) => lost(err.code ?? err.message));
      socket.on('close', () => lost('the gateway closed the connection'));
    } else {
      client.on('close', () => lost('the serial line closed'));
      client.on('error', (err: unknown) => lost(String((err as { message?: unknown } | undefined)?.message ?? err)));
    }
  }

  get isOpen(): boolean {
    return !this.closed && !this.dropped && this.client.isOpen;
  }

  onClose(listener: (error: GatehouseError) => void): void {
    this.closeListeners.push(listener);
  }

  async read(unitId: number, area: RegisterArea, address: number, count: number, timeoutMs: number): Promise<RegisterValues> {
    checkRequest(this.bus.id, unitId, area, address, count);
    return this.request(unitId, area, address, timeoutMs, async (client) => {
      switch (area) {
        case 'coil':
          return (await client.readCoils(address, count)).data.slice(0, count);
        case 'discrete-input':
          return (await client.readDiscreteInputs(address, count)).data.slice(0, count);
        case 'input-register':
          return checkCount((await client.readInputRegisters(address, count)).data, count);
        case 'holding-register':
          return checkCount((await client.readHoldingRegisters(address, count)).data, count);
      }
    });
  }

  async write(unitId: number, area: RegisterArea, address: number, values: RegisterValues, timeoutMs: number): Promise<void> {
    checkRequest(this.bus.id, unitId, area, address, values);
    await this.request(unitId, area, address, timeoutMs, async (client) => {
      if (area === 'coil') {
        const states = values as boolean[];
        if (states.length === 1) {
          const echo = await client.writeCoil(address, states[0]!);
          if (echo.address !== address || echo.state !== states[0]) throw new Error('Unexpected data error: the device echoed a different coil write');
        } else {
          const echo = await client.writeCoils(address, states);
          if (echo.address !== address || echo.length !== states.length) throw new Error('Unexpected data error: the device echoed a different coil write');
        }
      } else {
        const registers = values as number[];
        if (registers.length === 1) {
          const echo = await client.writeRegister(address, registers[0]!);
          if (echo.address !== address || echo.value !== registers[0]) throw new Error('Unexpected data error: the device echoed a different register write');
        } else {
          const echo = await client.writeRegisters(address, registers);
          if (echo.address !== address || echo.length !== registers.length) throw new Error('Unexpected data error: the device echoed a different register write');
        }
      }
      return [];
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.inFlight?.(new GatehouseError('cancelled', `Bus ${this.bus.id} was closed`, { bus: this.bus.id }));
    await new Promise<void>((resolve) => {
      if (this.socket) {
        this.socket.destroy();
        resolve();
      } else {
        // A serial port that already dropped calls back with an error; either way it is closed.
        const timer = setTimeout(resolve, 2000);
        this.client.close(() => (clearTimeout(timer), resolve()));
      }
    });
  }

  private async request(
    unitId: number,
    area: RegisterArea,
    address: number,
    timeoutMs: number,
    send: (client: Client) => Promise<RegisterValues>,
  ): Promise<RegisterValues> {
    const context = { bus: this.bus.id, unit: unitId, area, address, timeoutMs };
    if (this.busy) throw new GatehouseError('internal-error', `Bus ${this.bus.id} got a second request while one is in flight`, context);
    if (!this.isOpen) throw new GatehouseError('unreachable', `Bus ${this.bus.id} is not connected`, { ...context, reason: 'connection-lost' });
    this.busy = true;
    try {
      const wait = this.quietUntil - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.client._port && this.bus.kind === 'rtu' && this.quietUntil > 0) this.client._port._buffer = Buffer.alloc(0);
      this.quietUntil = 0;
      this.client.setID(unitId);
      this.client.setTimeout(timeoutMs);
      return await new Promise<RegisterValues>((resolve, reject) => {
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          clearTimeout(guard);
          this.inFlight = undefined;
          fn();
        };
        // modbus-serial times the request out itself; this guard only catches a request it forgot.
        const guard = setTimeout(() => settle(() => reject(problemFromModbusError({ errno: 'ETIMEDOUT' }, context))), timeoutMs + 1000);
        this.inFlight = (err) => settle(() => reject(err));
        send(this.client).then(
          (values) => settle(() => resolve(values)),
          (err: unknown) => settle(() => reject(problemFromModbusError(err, context))),
        );
      });
    } catch (err) {
      if (err instanceof GatehouseError && err.context.reason === 'no-answer' && this.bus.kind === 'rtu') {
        this.quietUntil = Date.now() + rtuQuietMs(this.bus.baudRate);
      }
      if (this.dropped && err instanceof GatehouseError && err.code !== 'cancelled') {
        throw new GatehouseError('unreachable', this.dropped.message, { ...context, reason: 'connection-lost' });
      }
      throw err;
    } finally {
      this.busy = false;
    }
  }

  private connectionLost(why: string): void {
    if (this.closed || this.dropped) return;
    this.dropped = new GatehouseError('unreachable', `Lost the connection to bus ${this.bus.id}: ${why}`, { bus: this.bus.id, reason: 'connection-lost' });
    this.inFlight?.(this.dropped);
    if (this.socket) this.socket.destroy();
    else this.client.close(() => undefined);
    for (const listener of this.closeListeners) listener(this.dropped);
  }
}

function checkCount(values: number[], count: number): number[] {
  if (values.length !== count) throw new Error(`Data length error, expected ${count} registers got ${values.length}`);
  return values;
}

/** Long enough for the longest frame (256 bytes of 11 bits) to finish arriving, plus a margin. */
function rtuQuietMs(baudRate: number): number {
  return Math.ceil((256 * 11 * 1000) / baudRate) + 50;
}
