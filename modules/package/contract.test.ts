import { describe, expect, it } from 'vitest';
import { contract, packageName, searchQuery } from './contract.js';
import { hostilePackageNames } from './test-support.js';

describe('package names and search words', () => {
  it('accepts real Debian package names', () => {
    for (const name of ['nginx', 'libssl3', 'g++', 'libstdc++6', 'python3.11', 'gatehouse-test-pkg', '0ad']) {
      expect(packageName.safeParse(name).success, name).toBe(true);
    }
  });

  it('refuses every hostile name, for every method and stream that takes names', () => {
    for (const name of hostilePackageNames) {
      expect(packageName.safeParse(name).success, JSON.stringify(name.slice(0, 40))).toBe(false);
      const cases = [
        [contract.methods.details.params, { name }],
        [contract.streams.install.params, { names: [name] }],
        [contract.streams.install.params, { names: ['nginx', name] }],
        [contract.streams.upgrade.params, { names: [name] }],
        [contract.streams.remove.params, { names: [name] }],
        [contract.streams.remove.params, { names: [name], purge: true }],
      ] as const;
      for (const [schema, params] of cases) {
        const parsed = schema.safeParse(params);
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]?.path[0]).toBe(Object.keys(params)[0]);
      }
    }
  });

  it('refuses hostile search words and unknown fields', () => {
    for (const query of ['-rf', '--help', '$(id)', 'a;b', 'x\ny', 'x'.repeat(10_000), 'naïve', '.*', ' nginx', 'a  b', '../x']) {
      expect(searchQuery.safeParse(query).success, JSON.stringify(query.slice(0, 40))).toBe(false);
    }
    for (const query of ['nginx', 'web server', 'libssl', 'g++', 'python3.11']) expect(searchQuery.safeParse(query).success).toBe(true);
    expect(contract.streams.install.params.safeParse({ names: ['nginx'], options: '-y' }).success).toBe(false);
    expect(contract.streams.install.params.safeParse({ names: [] }).success).toBe(false);
  });

  it('declares the risks: reading is read, installing is a change, removing is dangerous', () => {
    expect(contract.permissions['package.read'].risk).toBe('read');
    expect(contract.permissions['package.install'].risk).toBe('change');
    expect(contract.permissions['package.remove'].risk).toBe('dangerous');
    expect(contract.streams.remove.permission).toBe('package.remove');
    for (const stream of ['refresh', 'install', 'upgrade'] as const) expect(contract.streams[stream].permission).toBe('package.install');
    for (const method of Object.values(contract.methods)) expect(method.permission).toBe('package.read');
  });
});
