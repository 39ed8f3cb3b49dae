import { describe, expect, it } from 'vitest';
import { journalArgs, parseJournal, parseJournalLine } from './journal.js';

describe('journalctl arguments', () => {
  it('passes every filter as one --option=value argument', () => {
    expect(journalArgs({ unit: 'ssh.service', priority: 'err', lines: 50, since: '2026-11-24T04:00:00Z' })).toEqual([
      '--output=json',
      '--no-pager',
      '--quiet',
      '--lines=50',
      '--since=@1795492800',
      '--priority=err',
      '--unit=ssh.service',
    ]);
    expect(journalArgs({ lines: 0 }, true)).toEqual(['--output=json', '--no-pager', '--quiet', '--lines=0', '--follow']);
  });
});

describe('journal lines', () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ __REALTIME_TIMESTAMP: '1795492800123456', PRIORITY: '6', ...fields });

  it('reads time, priority, unit, identifier, pid and message', () => {
    expect(parseJournalLine(line({ MESSAGE: 'tick', _SYSTEMD_UNIT: 'x.service', SYSLOG_IDENTIFIER: 'sh', _PID: '176' }))).toEqual({
      time: '2026-11-24T04:00:00.123Z',
      priority: 6,
      unit: 'x.service',
      identifier: 'sh',
      pid: 176,
      message: 'tick',
    });
  });

  it('names the unit a systemd line is about, not init.scope', () => {
    expect(parseJournalLine(line({ MESSAGE: 'Started x.service', _SYSTEMD_UNIT: 'init.scope', UNIT: 'x.service' }))?.unit).toBe('x.service');
  });

  it('decodes byte-array messages and bounds long ones', () => {
    expect(parseJournalLine(line({ MESSAGE: [104, 105, 27, 91, 51, 49, 109] }))?.message).toBe('hi\u001b[31m');
    expect(parseJournalLine(line({ MESSAGE: 'x'.repeat(100_000) }))?.message.length).toBe(16 * 1024);
  });

  it('skips what is not an entry and defaults odd fields', () => {
    expect(parseJournalLine('-- No entries --')).toBeUndefined();
    expect(parseJournalLine('{not json')).toBeUndefined();
    expect(parseJournalLine(JSON.stringify({ MESSAGE: { html: '<b>' }, PRIORITY: '99' }))).toEqual({ time: '', priority: 6, unit: '', identifier: '', message: '' });
    expect(parseJournal(`${line({ MESSAGE: 'a' })}\n\n${line({ MESSAGE: 'b' })}\n`).map((e) => e.message)).toEqual(['a', 'b']);
  });
});
