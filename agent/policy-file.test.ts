import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from './policy-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gh-policy-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(policy: unknown) {
  const path = join(dir, 'policy.json');
  await writeFile(path, JSON.stringify(policy));
  return loadPolicy(path, true);
}

describe('modbusWritableTags in policy.json', () => {
  it('loads a list, keeps it absent when not given, and keeps an empty list empty', async () => {
    expect((await load({ modbusWritableTags: ['P-101.speed-setpoint', '*.rate-setpoint'] })).modbusWritableTags).toEqual(['P-101.speed-setpoint', '*.rate-setpoint']);
    expect((await load({})).modbusWritableTags).toBeUndefined();
    expect((await load({ modbusWritableTags: [] })).modbusWritableTags).toEqual([]);
  });

  it('refuses a bad entry with a message naming the file, the key and the entry', async () => {
    await expect(load({ modbusWritableTags: ['P-101.speed-setpoint', ''] })).rejects.toThrow(/policy file .*policy\.json: modbusWritableTags\.1: is empty/);
    await expect(load({ modbusWritableTags: ['..'] })).rejects.toThrow(/modbusWritableTags\.0: ".." has an empty segment/);
    await expect(load({ modbusWritableTags: ['P-1*'] })).rejects.toThrow(/modbusWritableTags\.0: .*one whole segment/);
    await expect(load({ modbusWritableTags: ['P-101.(speed|rate)'] })).rejects.toThrow(/modbusWritableTags\.0: .*letters, digits/);
    await expect(load({ modbusWritableTags: 'P-101.speed-setpoint' })).rejects.toThrow(/modbusWritableTags: /);
    await expect(load({ modbusWriteableTags: [] })).rejects.toThrow(/modbusWriteableTags/);
  });
});
