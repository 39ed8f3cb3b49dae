import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from './vault.js';

describe('vault', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes a 0600 master key once and opens what it sealed after a restart', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gh-vault-'));
    const path = join(dir, 'keys', 'master.key');
    const sealed = (await Vault.open(path)).seal('-----BEGIN OPENSSH PRIVATE KEY-----', 'h_1');
    expect(sealed).not.toContain('OPENSSH');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const key = await readFile(path);
    expect((await Vault.open(path)).open(sealed, 'h_1')).toBe('-----BEGIN OPENSSH PRIVATE KEY-----');
    expect(await readFile(path)).toEqual(key);
  });

  it('refuses a sealed key moved to another host, altered, or under another master key', () => {
    const vault = Vault.fromKey(randomBytes(32));
    const sealed = vault.seal('secret', 'h_1');
    expect(() => vault.open(sealed, 'h_2')).toThrow(/cannot be unsealed/);
    const bytes = Buffer.from(sealed.slice(3), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(() => vault.open(`v1.${bytes.toString('base64')}`, 'h_1')).toThrow(/cannot be unsealed/);
    expect(() => Vault.fromKey(randomBytes(32)).open(sealed, 'h_1')).toThrow(/cannot be unsealed/);
    expect(() => vault.open('garbage', 'h_1')).toThrow(/cannot be unsealed/);
  });

  it('refuses a master key file of the wrong size instead of replacing it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'gh-vault-'));
    const path = join(dir, 'master.key');
    await writeFile(path, 'short');
    await expect(Vault.open(path)).rejects.toThrow(/exactly 32 bytes/);
    expect(await readFile(path, 'utf8')).toBe('short');
  });
});
