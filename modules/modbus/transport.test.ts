import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../kernel/errors.js';
import { startModbusSlave, functionCodes, type ModbusSlave } from '../../test/support/modbus-slave.js';
import { modbusExceptionOf, openTransport, type Transport } from './transport.js';
import { busSchema } from './profile.js';

let slave: ModbusSlave | undefined;
let transport: Transport | undefined;
afterEach(async () => {
  await transport?.close();
  await slave?.stop();
  transport = undefined;
  slave = undefined;
});

const tcpBus = (port: number, timeoutMs = 500) => busSchema.parse({ id: 'line1', kind: 'tcp', host: '127.0.0.1', port, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatehouseError);
    return err as GatehouseError;
  }
  throw new Error('expected the request to fail');
}

describe('Modbus transport over TCP (modbus-serial client against a ServerTCP slave)', () => {
  it('reads every area and writes coils and registers with single and multiple function codes', async () => {
    slave = await startModbusSlave({ units: [1] });
    slave.set(1, 'holding-register', 10, [1, 2, 65535]);
    slave.set(1, 'input-register', 0, [42]);
    slave.set(1, 'coil', 3, [true, false, true]);
    slave.set(1, 'discrete-input', 0, [false, true]);
    transport = await openTransport(tcpBus(slave.port));
    expect(transport.isOpen).toBe(true);
    expect(await transport.read(1, 'holding-register', 10, 3, 500)).toEqual([1, 2, 65535]);
    expect(await transport.read(1, 'input-register', 0, 1, 500)).toEqual([42]);
    expect(await transport.read(1, 'coil', 3, 3, 500)).toEqual([true, false, true]);
    expect(await transport.read(1, 'discrete-input', 0, 2, 500)).toEqual([false, true]);

    await transport.write(1, 'holding-register', 20, [7], 500);
    await transport.write(1, 'holding-register', 30, [8, 9], 500);
    await transport.write(1, 'coil', 40, [true], 500);
    await transport.write(1, 'coil', 50, [true, true, false], 500);
    expect(slave.get(1, 'holding-register', 20, 1)).toEqual([7]);
    expect(slave.get(1, 'holding-register', 30, 2)).toEqual([8, 9]);
    expect(slave.get(1, 'coil', 40, 1)).toEqual([true]);
    expect(slave.get(1, 'coil', 50, 3)).toEqual([true, true, false]);
    expect(slave.requests(1, functionCodes.writeRegister)).toBe(1);
    expect(slave.requests(1, functionCodes.writeRegisters)).toBe(1);
    expect(slave.requests(1, functionCodes.writeCoil)).toBe(1);
    expect(slave.requests(1, functionCodes.writeCoils)).toBe(1);
  });

  it('maps a silent unit to timeout, an exception answer to its name and code, a refused port to unreachable', async () => {
    slave = await startModbusSlave({ units: [1, 2] });
    transport = await openTransport(tcpBus(slave.port));
    slave.noAnswer(2);
    const timeout = await failure(transport.read(2, 'holding-register', 0, 1, 200));
    expect(timeout.code).toBe('timeout');
    expect(timeout.context).toMatchObject({ unit: 2, reason: 'no-answer' });

    const illegal = await failure(transport.read(1, 'holding-register', 20_000, 2, 500));
    expect(illegal.code).toBe('invalid-params');
    expect(illegal.message).toMatch(/illegal data address/);
    expect(modbusExceptionOf(illegal)).toBe(2);

    slave.failWith(1, 6);
    const busy = await failure(transport.read(1, 'holding-register', 0, 1, 500));
    expect(busy.message).toMatch(/device busy/);
    expect(modbusExceptionOf(busy)).toBe(6);
    slave.failWith(1, 4);
    const failed = await failure(transport.write(1, 'holding-register', 0, [1], 500));
    expect(failed.message).toMatch(/device failure/);
    expect(modbusExceptionOf(failed)).toBe(4);

    const port = slave.port;
    await transport.close();
    await slave.stop();
    slave = undefined;
    const refused = await failure(openTransport(tcpBus(port)));
    expect(refused.code).toBe('unreachable');
  });

  it('refuses broadcast and out-of-range requests before anything is sent', async () => {
    slave = await startModbusSlave({ units: [1] });
    transport = await openTransport(tcpBus(slave.port));
    expect((await failure(transport.read(0, 'holding-register', 0, 1, 500))).code).toBe('forbidden');
    expect((await failure(transport.write(0, 'coil', 0, [true], 500))).code).toBe('forbidden');
    expect((await failure(transport.read(248, 'holding-register', 0, 1, 500))).code).toBe('invalid-params');
    expect((await failure(transport.read(1, 'holding-register', 0, 126, 500))).code).toBe('invalid-params');
    expect((await failure(transport.read(1, 'coil', 65_535, 2, 500))).code).toBe('invalid-params');
    expect((await failure(transport.write(1, 'input-register', 0, [1], 500))).code).toBe('invalid-params');
    expect((await failure(transport.write(1, 'holding-register', 0, [65_536], 500))).code).toBe('invalid-params');
    expect((await failure(transport.write(1, 'holding-register', 0, [1.5], 500))).code).toBe('invalid-params');
    expect((await failure(transport.write(1, 'coil', 0, [1 as unknown as boolean], 500))).code).toBe('invalid-params');
    expect(slave.requests()).toBe(0);
  });

  it('fails the request in flight as unreachable when the gateway drops the connection, and says so once', async () => {
    slave = await startModbusSlave({ units: [1] });
    transport = await openTransport(tcpBus(slave.port, 5000));
    const drops: GatehouseError[] = [];
    transport.onClose((err) => drops.push(err));
    slave.noAnswer(1);
    const pending = failure(transport.read(1, 'holding-register', 0, 1, 5000));
    await expect.poll(() => slave!.requests(1)).toBe(1);
    await slave.stop();
    slave = undefined;
    const lost = await pending;
    expect(lost.code).toBe('unreachable');
    expect(lost.context.reason).toBe('connection-lost');
    expect(transport.isOpen).toBe(false);
    expect(drops).toHaveLength(1);
    expect((await failure(transport.read(1, 'holding-register', 0, 1, 500))).code).toBe('unreachable');
  });
});
