import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { facilityCode, syslogPort } from './syslog-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gh-syslog-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(auditSyslog: unknown) {
  await writeFile(join(dir, 'console.json'), JSON.stringify({ auditSyslog }));
  return loadConfig({ dataDir: dir }, {});
}

describe('the auditSyslog setting', () => {
  it('is absent by default, and fills in its defaults when given', async () => {
    expect((await loadConfig({ dataDir: dir }, {})).auditSyslog).toBeUndefined();
    const config = (await load({ host: 'logs.example.net', transport: 'tcp' })).auditSyslog!;
    expect(config).toEqual({ host: 'logs.example.net', transport: 'tcp', facility: 'local0', appName: 'gatehouse' });
    expect(facilityCode(config.facility)).toBe(16);
    expect(syslogPort(config)).toBe(514);
    expect(syslogPort({ ...config, transport: 'tls' })).toBe(6514);
    expect(facilityCode((await load({ host: 'l', transport: 'udp', facility: 4, port: 5514 })).auditSyslog!.facility)).toBe(4);
  });

  it('names the bad key inside the block', async () => {
    await expect(load({ host: 'l', transport: 'smoke' })).rejects.toThrow(/"auditSyslog" .*transport: /);
    await expect(load({ host: 'l', transport: 'tls', rejectUnauthorized: false })).rejects.toThrow(/"auditSyslog" .*rejectUnauthorized/);
    await expect(load({ host: 'l', transport: 'udp', facility: 'local9' })).rejects.toThrow(/"auditSyslog" .*facility/);
    await expect(load({ transport: 'udp' })).rejects.toThrow(/"auditSyslog" .*host: /);
  });
});
