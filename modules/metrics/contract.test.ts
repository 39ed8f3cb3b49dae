import { describe, expect, it } from 'vitest';
import { contract, inventorySchema, metricsSampleSchema } from './contract.js';

/** What SECURITY.md asks every module to refuse; metrics methods take no params, so each must be refused whole. */
const hostile = ['-rf', ';reboot', '$(id)', '../../etc/shadow', 'a\nb', 'x'.repeat(10_000), 'ünïcødé', '`id`', '--help'];

describe('metrics contract', () => {
  it('declares one read permission, used by every method', () => {
    expect(contract.permissions['metrics.read'].risk).toBe('read');
    for (const method of Object.values(contract.methods)) expect(method.permission).toBe('metrics.read');
  });

  for (const [name, method] of Object.entries(contract.methods)) {
    it(`${name} takes no params and refuses anything given`, () => {
      expect(method.params.safeParse(undefined).success).toBe(true);
      expect(method.params.safeParse({}).success).toBe(true);
      for (const value of hostile) {
        expect(method.params.safeParse({ mount: value }).success).toBe(false);
        expect(method.params.safeParse({ [value]: 1 }).success).toBe(false);
        expect(method.params.safeParse(value).success).toBe(false);
      }
    });
  }

  it('bounds what an agent may report', () => {
    const sample = {
      at: new Date().toISOString(), cpu: { total: 5, perCore: [5] }, load: [0, 0, 0],
      memory: { total: 1, used: 1, available: 0, swapTotal: 0, swapUsed: 0 }, disks: [], network: [], temperatures: [], uptimeSeconds: 1,
    };
    expect(metricsSampleSchema.safeParse(sample).success).toBe(true);
    expect(metricsSampleSchema.safeParse({ ...sample, cpu: { total: 101, perCore: [] } }).success).toBe(false);
    expect(metricsSampleSchema.safeParse({ ...sample, network: [{ interface: 'x'.repeat(65), rxBytesPerSec: 0, txBytesPerSec: 0 }] }).success).toBe(false);
    expect(metricsSampleSchema.safeParse({ ...sample, disks: Array.from({ length: 129 }, () => ({ mount: '/', fs: 'ext4', total: 1, used: 0, readBytesPerSec: 0, writeBytesPerSec: 0 })) }).success).toBe(false);
    expect(metricsSampleSchema.safeParse({ ...sample, memory: { ...sample.memory, used: -1 } }).success).toBe(false);
    expect(inventorySchema.shape.os.safeParse({ distro: '<script>'.repeat(100), release: '', codename: '', kernel: '', arch: '', hostname: '' }).success).toBe(false);
  });
});
