/**
 * The gateway against a real, independently built Modbus slave (test/support/modbus-slave.ts: modbus-serial's
 * ServerTCP on loopback), with its profile and run counters in a temporary directory: decoding and quality,
 * a device that stops answering, a dead device on a shared line, stale readings, report by exception, pump run
 * hours and starts, and that nothing is written on start-up (setpoint writes: gateway-writes.test.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openGateway, slaveWith, tcpProfile, tempDir, threePollsMs, ticking, until, writesReaching } from './gateway-test-support.js';

describe('reading devices', () => {
  it('decodes values with quality good and reports the device answering', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'input-register', 0, [1234]);
    slave.set(1, 'coil', 0, [true]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(slave.port, [
        {
          id: 'intake',
          name: 'Intake PLC',
          bus: 'line',
          unitId: 1,
          tags: [
            { name: 'flow', area: 'input-register', address: 0, type: 'uint16', scaling: { gain: 0.1 }, unit: 'm3/h', pollClass: 'fast' },
            { name: 'pump.running', area: 'coil', address: 0, type: 'bool', pollClass: 'fast' },
          ],
        },
      ]),
    );
    await until('good readings', () => gw.reading('flow').quality === 'good' && gw.reading('pump.running').quality === 'good', 10_000);
    expect(gw.reading('flow').value).toBeCloseTo(123.4, 6);
    expect(gw.reading('pump.running').value).toBe(true);
    expect(gw.reading('intake.comm')).toMatchObject({ value: true, quality: 'good' });
    // The same readings went out as samples, with the time they were read.
    await until('samples of flow', () => gw.samplesOf('flow').length > 0, 5000);
    expect(gw.samplesOf('flow')[0]).toMatchObject({ quality: 'good' });
    expect(gw.samplesOf('flow')[0]!.value).toBeCloseTo(123.4, 6);
    expect(gw.samplesOf('flow')[0]!.ts).toBeGreaterThan(Date.now() - 60_000);
  });

  it('turns the tags of a unit that stops answering comm-fault (no value) within three polls, and good again when it answers', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'input-register', 0, [500]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(
      tcpProfile(slave.port, [{ id: 'intake', name: 'Intake PLC', bus: 'line', unitId: 1, tags: [{ name: 'flow', area: 'input-register', address: 0, pollClass: 'fast' }] }]),
    );
    await until('a good reading', () => gw.reading('flow').quality === 'good', 10_000);

    slave.noAnswer(1);
    await until('flow to be comm-fault and intake.comm false', () => gw.reading('flow').quality === 'comm-fault' && gw.reading('intake.comm').value === false, threePollsMs);
    expect(gw.reading('flow').value).toBeNull();
    await until('the comm-fault sent as a sample', () => gw.samplesOf('flow').at(-1)?.quality === 'comm-fault', 3000);
    expect(gw.samplesOf('flow').at(-1)).toMatchObject({ quality: 'comm-fault', value: null });
    expect(gw.gateway.status().devices[0]).toMatchObject({ id: 'intake', comm: 'backoff' });

    slave.noAnswer(1, false);
    slave.set(1, 'input-register', 0, [501]);
    // The unit is retried after its backoff (at most a few seconds after a short silence).
    await until('flow good again', () => gw.reading('flow').quality === 'good' && gw.reading('intake.comm').value === true, 30_000);
    expect(gw.reading('flow').value).toBe(501);
    await until('the recovery sent as samples', () => gw.samplesOf('flow').at(-1)?.value === 501 && gw.samplesOf('intake.comm').at(-1)?.value === true, 5000);
  });

  it('keeps polling a device on a shared line at its rate while the other devices on the line are dead', async () => {
    const slave = await slaveWith([1, 2, 3, 4]);
    for (const unit of [2, 3, 4]) slave.noAnswer(unit);
    ticking(slave, 1, 0);
    const gw = await openGateway(await tempDir());
    // Three dead units, each a full timeout per request if the gateway kept asking them: without backoff the live
    // unit's poll would wait behind three timeouts every time and get a reading every three or four seconds.
    const dead = [2, 3, 4].map((unitId) => ({
      id: `dead${unitId}`,
      name: `Dead PLC ${unitId}`,
      bus: 'line',
      unitId,
      maxGap: 0,
      tags: [0, 100].map((address) => ({ name: `dead${unitId}.t${address}`, area: 'input-register', address, pollClass: 'fast' })),
    }));
    const live = { id: 'live', name: 'Live PLC', bus: 'line', unitId: 1, tags: [{ name: 'live.counter', area: 'input-register', address: 0, pollClass: 'fast' }] };
    await gw.gateway.apply(tcpProfile(slave.port, [...dead, live], { buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 1000 }] }));

    await until('the dead units to be comm-fault', () => [2, 3, 4].every((u) => gw.reading(`dead${u}.comm`).value === false), threePollsMs);
    await until('the live unit to read good', () => gw.reading('live.counter').quality === 'good', 10_000);
    // Let the dead units' backoff grow, as it would on a line where a device has been dead for a while.
    await new Promise((r) => setTimeout(r, 10_000));
    const from = gw.samplesOf('live.counter').length;
    const windowMs = 10_000;
    await new Promise((r) => setTimeout(r, windowMs));
    const polled = gw.samplesOf('live.counter').slice(from);
    // 1 s polling over 10 s is ten readings; a line stalled by the dead units gives three or four.
    expect(polled.length, `live samples in ${windowMs} ms: ${polled.map((s) => s.ts).join(', ')}`).toBeGreaterThanOrEqual(6);
    expect(polled.every((s) => s.quality === 'good')).toBe(true);
    expect(gw.reading('dead2.t0').quality).toBe('comm-fault');
    // One line, one request at a time, even with devices timing out on it.
    expect(slave.maxInFlight).toBe(1);
  }, 60_000);

  it('marks a reading stale (keeping its value) when polls stop completing though the device is not lost', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'input-register', 0, [700]);
    const gw = await openGateway(await tempDir());
    // A long timeout: the answers are slow, not missing, so this is no comm-fault.
    await gw.gateway.apply(
      tcpProfile(slave.port, [{ id: 'intake', name: 'Intake PLC', bus: 'line', unitId: 1, tags: [{ name: 'flow', area: 'input-register', address: 0, pollClass: 'fast' }] }], {
        buses: [{ id: 'line', kind: 'tcp', host: '127.0.0.1', port: slave.port, timeoutMs: 25_000 }],
      }),
    );
    await until('a good reading', () => gw.reading('flow').quality === 'good', 10_000);

    slave.delay(12_000);
    const stale = await until('flow to be stale', () => (gw.reading('flow').quality === 'stale' ? gw.reading('flow') : undefined), 20_000);
    expect(stale.value).toBe(700);
    // The batch leaves a moment after the reading changes (the gateway gathers a poll cycle's readings).
    await until('the stale reading sent', () => gw.samplesOf('flow').some((s) => s.quality === 'stale' && s.value === 700), 5_000);
    expect(gw.samplesOf('flow').some((s) => s.quality === 'comm-fault')).toBe(false);

    slave.delay(0);
    await until('flow good again', () => gw.reading('flow').quality === 'good', 30_000);
  }, 60_000);
});

describe('report by exception', () => {
  const devices = (port: number) => [
    {
      id: 'tank',
      name: 'Tank PLC',
      bus: 'line',
      unitId: 1,
      tags: [
        { name: 'level', area: 'input-register', address: 10, type: 'int16', scaling: { gain: 0.1 }, deadband: 1, pollClass: 'fast' },
        { name: 'heartbeat', area: 'input-register', address: 0, pollClass: 'fast' },
      ],
    },
  ];

  it('does not resend a value within the deadband, and sends a change beyond it at the next poll', async () => {
    const slave = await slaveWith([1]);
    ticking(slave, 1, 0);
    slave.set(1, 'input-register', 10, [1000]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(tcpProfile(slave.port, devices(slave.port)));
    await until('level 100 sent', () => gw.samplesOf('level').some((s) => s.value === 100), 10_000);

    slave.set(1, 'input-register', 10, [1005]);
    await until('the gateway to read 100.5', () => gw.reading('level').value === 100.5, threePollsMs);
    const beats = gw.samplesOf('heartbeat').length;
    await until('three more polls sent', () => gw.samplesOf('heartbeat').length >= beats + 3, threePollsMs);
    expect(gw.samplesOf('level').map((s) => s.value)).toEqual([100]);

    slave.set(1, 'input-register', 10, [1030]);
    await until('level 103 sent', () => gw.samplesOf('level').some((s) => s.value === 103), threePollsMs);
    expect(gw.samplesOf('level').map((s) => s.value)).toEqual([100, 103]);
  });

  it('resends an unchanged value at the refresh interval, not at every poll', async () => {
    const slave = await slaveWith([1]);
    ticking(slave, 1, 0);
    slave.set(1, 'input-register', 10, [1000]);
    const gw = await openGateway(await tempDir());
    await gw.gateway.apply(tcpProfile(slave.port, devices(slave.port), { refreshSeconds: 5 }));
    const first = await until('level 100 sent', () => gw.samplesOf('level').find((s) => s.value === 100), 10_000);
    slave.set(1, 'input-register', 10, [1005]); // within the deadband: only the refresh sends it
    const refreshed = await until('the refresh', () => gw.samplesOf('level').find((s) => s.value === 100.5), 15_000);
    expect(refreshed.ts - first.ts).toBeGreaterThanOrEqual(5000);
    expect(gw.samplesOf('level').filter((s) => s.ts < first.ts + 5000)).toHaveLength(1);
  }, 30_000);
});

describe('pump run hours and starts', () => {
  it('counts them from a running status and keeps them across a gateway restart', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'coil', 0, [false]);
    const dataDir = await tempDir();
    const gw = await openGateway(dataDir);
    await gw.gateway.apply(
      tcpProfile(slave.port, [
        { id: 'intake', name: 'Intake PLC', bus: 'line', unitId: 1, tags: [{ name: 'P-1.running', area: 'coil', address: 0, type: 'bool', pollClass: 'fast', track: { runHours: 'P-1.run-hours', starts: 'P-1.starts' } }] },
      ]),
    );
    await until('stopped', () => gw.reading('P-1.running').value === false, 10_000);
    slave.set(1, 'coil', 0, [true]);
    await until('one start', () => gw.reading('P-1.starts').value === 1, threePollsMs);
    // Run hours are kept to a thousandth of an hour (3.6 s): run long enough to see some.
    await until('some run hours', () => (gw.reading('P-1.run-hours').value as number) >= 0.001, 20_000);
    slave.set(1, 'coil', 0, [false]);
    await until('stopped again', () => gw.reading('P-1.running').value === false, threePollsMs);
    slave.set(1, 'coil', 0, [true]);
    await until('two starts', () => gw.reading('P-1.starts').value === 2, threePollsMs);
    const hours = gw.reading('P-1.run-hours').value as number;
    await gw.close();
    expect(existsSync(join(dataDir, 'modbus-counters.json'))).toBe(true);

    // A new gateway on the same data directory: the profile and the counters come back from disk.
    const again = await openGateway(dataDir);
    await until('readings after the restart', () => again.gateway.readings().find((r) => r.name === 'P-1.starts')?.quality === 'good', 10_000);
    // Still running across the restart: that is not a new start.
    expect(again.reading('P-1.starts').value).toBe(2);
    expect(again.reading('P-1.run-hours').value as number).toBeGreaterThanOrEqual(hours);
  }, 60_000);
});

describe('nothing is written on start-up', () => {
  it('writes nothing to the device on open() or apply(), even with writable tags', async () => {
    const slave = await slaveWith([1]);
    slave.set(1, 'coil', 0, [false]);
    slave.set(1, 'holding-register', 0, [555]);
    const dataDir = await tempDir();
    const devices = [
      {
        id: 'dosing',
        name: 'Dosing PLC',
        bus: 'line',
        unitId: 1,
        tags: [
          { name: 'dose.enable', area: 'coil', address: 0, type: 'bool', pollClass: 'fast', write: { min: 0, max: 1 } },
          { name: 'dose.setpoint', area: 'holding-register', address: 0, scaling: { gain: 0.1 }, pollClass: 'fast', write: { min: 0, max: 100, maxStep: 10 } },
        ],
      },
    ];
    const gw = await openGateway(dataDir);
    await gw.gateway.apply(tcpProfile(slave.port, devices));
    await until('good readings', () => gw.reading('dose.setpoint').quality === 'good', 10_000);
    // A new profile (the same device, another poll rate) is applied over the running one.
    await gw.gateway.apply(tcpProfile(slave.port, devices, { pollClasses: { fast: 2, slow: 60 } }));
    await until('good readings again', () => gw.gateway.readings().find((r) => r.name === 'dose.setpoint')?.quality === 'good', 10_000);
    await gw.close();
    const again = await openGateway(dataDir);
    const polls = slave.requests(1);
    await until('polls after the restart', () => slave.requests(1) >= polls + 2 && again.gateway.readings().find((r) => r.name === 'dose.setpoint')?.quality === 'good', 10_000);

    expect(slave.requests(1)).toBeGreaterThan(0);
    expect(writesReaching(slave)).toBe(0);
    expect(slave.get(1, 'coil', 0, 1)).toEqual([false]);
    expect(slave.get(1, 'holding-register', 0, 1)).toEqual([555]);
  });
});

