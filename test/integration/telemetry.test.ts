/**
 * The telemetry pipeline end to end, every part its own process: the plant simulator, an agent polling it as the
 * site's gateway, a console storing the history. Nothing lost and nothing doubled across a 60 s network cut and
 * a console killed mid-stream; the agent over Modbus RTU on a socat pty pair; a device that stops answering shows
 * as comm-fault on the site's tags and recovers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/console.js';
import { waitUntilOnline } from '../support/fleet.js';
import { startPlantStack, type PlantStack, type SiteTagRow } from '../support/plant-stack.js';

/** A tag that changes at every 1 s poll (outlet flow, with sensor noise) once its deadband is 0. */
const everyPollTag = 'FT-301.flow';
/** Tags checked for doubles: fast and normal classes, both PLCs, numbers and bools. */
const historyTags = [everyPollTag, 'FT-101.flow', 'P-101.speed', 'P-101.running', 'P-102.running', 'LT-201.level', 'PT-301.pressure', 'AIT-401.chlorine', 'DP-401.running', 'intake-plc.comm', 'treatment-plc.comm'];

/** "Within three poll periods" at 1 s polling, with room for a loaded machine. */
const threePollsMs = 3 * 1000 + 5000;

interface CsvRow {
  ts: number;
  tag: string;
  value: string;
  quality: string;
}

async function history(stack: PlantStack, tags: string[], from: number, to: number): Promise<CsvRow[]> {
  const res = await stack.api.get(`/api/sites/demo/export.csv?tags=${encodeURIComponent(tags.join(','))}&from=${from}&to=${to}`);
  expect(res.status, String(res.body)).toBe(200);
  const lines = (res.body as Buffer).toString('utf8').split('\r\n').filter(Boolean);
  expect(lines[0]).toBe('time,tag,value,quality');
  return lines.slice(1).map((line) => {
    const [time, tag, value, quality] = line.split(',');
    return { ts: Date.parse(time!), tag: tag!, value: value!, quality: quality! };
  });
}

async function modbusStatus(stack: PlantStack) {
  const res = await stack.api.call(stack.hostId, 'modbus', 'status');
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.result as { queue: { pendingBatches: number; lostSamples: number }; buses: Array<{ kind: string; connected: boolean; requests: number }> };
}

/**
 * After a disturbance: every sample of [from, to) is in the history exactly once, the every-poll tag has no
 * hole, the agent dropped nothing, and the console has acknowledged all the agent holds.
 */
async function expectNothingLostNothingDoubled(stack: PlantStack, from: number, to: number, what: string): Promise<void> {
  // The agent's queue is empty once the console has acknowledged everything it sent: it caught up.
  await waitFor(`the console to acknowledge the agent's queue after ${what}`, async () => (await modbusStatus(stack)).queue.pendingBatches === 0, 60_000);
  await waitFor(`history up to the end of the window after ${what}`, async () => (await history(stack, [everyPollTag], to, to + 60_000)).length > 0, 30_000);

  const rows = await history(stack, historyTags, from, to);
  const seen = new Map<string, number>();
  for (const row of rows) {
    const key = `${row.tag}@${row.ts}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const doubled = [...seen].filter(([, n]) => n > 1).map(([key, n]) => `${key}×${n}`);
  expect(doubled, `samples stored more than once after ${what}`).toEqual([]);

  const flow = rows.filter((r) => r.tag === everyPollTag).map((r) => r.ts);
  expect(flow.length, `${everyPollTag} samples in the window`).toBeGreaterThan(((to - from) / 1000) * 0.4);
  const holes: string[] = [];
  let previous = from;
  for (const ts of [...flow, to]) {
    // Polled every second: ~2.5 s between two samples means at least one missing.
    if (ts - previous > 2500) holes.push(`${new Date(previous).toISOString()} → ${new Date(ts).toISOString()}`);
    previous = ts;
  }
  expect(holes, `gaps in ${everyPollTag} after ${what}`).toEqual([]);

  const status = await modbusStatus(stack);
  expect(status.queue.lostSamples, 'samples the agent reported dropped').toBe(0);
}

describe('through a network cut and a console restart', () => {
  let stack: PlantStack;

  beforeAll(async () => {
    stack = await startPlantStack({
      via: 'cuttable',
      pollFast: 1,
      editProfile: (profile) => {
        const tag = profile.devices.flatMap((d) => d.tags).find((t) => t.name === everyPollTag);
        if (!tag) throw new Error(`the demo profile has no ${everyPollTag}`);
        tag.deadband = 0;
      },
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps every sample exactly once across a 60 s cut between agent and console', async () => {
    await new Promise((r) => setTimeout(r, 5000)); // some history before the cut
    const from = Date.now() - 4000;
    await stack.cut();
    await waitUntilOnline(stack.api, stack.hostId, false);
    const cutAt = Date.now();
    // The gateway polls on and queues on its disk while the console cannot be reached.
    await new Promise((r) => setTimeout(r, 60_000));
    const tagsDuringCut = await stack.tags();
    // The console cannot know the readings are fresh: it shows them as stale, not as live numbers.
    expect(tagsDuringCut.filter((t) => t.name === everyPollTag)[0]?.quality).toBe('stale');
    await stack.restore();
    // The agent retries with a jittered backoff of up to a minute.
    await waitFor('the agent to reconnect', async () => (await stack.api.get(`/api/hosts/${stack.hostId}`)).body.online === true, 90_000);
    const to = Date.now() + 3000;
    expect(to - cutAt).toBeGreaterThan(60_000);
    await expectNothingLostNothingDoubled(stack, from, to, 'the cut');
  }, 240_000);

  it('keeps every sample exactly once when the console is killed mid-stream and started again', async () => {
    const from = Date.now() - 4000;
    await stack.restartConsole({ kill: true });
    await waitFor('the agent to reconnect', async () => (await stack.api.get(`/api/hosts/${stack.hostId}`)).body.online === true, 90_000);
    await new Promise((r) => setTimeout(r, 3000));
    const to = Date.now();
    await expectNothingLostNothingDoubled(stack, from, to, 'the console restart');
  }, 180_000);

  it('shows a device that stops answering as comm-fault within three polls, the other device unaffected, and recovers', async () => {
    const tagsOf = (rows: SiteTagRow[], device: string) => rows.filter((t) => t.device === device);
    const fastOf = async (device: string) => {
      const fast = new Set(['DP-401.running', 'LT-201.low-alarm', 'LT-201.high-alarm', 'FT-301.flow', 'DP-401.run-command']);
      return tagsOf(await stack.tags(), device).filter((t) => fast.has(t.name));
    };
    await waitFor('the treatment PLC to read good', async () => tagsOf(await stack.tags(), 'treatment-plc').every((t) => t.quality === 'good'), 30_000);

    await stack.sim.fault({ fault: 'no-answer', device: 2 });
    const faulted = await waitFor(
      "the treatment PLC's fast tags to be comm-fault",
      async () => {
        const rows = await stack.tags();
        const fast = (await fastOf('treatment-plc')).map((t) => rows.find((r) => r.name === t.name)!);
        const comm = rows.find((t) => t.name === 'treatment-plc.comm');
        return fast.length === 5 && fast.every((t) => t.quality === 'comm-fault') && comm?.value === false ? rows : undefined;
      },
      threePollsMs,
    );
    for (const tag of (await fastOf('treatment-plc'))) expect(tag.value, `${tag.name} shows no number while comm-fault`).toBeNull();
    // The intake PLC on the same TCP port keeps answering and stays good.
    expect(tagsOf(faulted, 'intake-plc').filter((t) => t.quality !== 'good').map((t) => t.name)).toEqual([]);

    await stack.sim.clearFaults();
    await waitFor('the treatment PLC to read good again', async () => tagsOf(await stack.tags(), 'treatment-plc').every((t) => t.quality === 'good'), 60_000);
    expect((await stack.tags()).find((t) => t.name === 'treatment-plc.comm')?.value).toBe(true);
  }, 120_000);
});

describe('over Modbus RTU on a serial line', () => {
  let stack: PlantStack;

  beforeAll(async () => {
    stack = await startPlantStack({ rtu: true });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('reads the simulator over RTU on a socat pty pair with good values that match the plant', async () => {
    const status = await modbusStatus(stack);
    expect(status.buses).toHaveLength(1);
    expect(status.buses[0]).toMatchObject({ kind: 'rtu', connected: true });
    expect(status.buses[0]!.requests).toBeGreaterThan(0);

    const rows = await stack.tags();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((t) => t.quality !== 'good').map((t) => t.name)).toEqual([]);
    const state = await stack.sim.state();
    const level = rows.find((t) => t.name === 'LT-201.level')!;
    expect(level.unit).toBe('m');
    // The tank moves slowly; the reading and the true level a moment later agree to a few centimetres.
    expect(Math.abs((level.value as number) - state.level)).toBeLessThan(0.1);
    const total = rows.find((t) => t.name === 'FT-101.total')!;
    expect(Math.abs((total.value as number) - state.inletTotal)).toBeLessThan(5);
    expect(rows.find((t) => t.name === 'intake-plc.comm')?.value).toBe(true);
    expect(rows.find((t) => t.name === 'treatment-plc.comm')?.value).toBe(true);
  });
});
