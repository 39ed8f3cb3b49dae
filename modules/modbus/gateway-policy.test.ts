/**
 * The local policy's modbusWritableTags against a real Modbus slave: a tag the console's profile makes writable
 * is refused with policy-denied and nothing on the bus when the gateway owner's list leaves it out, and a listed
 * tag is written and read back as usual.
 */
import { describe, expect, it } from 'vitest';
import { Gateway } from './gateway.js';
import { cleanups, refusal, slaveWith, tcpProfile, tempDir, until, writesReaching } from './gateway-test-support.js';

async function pumpGateway(writableTags?: readonly string[]) {
  const slave = await slaveWith([4]);
  slave.set(4, 'holding-register', 0, [300, 500]);
  const gateway = await Gateway.open({ dataDir: await tempDir(), onSamples: () => undefined, ...(writableTags ? { writableTags } : {}) });
  cleanups.push(() => gateway.close());
  await gateway.apply(
    tcpProfile(slave.port, [
      {
        id: 'pump1',
        name: 'Pump 1',
        bus: 'line',
        unitId: 4,
        tags: [
          // Both writable by the profile: only the local policy tells them apart.
          { name: 'pump1.speed.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, pollClass: 'slow', write: { min: 0, max: 100 } },
          { name: 'pump1.pressure.limit', area: 'holding-register', address: 1, scaling: { gain: 0.1 }, pollClass: 'slow', write: { min: 0, max: 100 } },
        ],
      },
    ]),
  );
  await until('good readings', () => gateway.readings().length === 3 && gateway.readings().every((r) => r.quality === 'good'), 10_000);
  return { slave, gateway };
}

describe('modbusWritableTags on the gateway', () => {
  it('refuses a profile-writable tag the local policy leaves out, with nothing on the bus, and writes one it names', async () => {
    const { slave, gateway } = await pumpGateway(['*.speed.setpoint']);
    const before = slave.requests(4);
    const denied = await refusal(gateway.write('pump1.pressure.limit', 40));
    expect(denied.code).toBe('policy-denied');
    expect(denied.message).toBe("tag pump1.pressure.limit is not writable under this gateway's local policy (modbusWritableTags)");
    await new Promise((r) => setTimeout(r, 300));
    expect(slave.requests(4)).toBe(before);
    expect(writesReaching(slave)).toBe(0);
    expect(slave.get(4, 'holding-register', 1, 1)).toEqual([500]);

    const written = await gateway.write('pump1.speed.setpoint', 35);
    expect(written).toMatchObject({ tag: 'pump1.speed.setpoint', previous: 30, requested: 35, readBack: 35, outcome: 'confirmed' });
    expect(slave.get(4, 'holding-register', 0, 1)).toEqual([350]);
    expect(writesReaching(slave, 4)).toBe(1);
  });

  it('still applies the profile write rule to a tag the policy names', async () => {
    const { slave, gateway } = await pumpGateway(['pump1.speed.setpoint']);
    expect((await refusal(gateway.write('pump1.speed.setpoint', 150))).code).toBe('invalid-params');
    expect(writesReaching(slave)).toBe(0);
  });

  it('refuses every write under an empty list, and leaves it to the profile without one', async () => {
    const locked = await pumpGateway([]);
    expect((await refusal(locked.gateway.write('pump1.speed.setpoint', 35))).code).toBe('policy-denied');
    expect(writesReaching(locked.slave)).toBe(0);
    const open = await pumpGateway();
    expect(await open.gateway.write('pump1.pressure.limit', 45)).toMatchObject({ readBack: 45, outcome: 'confirmed' });
  });
});
