/**
 * Setpoint writes through the gateway against a real Modbus slave: every refusal leaves the line untouched,
 * a permitted write is read back, and a write whose answer is lost is reported unknown, never retried
 * (SECURITY.md rule 9).
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import modbusSerial from 'modbus-serial';
import { describe, expect, it } from 'vitest';
import type { ModbusSlave } from '../../test/support/modbus-slave.js';
import { GatehouseError } from '../kernel/errors.js';
import { profileSchema, type Profile } from './profile.js';
import { cleanups, openGateway, refusal, slaveWith, tcpProfile, tempDir, until, writesReaching } from './gateway-test-support.js';

describe('setpoint writes', () => {
  /** A dosing PLC polled slowly (60 s), so after the first poll any request on the line is the write's own. */
  async function dosingGateway() {
    const slave = await slaveWith([3]);
    slave.set(3, 'holding-register', 0, [500, 2, 80]);
    slave.set(3, 'input-register', 0, [42]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(slave.port, [
        {
          id: 'dosing',
          name: 'Dosing PLC',
          bus: 'line',
          unitId: 3,
          tags: [
            { name: 'dose.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, unit: 'l/h', pollClass: 'slow', write: { min: 30, max: 100, maxStep: 20, minIntervalSeconds: 5 } },
            { name: 'dose.mode', area: 'holding-register', address: 1, pollClass: 'slow' },
            { name: 'dose.flow', area: 'input-register', address: 0, pollClass: 'slow' },
            { name: 'dose.enable', area: 'coil', address: 0, type: 'bool', pollClass: 'slow', write: { min: 0, max: 1 } },
            { name: 'dose.limit', area: 'holding-register', address: 2, pollClass: 'slow', write: { min: 0, max: 100, approval: true } },
          ],
        },
      ]),
    );
    await until('good readings', () => ['dose.setpoint', 'dose.mode', 'dose.flow', 'dose.enable'].every((n) => gw.reading(n).quality === 'good'), 10_000);
    return { slave, gw };
  }

  /** A refused write, and proof that not one request reached the device for it. */
  async function refusedWithNothingOnTheBus(slave: ModbusSlave, write: Promise<unknown>): Promise<GatehouseError> {
    const before = slave.requests(3);
    const error = await refusal(write);
    // Give a request that slipped through time to arrive before counting.
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(3), `requests reaching the device for a refused write (${error.code}: ${error.message})`).toBe(before);
    expect(writesReaching(slave)).toBe(0);
    return error;
  }

  it('refuses values outside the limits, steps above the maximum, tags without a write rule, and read-only tags, with nothing on the bus', async () => {
    const { slave, gw } = await dosingGateway();
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.setpoint', 120))).code).toBe('invalid-params');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.setpoint', 10))).code).toBe('invalid-params');
    const step = await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.setpoint', 75));
    expect(step.code).toBe('invalid-params');
    expect(step.message).toMatch(/maximum step/);
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.mode', 3))).code).toBe('forbidden');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.flow', 40))).code).toBe('forbidden');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.enable', 1 as unknown as boolean))).code).toBe('invalid-params');
    expect((await refusedWithNothingOnTheBus(slave, gw.gateway.write('no.such-tag', 40))).code).toBe('not-found');
    // A rule asking for a second person's approval is refused without one: deny by default.
    const unapproved = await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.limit', 50));
    expect(unapproved.code).toBe('forbidden');
    expect(unapproved.message).toMatch(/second person/);
    expect(slave.get(3, 'holding-register', 0, 2)).toEqual([500, 2]);
  });

  it('writes a tag whose rule asks for approval only with an approval naming two different people, and answers it', async () => {
    const { slave, gw } = await dosingGateway();
    const self = await refusedWithNothingOnTheBus(slave, gw.gateway.write('dose.limit', 50, { id: 3, requester: 'alice', approver: 'alice' }));
    expect(self.code).toBe('forbidden');
    expect(self.message).toMatch(/names alice twice/);
    const stamp = { id: 4, requester: 'alice', approver: 'bob' };
    const result = await gw.gateway.write('dose.limit', 50, stamp);
    expect(result).toMatchObject({ tag: 'dose.limit', previous: 80, requested: 50, readBack: 50, outcome: 'confirmed', approval: stamp });
    expect(slave.get(3, 'holding-register', 2, 1)).toEqual([50]);
  });

  it('refuses a write to a read-only area even when a profile that skipped the schema asks for it', async () => {
    const slave = await slaveWith([3]);
    slave.set(3, 'input-register', 0, [42]);
    const devices = [{ id: 'dosing', name: 'Dosing PLC', bus: 'line', unitId: 3, tags: [{ name: 'dose.flow', area: 'input-register', address: 0, pollClass: 'slow', write: { min: 0, max: 100 } }] }];
    const draft = { version: 1, pollClasses: { slow: 60 }, refreshSeconds: 3600, buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 500 }], devices };
    // The schema refuses it, naming the key…
    const parsed = profileSchema.safeParse(draft);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('devices.0.tags.0.write');
    // …and the gateway does not write it even if handed one that was never checked.
    const unchecked = structuredClone(draft) as unknown as Profile;
    const tag = unchecked.devices[0]!.tags[0]! as Record<string, unknown>;
    Object.assign(tag, { type: 'uint16', wordOrder: 'ABCD', description: '', unit: '', deadband: 0, write: { min: 0, max: 100, minIntervalSeconds: 0, approval: false } });
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(unchecked);
    await until('a good reading', () => gw.reading('dose.flow').quality === 'good', 10_000);
    const before = slave.requests(3);
    await refusal(gw.gateway.write('dose.flow', 40));
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(3)).toBe(before);
    expect(writesReaching(slave)).toBe(0);
    expect(slave.get(3, 'input-register', 0, 1)).toEqual([42]);
  });

  it('confirms a permitted write by read-back, then refuses the next one that comes too soon', async () => {
    const { slave, gw } = await dosingGateway();
    const result = await gw.gateway.write('dose.setpoint', 60);
    expect(result).toMatchObject({ tag: 'dose.setpoint', previous: 50, requested: 60, readBack: 60, outcome: 'confirmed' });
    expect(slave.get(3, 'holding-register', 0, 1)).toEqual([600]);
    expect(writesReaching(slave, 3)).toBe(1);
    // The read-back is the gateway's reading now.
    expect(gw.reading('dose.setpoint')).toMatchObject({ value: 60, quality: 'good' });

    const before = slave.requests(3);
    const again = await refusal(gw.gateway.write('dose.setpoint', 65));
    expect(again.code).toBe('rate-limited');
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(3)).toBe(before);
    expect(writesReaching(slave, 3)).toBe(1);
    expect(slave.get(3, 'holding-register', 0, 1)).toEqual([600]);
  });

  it('reports unknown, never retrying, when the device takes a write but its answer and the read-back are lost', async () => {
    const { slave, gw } = await dosingGateway();
    slave.noAnswer(3);
    const result = await gw.gateway.write('dose.enable', true);
    expect(result).toMatchObject({ tag: 'dose.enable', requested: true, readBack: null, outcome: 'unknown' });
    // The device did take it (only its answer was lost): exactly why "unknown" and not "failed".
    expect(slave.get(3, 'coil', 0, 1)).toEqual([true]);
    // Sent once, not again.
    expect(writesReaching(slave, 3)).toBe(1);
  });

  it('reports a mismatch when the device keeps another value than the one written', async () => {
    // A PLC that clamps the setpoint to 70.0 l/h whatever it is sent: a real device that "does not take" a value.
    const holding = new Map<number, number>([[0, 500]]);
    let writes = 0;
    const vector = {
      getHoldingRegister: (address: number) => holding.get(address) ?? 0,
      getMultipleHoldingRegisters: (address: number, length: number) => Array.from({ length }, (_, i) => holding.get(address + i) ?? 0),
      setRegister: (address: number, value: number) => {
        writes += 1;
        holding.set(address, Math.min(value, 700));
      },
      setRegisterArray: (address: number, values: number[]) => {
        writes += 1;
        values.forEach((v, i) => holding.set(address + i, Math.min(v, 700)));
      },
    };
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const server = new modbusSerial.ServerTCP(vector as never, { host: '127.0.0.1', port, unitID: 255 });
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', (err: Error) => reject(err));
    });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(port, [
        { id: 'dosing', name: 'Dosing PLC', bus: 'line', unitId: 1, tags: [{ name: 'dose.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, pollClass: 'slow', write: { min: 0, max: 100, minIntervalSeconds: 0 } }] },
      ]),
    );
    await until('a good reading', () => gw.reading('dose.setpoint').quality === 'good', 10_000);
    const result = await gw.gateway.write('dose.setpoint', 90);
    expect(result).toMatchObject({ previous: 50, requested: 90, readBack: 70, outcome: 'mismatch' });
    expect(writes).toBe(1);
    const ok = await gw.gateway.write('dose.setpoint', 65);
    expect(ok).toMatchObject({ requested: 65, readBack: 65, outcome: 'confirmed' });
  });
});
