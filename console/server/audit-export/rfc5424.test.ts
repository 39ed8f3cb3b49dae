import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../storage/types.js';
import { formatSyslog, frameOctetCounted, sdValue, SD_ID } from './rfc5424.js';

const header = { facility: 16, hostname: 'console-01', appName: 'gatehouse', procId: '4242' };

function entry(overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: 17, at: '2026-11-24T13:45:00.123Z', user: 'ana', hostId: 'h_1', hostName: 'gw-01', action: 'file.write',
    paramsDigest: 'sha256:ab', phase: 'completed', result: 'ok', detail: 'wrote /etc/chrony.conf', address: '10.0.0.7',
    prevHash: 'a'.repeat(64), hash: 'b'.repeat(64), ...overrides,
  };
}

describe('RFC 5424 formatting of an audit entry', () => {
  it('writes the header, the structured data and the detail', () => {
    expect(formatSyslog(entry(), header)).toBe(
      `<134>1 2026-11-24T13:45:00.123Z console-01 gatehouse 4242 file.write [${SD_ID} user="ana" host="gw-01" hostId="h_1" ` +
        `action="file.write" phase="completed" result="ok" address="10.0.0.7" id="17" hash="${'b'.repeat(64)}"] \uFEFFwrote /etc/chrony.conf`,
    );
  });

  it('takes the severity from the result: info for ok, warning when refused, error when it failed', () => {
    const pri = (result: string, facility = 16) => /^<(\d+)>1 /.exec(formatSyslog(entry({ result }), { ...header, facility }))?.[1];
    expect(pri('ok')).toBe('134'); // 16 * 8 + 6
    expect(pri('forbidden')).toBe('132'); // + 4
    expect(pri('rate-limited')).toBe('132');
    expect(pri('internal-error')).toBe('131'); // + 3
    expect(pri('ok', 4)).toBe('38'); // auth.info
  });

  it('leaves out absent values, and ends at the structured data without a detail', () => {
    const message = formatSyslog(entry({ hostId: null, hostName: null, address: null, detail: null }), header);
    expect(message).not.toMatch(/host=|hostId=|address=/);
    expect(message.endsWith(`hash="${'b'.repeat(64)}"]`)).toBe(true);
  });

  it('escapes ", \\ and ] in values and removes control characters everywhere', () => {
    expect(sdValue('a"b\\c]d')).toBe('a\\"b\\\\c\\]d');
    const message = formatSyslog(entry({ user: 'evil"] [x y="1', detail: 'line one\nline two\r\u0007\u2028end' }), header);
    expect(message).toContain('user="evil\\"\\] [x y=\\"1"');
    expect(message.endsWith('\uFEFFline oneline twoend')).toBe(true);
    expect(message).not.toMatch(/[\u0000-\u001f]/);
  });

  it('keeps header fields printable ASCII without spaces, within their lengths', () => {
    const message = formatSyslog(entry({ action: `x y\u00e9${'a'.repeat(40)}` }), { ...header, hostname: 'bad host' });
    const fields = message.split(' ');
    expect(fields[2]).toBe('badhost');
    expect(fields[5]).toBe(`xy${'a'.repeat(30)}`);
    expect(formatSyslog(entry(), { ...header, hostname: ' ' }).split(' ')[2]).toBe('-');
  });

  it('shortens a long detail to fit the size, at a character boundary', () => {
    const message = formatSyslog(entry({ detail: 'é'.repeat(3000) }), header, 2048);
    expect(Buffer.byteLength(message, 'utf8')).toBeLessThanOrEqual(2048);
    expect(message.endsWith('é…')).toBe(true);
  });

  it('frames with octet counting: the byte length, a space, the message', () => {
    const framed = frameOctetCounted('<134>1 é');
    expect(framed.toString('utf8')).toBe('9 <134>1 é');
  });
});
