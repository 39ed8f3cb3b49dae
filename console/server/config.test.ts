import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, publicOrigin } from './config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gh-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('uses the documented defaults: loopback, port 8080, plain HTTP', async () => {
    const config = await loadConfig({ dataDir: dir }, {});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 8080, tls: 'off', dataDir: dir });
    expect(publicOrigin(config)).toBe('http://127.0.0.1:8080');
  });

  it('takes GATEHOUSE_PORT and GATEHOUSE_DATA, and flags over the environment', async () => {
    expect((await loadConfig({}, { GATEHOUSE_PORT: '9000', GATEHOUSE_DATA: dir })).port).toBe(9000);
    expect((await loadConfig({ port: '9100' }, { GATEHOUSE_PORT: '9000', GATEHOUSE_DATA: dir })).port).toBe(9100);
  });

  it('names the bad key and where it came from', async () => {
    await expect(loadConfig({}, { GATEHOUSE_PORT: 'eighty', GATEHOUSE_DATA: dir })).rejects.toThrow(/"port".*GATEHOUSE_PORT/);
    await writeFile(join(dir, 'console.json'), JSON.stringify({ prot: 1 }));
    await expect(loadConfig({ dataDir: dir }, {})).rejects.toThrow(/"prot".*console\.json/);
  });

  it('refuses plain HTTP beyond loopback and defaults to a self-signed certificate there', async () => {
    await expect(loadConfig({ dataDir: dir, host: '0.0.0.0', tls: 'off' }, {})).rejects.toThrow(/plain HTTP is only allowed on loopback/);
    expect((await loadConfig({ dataDir: dir, host: '0.0.0.0' }, {})).tls).toBe('self-signed');
  });

  it('records terminal input only when asked, from the file or GATEHOUSE_RECORD_INPUT', async () => {
    expect((await loadConfig({ dataDir: dir }, {})).recordInput).toBe(false);
    expect((await loadConfig({ dataDir: dir }, { GATEHOUSE_RECORD_INPUT: 'true' })).recordInput).toBe(true);
    await expect(loadConfig({ dataDir: dir }, { GATEHOUSE_RECORD_INPUT: 'perhaps' })).rejects.toThrow(/"recordInput".*GATEHOUSE_RECORD_INPUT/);
    await writeFile(join(dir, 'console.json'), JSON.stringify({ recordInput: true }));
    expect((await loadConfig({ dataDir: dir }, {})).recordInput).toBe(true);
  });

  it('checks the notifications block at start, naming the bad key inside it', async () => {
    const notifications = {
      channels: [{ type: 'email', id: 'email', host: '127.0.0.1', port: 25, security: 'none', from: 'gatehouse@works.example' }],
      people: [{ name: 'ana', contacts: [{ channel: 'email', address: 'ana@works.example' }] }],
      routing: { routes: [{ id: 'north', team: 'water-ops', schedule: 'works' }], fallback: { team: 'water-ops' } },
    };
    await writeFile(join(dir, 'console.json'), JSON.stringify({ notifications }));
    const error = await loadConfig({ dataDir: dir }, {}).then(
      () => null,
      (err: Error) => err.message,
    );
    expect(error).toMatch(/"notifications".*console\.json/);
    expect(error).toContain('routing.routes.0.team: names no team in "teams"');
    await writeFile(join(dir, 'console.json'), JSON.stringify({ notifications: { ...notifications, chanels: [] } }));
    await expect(loadConfig({ dataDir: dir }, {})).rejects.toThrow(/"notifications".*chanels/);
  });
});
