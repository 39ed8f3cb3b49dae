import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TagSample } from '../../../modules/kernel/telemetry.js';
import { csvHeader, csvText } from './csv.js';
import { openStore, tempDataDir, type OpenStore } from './test-support.js';

const stream = 'a1b2c3d4';
const t0 = Date.UTC(2026, 10, 24, 6, 0, 0);
const day = 86_400_000;

describe('CSV cells', () => {
  it('turns formula triggers into text and quotes what CSV needs quoted', () => {
    expect(csvText('=1+1')).toBe("'=1+1");
    expect(csvText('+41 79')).toBe("'+41 79");
    expect(csvText('-cmd')).toBe("'-cmd");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\tx')).toBe("'\tx");
    expect(csvText('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('line\nbreak')).toBe('"line\nbreak"');
    expect(csvText('pump1.running')).toBe('pump1.running');
    expect(csvText('comm-fault')).toBe('comm-fault');
  });
});

describe('CSV export', () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let o: OpenStore;
  let seq = 0;
  beforeEach(async () => {
    data = await tempDataDir();
    o = await openStore(data.file);
    seq = 0;
  });
  afterEach(async () => {
    await o.close();
    await data.remove();
  });
  const send = async (samples: TagSample[]) => {
    for (let i = 0; i < samples.length; i += 2000) await o.store.ingest('gw1', stream, [{ seq: seq++, samples: samples.slice(i, i + 2000) }]);
  };
  const collect = async (iterable: AsyncIterable<string>) => {
    const chunks: string[] = [];
    for await (const chunk of iterable) chunks.push(chunk);
    return chunks;
  };

  it('writes header first, then rows in time order across tags, with ISO UTC times and values as text', async () => {
    await send([
      { tag: 'pump1.running', ts: t0 + 1000, value: true, quality: 'good' },
      { tag: 'temp', ts: t0, value: -3.5, quality: 'good' },
      { tag: 'temp', ts: t0 + 2000, value: null, quality: 'comm-fault' },
      { tag: 'pump1.running', ts: t0 + 3000, value: false, quality: 'stale' },
    ]);
    const text = (await collect(o.store.exportCsv('gw1', ['temp', 'pump1.running', 'unknown'], t0, t0 + 10_000))).join('');
    expect(text).toBe(
      csvHeader +
        '2026-11-24T06:00:00.000Z,temp,-3.5,good\r\n' +
        '2026-11-24T06:00:01.000Z,pump1.running,true,good\r\n' +
        '2026-11-24T06:00:02.000Z,temp,,comm-fault\r\n' +
        '2026-11-24T06:00:03.000Z,pump1.running,false,stale\r\n',
    );
    const cut = (await collect(o.store.exportCsv('gw1', ['temp'], t0 + 1, t0 + 2000))).join('');
    expect(cut).toBe(csvHeader);
  });

  it('streams a long export in chunks and pages through every row', async () => {
    const samples: TagSample[] = [];
    for (let i = 0; i < 6000; i++) {
      samples.push({ tag: 'flow', ts: t0 + i * 1000, value: i, quality: 'good' });
      samples.push({ tag: 'level', ts: t0 + i * 1000 + 500, value: i / 10, quality: 'good' });
    }
    await send(samples);
    const chunks = await collect(o.store.exportCsv('gw1', ['flow', 'level'], t0, t0 + 6000 * 1000));
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0]!.startsWith(csvHeader)).toBe(true);
    const lines = chunks.join('').split('\r\n').slice(1, -1);
    expect(lines).toHaveLength(12_000);
    const times = lines.map((l) => Date.parse(l.split(',')[0]!));
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    expect(lines[12_000 - 1]).toBe(`${new Date(t0 + 5999 * 1000 + 500).toISOString()},level,599.9,good`);
  });

  it('falls back to minute averages where raw samples are no longer kept', async () => {
    const now = t0 + 10 * day;
    await send([
      { tag: 'ph', ts: now - 9 * day, value: 7, quality: 'good' },
      { tag: 'ph', ts: now - 9 * day + 20_000, value: 8, quality: 'stale' },
      { tag: 'ph', ts: now - 1000, value: 7.5, quality: 'good' },
    ]);
    await o.store.rollup(now);
    await o.store.prune(now);
    const text = (await collect(o.store.exportCsv('gw1', ['ph'], now - 10 * day, now))).join('');
    expect(text).toBe(`${csvHeader}${new Date(now - 9 * day).toISOString()},ph,7.5,mixed\r\n${new Date(now - 1000).toISOString()},ph,7.5,good\r\n`);
  });

  it('refuses hostile tag names and bad ranges', async () => {
    await expect(collect(o.store.exportCsv('gw1', ['=cmd'], t0, t0 + 1))).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(collect(o.store.exportCsv('gw1', ['ok'], t0 + 1, t0))).rejects.toMatchObject({ code: 'invalid-params' });
  });
});
