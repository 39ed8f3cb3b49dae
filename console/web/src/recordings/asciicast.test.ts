import { describe, expect, it } from 'vitest';
import { eventIndexAfter, parseCast, parseResize } from './asciicast.js';
import { castText, searchCast } from './castText.js';

const header = JSON.stringify({ version: 2, width: 80, height: 24, timestamp: 1700000000, title: 'root@web-01' });

describe('parseCast', () => {
  it('reads the header and the output, input and resize events', () => {
    const cast = parseCast([header, '[0.1, "o", "hello "]', '[0.5, "i", "ls\\r"]', '[0.7, "r", "120x40"]', '[1.25, "o", "你好"]', ''].join('\n'));
    expect(cast.header).toMatchObject({ width: 80, height: 24, title: 'root@web-01' });
    expect(cast.events.map((e) => e.type)).toEqual(['o', 'i', 'r', 'o']);
    expect(cast.events[3]!.data).toBe('你好');
    expect(cast.duration).toBe(1.25);
    expect(cast.skipped).toBe(0);
  });

  it('skips and counts lines it cannot trust instead of failing the recording', () => {
    const cast = parseCast([header, '[0.1, "o", "ok"]', 'not json', '{"a":1}', '[-1, "o", "x"]', '[0.2, "m", "marker"]', '[0.3, "r", "99999x1"]', '[0.4, "o", 5]'].join('\n'));
    expect(cast.events).toHaveLength(1);
    expect(cast.skipped).toBe(6);
  });

  it('holds out-of-order times at the time before, so seeking never goes back', () => {
    const cast = parseCast([header, '[2, "o", "a"]', '[1, "o", "b"]'].join('\n'));
    expect(cast.events.map((e) => e.time)).toEqual([2, 2]);
  });

  it('refuses a file that is not asciicast v2', () => {
    expect(() => parseCast('{"version":1}\n')).toThrow(/not an asciicast v2/);
    expect(() => parseCast('')).toThrow();
  });
});

describe('parseResize and eventIndexAfter', () => {
  it('accepts sizes within what xterm.js and the contract allow', () => {
    expect(parseResize('120x40')).toEqual({ cols: 120, rows: 40 });
    expect(parseResize('1x40')).toBeNull();
    expect(parseResize('120x40; rm -rf /')).toBeNull();
  });

  it('finds the first event after a time', () => {
    const events = parseCast([header, '[1, "o", "a"]', '[2, "o", "b"]', '[3, "o", "c"]'].join('\n')).events;
    expect(eventIndexAfter(events, 0)).toBe(0);
    expect(eventIndexAfter(events, 2)).toBe(2);
    expect(eventIndexAfter(events, 9)).toBe(3);
  });
});

describe('searchCast', () => {
  it('finds text across output events with the time it appeared', () => {
    const cast = parseCast([header, '[0.5, "o", "echo hel"]', '[1.5, "o", "lo-42\\r\\n"]', '[3, "o", "Hello-42 again"]'].join('\n'));
    const { matches, more } = searchCast(castText(cast.events), 'hello-42');
    expect(more).toBe(false);
    expect(matches.map((m) => m.time)).toEqual([1.5, 3]);
  });
});
