import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import { describe, expect, it } from 'vitest';
import { kernelUnits, parseAuxv } from './auxv.js';
import { parseCmdline, parseStat, parseStatusTgid, parseStatusUid, readBootTimeMs, readProcesses } from './proc.js';
import { parsePasswd, userNames } from './users.js';

// A real line from a kernel 6.x host, comm edited to be as awkward as comm can be.
const statLine =
  '4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1093 0 0 0 17 5 0 0 20 -5 3 0 123456 12345678 321 ' +
  '18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n';

describe('parseStat', () => {
  it('finds the fields after a comm holding spaces and parentheses', () => {
    expect(parseStat(statLine)).toEqual({
      name: 'my (odd) name',
      state: 'S',
      ppid: 1,
      cpuTicks: 22,
      nice: -5,
      threads: 3,
      startTicks: 123456,
      virtualBytes: 12345678,
      residentPages: 321,
    });
  });

  it('rejects what a process leaves behind as it exits', () => {
    expect(parseStat('')).toBeUndefined();
    expect(parseStat('4242 (sleep')).toBeUndefined();
    expect(parseStat('4242 (sleep) ')).toBeUndefined();
  });
});

describe('parseCmdline', () => {
  it('joins arguments with spaces and drops trailing NULs', () => {
    expect(parseCmdline(Buffer.from('sleep\u00001000\u0000'))).toBe('sleep 1000');
    expect(parseCmdline(Buffer.from('nginx: worker process\u0000\u0000\u0000'))).toBe('nginx: worker process');
  });

  it('is empty for kernel threads and bounded for huge command lines', () => {
    expect(parseCmdline(Buffer.alloc(0))).toBe('');
    expect(parseCmdline(Buffer.from('x'.repeat(10_000)))).toHaveLength(4096);
  });
});

describe('parseStatus', () => {
  const status = 'Name:\tsshd\nTgid:\t812\nPid:\t815\nPPid:\t1\nUid:\t0\t105\t105\t105\nGid:\t0\t65534\t65534\t65534\n';
  it('takes the effective uid and the thread group', () => {
    expect(parseStatusUid(status)).toBe(105);
    expect(parseStatusTgid(status)).toBe(812);
    expect(parseStatusUid('Name:\tx\n')).toBeUndefined();
  });
});

describe('parsePasswd', () => {
  it('maps uids to names, the first line for a uid winning', () => {
    const names = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# comment\n\ntoor:x:0:0::/:/bin/sh\nbad:x:y:0\nwww:x:33:33::/:\n');
    expect([...names]).toEqual([
      [0, 'root'],
      [33, 'www'],
    ]);
  });

  it('falls back to the uid number for users it does not know', () => {
    const nameOf = userNames();
    expect(nameOf(0)).toBe('root');
    expect(nameOf(4_000_000)).toBe('4000000');
  });
});

describe('kernel units', () => {
  it('reads AT_CLKTCK and AT_PAGESZ from an auxiliary vector', () => {
    const words = [33n, 7n, 6n, 16384n, 17n, 100n, 0n, 0n, 6n, 1n];
    const data = Buffer.alloc(words.length * 8);
    words.forEach((word, i) => data.writeBigUInt64LE(word, i * 8));
    expect(parseAuxv(data, 8, true)).toEqual(
      new Map([
        [33n, 7n],
        [6n, 16384n],
        [17n, 100n],
      ]),
    );
    const narrow = Buffer.alloc(16);
    narrow.writeUInt32BE(6, 0);
    narrow.writeUInt32BE(65536, 4);
    expect(parseAuxv(narrow, 4, false).get(6n)).toBe(65536n);
  });

  it('finds this kernel’s values', () => {
    const { clockTicks, pageSize } = kernelUnits();
    expect(clockTicks).toBe(100);
    expect([4096, 16384, 65536]).toContain(pageSize);
    expect(endianness()).toMatch(/^(LE|BE)$/);
  });
});

describe('readProcesses', () => {
  it('reads this process and a boot time in the past', async () => {
    const records = await readProcesses();
    const self = records.find((r) => r.pid === process.pid);
    expect(self?.command).toContain('node');
    expect(self?.threads).toBeGreaterThan(1);
    expect(readBootTimeMs()).toBeLessThan(Date.now());
  });

  it('leaves out a process that is gone by the time it is read', async () => {
    const gone = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
    const records = await readProcesses([gone, process.pid]);
    expect(records.map((r) => r.pid)).toEqual([process.pid]);
  });
});
