/**
 * A Modbus slave for tests, built independently of the agent's code: modbus-serial's ServerTCP (or ServerSerial on
 * a pseudo-terminal) serving a register image per unit id, with switches for the faults a field bus has:
 * a unit that does not answer, slow answers, exception answers. It counts what reached it at the wire, per unit and
 * function code, and the most requests it ever had open at once, so a test can say "nothing reached the bus" or
 * "the bus never sent two requests at once".
 */
import { createServer, type Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import type { IServiceVector } from 'modbus-serial';

export type SlaveArea = 'coil' | 'discrete-input' | 'input-register' | 'holding-register';

/** One function code per area for reads, and the write function codes. */
export const functionCodes = { readCoils: 1, readDiscreteInputs: 2, readHoldingRegisters: 3, readInputRegisters: 4, writeCoil: 5, writeRegister: 6, writeCoils: 15, writeRegisters: 16 } as const;

export interface ModbusSlave {
  readonly host: string;
  readonly port: number;
  /** Add a unit (a device on the bus); only added units answer (set() adds its unit too). */
  addUnit(unitId: number): void;
  set(unitId: number, area: SlaveArea, address: number, values: number[] | boolean[]): void;
  get(unitId: number, area: SlaveArea, address: number, count: number): (number | boolean)[];
  /** The unit hears requests but never answers (a dead or disconnected device). */
  noAnswer(unitId: number, on?: boolean): void;
  /** Answer every request (all units) this many ms late. */
  delay(ms: number): void;
  /** Answer every request to this unit with a Modbus exception (e.g. 4 device failure, 6 busy); null to stop. */
  failWith(unitId: number, exceptionCode: number | null): void;
  /** Requests that reached the slave, for one unit and optionally one function code; no unit = all. */
  requests(unitId?: number, functionCode?: number): number;
  /** The most requests the slave ever had open at the same time (received, not yet answered or dropped). */
  readonly maxInFlight: number;
  /** Connections accepted so far. */
  readonly connections: number;
  resetCounts(): void;
  /** Drop every connection and stop listening (the port is free again). */
  stop(): Promise<void>;
}

interface UnitImage {
  bits: Record<'coil' | 'discrete-input', Map<number, boolean>>;
  registers: Record<'input-register' | 'holding-register', Map<number, number>>;
}

export interface SlaveOptions {
  host?: string;
  /** Listen on this port (e.g. to restart on the same one); default: a free port. */
  port?: number;
  units?: number[];
  /** Addresses at or above this answer "illegal data address" (default 10 000). */
  size?: number;
}

class SlaveState {
  readonly images = new Map<number, UnitImage>();
  readonly silent = new Set<number>();
  readonly exceptions = new Map<number, number>();
  delayMs = 0;
  counts = new Map<string, number>();
  open = 0;
  maxInFlight = 0;

  constructor(readonly size: number) {}

  addUnit(unitId: number): void {
    if (this.images.has(unitId)) return;
    this.images.set(unitId, {
      bits: { coil: new Map(), 'discrete-input': new Map() },
      registers: { 'input-register': new Map(), 'holding-register': new Map() },
    });
  }

  image(unitId: number): UnitImage {
    this.addUnit(unitId);
    return this.images.get(unitId)!;
  }

  /** Whether a unit answers at all: only known, not silenced units do, like devices on a real line. */
  answers(unitId: number): boolean {
    return this.images.has(unitId) && !this.silent.has(unitId);
  }

  received(unitId: number, functionCode: number): void {
    const key = `${unitId}/${functionCode}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.open += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.open);
  }

  finished(): void {
    this.open = Math.max(0, this.open - 1);
  }

  requests(unitId?: number, functionCode?: number): number {
    let total = 0;
    for (const [key, n] of this.counts) {
      const [u, f] = key.split('/').map(Number);
      if ((unitId === undefined || u === unitId) && (functionCode === undefined || f === functionCode)) total += n;
    }
    return total;
  }

  private check(unitId: number, address: number): void {
    const code = this.exceptions.get(unitId);
    if (code !== undefined) throw Object.assign(new Error(`exception ${code}`), { modbusErrorCode: code });
    if (address >= this.size) throw Object.assign(new Error('illegal data address'), { modbusErrorCode: 2 });
  }

  bit(area: 'coil' | 'discrete-input', address: number, unitId: number): boolean {
    this.check(unitId, address);
    return this.image(unitId).bits[area].get(address) ?? false;
  }

  register(area: 'input-register' | 'holding-register', address: number, unitId: number): number {
    this.check(unitId, address);
    return this.image(unitId).registers[area].get(address) ?? 0;
  }

  /** modbus-serial calls these per value (or per request for multi-register reads), synchronously. */
  vector(): IServiceVector {
    return {
      getCoil: (addr: number, unit: number) => this.bit('coil', addr, unit),
      getDiscreteInput: (addr: number, unit: number) => this.bit('discrete-input', addr, unit),
      getInputRegister: (addr: number, unit: number) => this.register('input-register', addr, unit),
      getHoldingRegister: (addr: number, unit: number) => this.register('holding-register', addr, unit),
      getMultipleInputRegisters: (addr: number, length: number, unit: number) =>
        Array.from({ length }, (_, i) => this.register('input-register', addr + i, unit)),
      getMultipleHoldingRegisters: (addr: number, length: number, unit: number) =>
        Array.from({ length }, (_, i) => this.register('holding-register', addr + i, unit)),
      setCoil: (addr: number, value: boolean, unit: number) => {
        this.check(unit, addr);
        this.image(unit).bits.coil.set(addr, value);
      },
      setRegister: (addr: number, value: number, unit: number) => {
        this.check(unit, addr);
        this.image(unit).registers['holding-register'].set(addr, value);
      },
      setRegisterArray: (addr: number, values: number[], unit: number) => {
        this.check(unit, addr + values.length - 1);
        values.forEach((v, i) => this.image(unit).registers['holding-register'].set(addr + i, v));
      },
    };
  }

  api(): Omit<ModbusSlave, 'host' | 'port' | 'connections' | 'stop'> {
    const state = this;
    return {
      addUnit: (unitId) => this.addUnit(unitId),
      set: (unitId, area, address, values) => {
        const image = this.image(unitId);
        values.forEach((v: number | boolean, i: number) => {
          if (area === 'coil' || area === 'discrete-input') image.bits[area].set(address + i, Boolean(v));
          else image.registers[area].set(address + i, Number(v));
        });
      },
      get: (unitId, area, address, count) =>
        Array.from({ length: count }, (_, i) =>
          area === 'coil' || area === 'discrete-input'
            ? (this.image(unitId).bits[area].get(address + i) ?? false)
            : (this.image(unitId).registers[area].get(address + i) ?? 0),
        ),
      noAnswer: (unitId, on = true) => void (on ? this.silent.add(unitId) : this.silent.delete(unitId)),
      delay: (ms) => void (this.delayMs = ms),
      failWith: (unitId, code) => void (code === null ? this.exceptions.delete(unitId) : this.exceptions.set(unitId, code)),
      requests: (unitId, functionCode) => this.requests(unitId, functionCode),
      get maxInFlight() {
        return state.maxInFlight;
      },
      resetCounts: () => {
        this.counts = new Map();
        this.maxInFlight = this.open;
      },
    };
  }

  /** Send an answer, late if asked, or drop it for a silent unit; either way the request is no longer open. */
  answer(unitId: number, send: () => void): void {
    if (!this.answers(unitId)) {
      this.finished();
      return;
    }
    if (this.delayMs > 0) {
      setTimeout(() => {
        this.finished();
        send();
      }, this.delayMs);
    } else {
      this.finished();
      send();
    }
  }
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Start a Modbus TCP slave on loopback. */
export async function startModbusSlave(options: SlaveOptions = {}): Promise<ModbusSlave> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await freePort(host));
  const state = new SlaveState(options.size ?? 10_000);
  for (const unit of options.units ?? []) state.addUnit(unit);

  const server = new modbusSerial.ServerTCP(state.vector(), { host, port, unitID: 255 });
  let connections = 0;
  const sockets = new Set<Socket>();
  // ServerTCP keeps its net.Server private; instrument the wire beside its own listener.
  const net = (server as unknown as { _server: import('node:net').Server })._server;
  net.on('connection', (sock: Socket) => {
    connections += 1;
    sockets.add(sock);
    sock.once('close', () => sockets.delete(sock));
    let pending = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length > 6) {
        const length = pending.readUInt16BE(4);
        if (pending.length < 6 + length) break;
        state.received(pending[6]!, pending[7]!);
        pending = pending.subarray(6 + length);
      }
    });
    // ServerTCP answers through sock.write with one MBAP frame per call; the unit id is byte 6.
    const write = sock.write.bind(sock) as (data: Buffer) => boolean;
    (sock as { write: unknown }).write = (data: Buffer) => {
      state.answer(data[6]!, () => {
        if (!sock.destroyed) write(data);
      });
      return true;
    };
  });
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', (err: Error) => reject(err));
  });

  return {
    ...state.api(),
    host,
    port,
    get connections() {
      return connections;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const sock of sockets) sock.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Start a Modbus RTU slave on one end of a serial line (e.g. a socat pseudo-terminal). */
export async function startSerialModbusSlave(path: string, options: Omit<SlaveOptions, 'host' | 'port'> & { baudRate?: number } = {}): Promise<Omit<ModbusSlave, 'host' | 'port'>> {
  const state = new SlaveState(options.size ?? 10_000);
  for (const unit of options.units ?? []) state.addUnit(unit);
  const ServerSerial = modbusSerial.ServerSerial;
  let server: InstanceType<typeof ServerSerial> | undefined;
  const portResponse = {
    // ServerSerial answers through this with one RTU frame per call; the unit id is byte 0.
    write: (frame: Buffer) => state.answer(frame[0]!, () => (server as unknown as { getPort(): { write(b: Buffer): void } } | undefined)?.getPort().write(frame)),
  };
  await new Promise<void>((resolve, reject) => {
    server = new ServerSerial(state.vector(), {
      path,
      baudRate: options.baudRate ?? 9600,
      unitID: 255,
      portResponse,
      openCallback: (err: Error | null) => (err ? reject(err) : resolve()),
    } as unknown as ConstructorParameters<typeof ServerSerial>[1]);
  });
  const frames = (server as unknown as { _server: NodeJS.EventEmitter })._server;
  frames.on('data', (frame: Buffer) => state.received(frame[0]!, frame[1]!));
  return {
    ...state.api(),
    get connections() {
      return 1;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    stop: () => new Promise<void>((resolve) => server!.close(() => resolve())),
  };
}
