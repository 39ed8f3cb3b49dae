import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { batch, openStore, rawRows, tempDataDir, type IngestPath, type OpenStore } from './test-support.js';

const stream = 'a1b2c3d4';
const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);

let data: Awaited<ReturnType<typeof tempDataDir>>;
let open: OpenStore[] = [];

beforeEach(async () => {
  data = await tempDataDir();
  open = [];
});
afterEach(async () => {
  for (const o of open) await o.close().catch(() => undefined);
  await data.remove();
});

let path: IngestPath = 'kysely';

async function start(): Promise<OpenStore> {
  const o = await openStore(data.file, path);
  open.push(o);
  return o;
}

async function restart(o: OpenStore): Promise<OpenStore> {
  await o.close();
  open = open.filter((x) => x !== o);
  return start();
}

describe.each(['kysely', 'sqlite'] as const)('telemetry ingest (%s path)', (which) => {
  beforeEach(() => {
    path = which;
  });

  it('stores each sample once across a console restart and a replay of overlapping batches', async () => {
    let console1 = await start();
    const first = Array.from({ length: 10 }, (_, s) => batch(s, t0 + s * 1000, 50));
    expect(await console1.store.ingest('gw1', stream, first)).toEqual({ ackSeq: 9, stored: 500, duplicates: 0 });

    // The agent never saw the ack: after the restart it replays 5..9 and goes on with 10..14.
    console1 = await restart(console1);
    const replay = Array.from({ length: 10 }, (_, i) => batch(i + 5, t0 + (i + 5) * 1000, 50));
    expect(await console1.store.ingest('gw1', stream, replay)).toEqual({ ackSeq: 14, stored: 250, duplicates: 250 });

    const expected = Array.from({ length: 15 }, (_, s) => batch(s, t0 + s * 1000, 50).samples)
      .flat()
      .map((x) => ({ name: x.tag, ts: x.ts, value: x.value as number, quality: 0 }))
      .sort((a, b) => a.ts - b.ts || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    expect(await rawRows(console1.tables)).toEqual(expected);
  });

  it('leaves all or nothing of a frame when the database fails mid-frame, and the replay then stores it once', async () => {
    const o = await start();
    await o.store.ingest('gw1', stream, [batch(0, t0, 5)]);
    // A real failure inside the transaction, after the raw rows are written: moving the high-water mark fails.
    await sql`create trigger fail_mark before update on telemetry_streams begin select raise(abort, 'disk went away'); end`.execute(o.db);
    await expect(o.store.ingest('gw1', stream, [batch(1, t0 + 1000, 5), batch(2, t0 + 2000, 5)])).rejects.toThrow(/disk went away/);
    expect((await rawRows(o.tables)).length).toBe(5);
    expect((await o.store.latest('gw1')).map((r) => r.ts)).toEqual(Array(5).fill(t0));

    await sql`drop trigger fail_mark`.execute(o.db);
    expect(await o.store.ingest('gw1', stream, [batch(1, t0 + 1000, 5), batch(2, t0 + 2000, 5)])).toEqual({ ackSeq: 2, stored: 10, duplicates: 0 });
    expect((await rawRows(o.tables)).length).toBe(15);
  });

  it('keeps the newest reading by the sample time: a replayed older batch does not overwrite it', async () => {
    let o = await start();
    await o.store.ingest('gw1', stream, [{ seq: 7, samples: [{ tag: 'tank.level', ts: t0 + 5000, value: 4.2, quality: 'good' }] }]);
    // An older reading arriving later (a second queue's backlog).
    await o.store.ingest('gw1', 'feedbeef', [{ seq: 0, samples: [{ tag: 'tank.level', ts: t0, value: 9.9, quality: 'stale' }] }]);
    expect(await o.store.latest('gw1')).toEqual([{ tag: 'tank.level', value: 4.2, quality: 'good', ts: t0 + 5000 }]);
    o = await restart(o);
    expect(await o.store.latest('gw1')).toEqual([{ tag: 'tank.level', value: 4.2, quality: 'good', ts: t0 + 5000 }]);
    // Both readings are in history.
    expect((await rawRows(o.tables)).map((r) => r.value)).toEqual([9.9, 4.2]);
  });

  it('gives booleans back as booleans and keeps quality', async () => {
    const o = await start();
    await o.store.ingest('gw1', stream, [{ seq: 0, samples: [
      { tag: 'pump1.running', ts: t0, value: true, quality: 'good' },
      { tag: 'pump1.speed', ts: t0, value: null, quality: 'comm-fault' },
    ] }]);
    expect(await o.store.latest('gw1')).toEqual([
      { tag: 'pump1.running', value: true, quality: 'good', ts: t0 },
      { tag: 'pump1.speed', value: null, quality: 'comm-fault', ts: t0 },
    ]);
    expect(await o.store.latest('other-host')).toEqual([]);
  });

  it('accepts a new stream from the same host from seq 0, and keeps hosts apart', async () => {
    const o = await start();
    expect((await o.store.ingest('gw1', stream, [batch(100, t0, 3)])).ackSeq).toBe(100);
    expect(await o.store.ingest('gw1', 'cafe0001', [batch(0, t0 + 1000, 3)])).toEqual({ ackSeq: 0, stored: 3, duplicates: 0 });
    expect(await o.store.ingest('gw2', stream, [batch(100, t0, 3)])).toEqual({ ackSeq: 100, stored: 3, duplicates: 0 });
    expect((await rawRows(o.tables)).length).toBe(9);
  });

  it('records a loss report once, even when the frame carrying it is sent again', async () => {
    const o = await start();
    const loss = { batches: 12, samples: 600, fromTs: t0 - 60_000, toTs: t0 - 1000 };
    await o.store.ingest('gw1', stream, [batch(13, t0, 50)], loss);
    await o.store.ingest('gw1', stream, [batch(13, t0, 50)], loss);
    const losses = await o.store.losses('gw1');
    expect(losses).toHaveLength(1);
    expect(losses[0]).toMatchObject({ stream, ...loss });
    expect(await o.store.losses('gw2')).toEqual([]);
  });

  it('stores every frame once while rollups and other hosts write at the same time', async () => {
    const o = await start();
    const work: Promise<unknown>[] = [];
    for (let s = 0; s < 20; s++) {
      for (const host of ['gw1', 'gw2', 'gw3']) work.push(o.store.ingest(host, stream, [batch(s, t0 + s * 10_000, 20)]));
      // The same frame twice, as a replay racing the original.
      work.push(o.store.ingest('gw1', stream, [batch(s, t0 + s * 10_000, 20)]));
      if (s % 5 === 0) work.push(o.store.rollup(t0 + s * 10_000));
    }
    await Promise.all(work);
    await o.store.rollup(t0 + 3_600_000 * 2);
    expect((await rawRows(o.tables)).length).toBe(3 * 20 * 20);
    const minutes = await o.tables.selectFrom('telemetry_minute').select((eb) => eb.fn.sum<number>('count').as('n')).executeTakeFirst();
    expect(Number(minutes?.n)).toBe(3 * 20 * 20);
    expect((await o.store.latest('gw2')).every((r) => r.ts === t0 + 19 * 10_000)).toBe(true);
  });

  it('refuses hostile tag names and broken samples before storage, with a problem code', async () => {
    const o = await start();
    const hostile = ['=HYPERLINK("http://x","y")', '+1', '@SUM(A1)', '<script>alert(1)</script>', 'a,b', '-x', 'x'.repeat(65), ''];
    for (const tag of hostile) {
      const error = await o.store.ingest('gw1', stream, [{ seq: 0, samples: [{ tag, ts: t0, value: 1, quality: 'good' }] }]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GatehouseError);
      expect((error as GatehouseError).code).toBe('invalid-params');
    }
    const broken: unknown[] = [
      [{ seq: 0, samples: [{ tag: 'ok', ts: t0, value: Number.NaN, quality: 'good' }] }],
      [{ seq: 0, samples: [{ tag: 'ok', ts: -1, value: 1, quality: 'good' }] }],
      [{ seq: 0, samples: [{ tag: 'ok', ts: 1e300, value: 1, quality: 'good' }] }],
      [{ seq: 0, samples: [{ tag: 'ok', ts: t0, value: 1, quality: 'excellent' }] }],
      [{ seq: -1, samples: [{ tag: 'ok', ts: t0, value: 1, quality: 'good' }] }],
      [{ seq: 0, samples: Array.from({ length: 5001 }, () => ({ tag: 'ok', ts: t0, value: 1, quality: 'good' })) }],
    ];
    for (const batches of broken) {
      await expect(o.store.ingest('gw1', stream, batches as never)).rejects.toMatchObject({ code: 'invalid-params' });
    }
    await expect(o.store.ingest('gw1', '../../etc', [batch(0, t0, 1)])).rejects.toMatchObject({ code: 'invalid-params' });
    expect(await rawRows(o.tables)).toEqual([]);
    expect(await o.store.latest('gw1')).toEqual([]);
  });
});
