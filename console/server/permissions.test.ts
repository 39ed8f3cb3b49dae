import { describe, expect, it } from 'vitest';
import { moduleContracts } from '../../modules/registry.js';
import { roleIds } from '../../modules/kernel/console-api.js';
import { consoleActionSummaries, permissionCatalogue } from './permissions.js';

describe('the permission catalogue', () => {
  const catalogue = permissionCatalogue();
  const byCode = new Map(catalogue.permissions.map((p) => [p.code, p]));

  it('lists every code the modules declare, with module, risk and a sentence, and the console`s own', () => {
    for (const contract of moduleContracts) {
      for (const [code, spec] of Object.entries(contract.permissions)) {
        expect(byCode.get(code)).toEqual({ code, module: contract.name, moduleTitle: contract.title, risk: spec.risk, summary: spec.summary });
        expect(spec.summary.length).toBeGreaterThan(10);
      }
    }
    for (const action of Object.keys(consoleActionSummaries)) expect(byCode.get(action)).toMatchObject({ module: 'console', risk: null });
    expect(new Set(catalogue.permissions.map((p) => p.code)).size).toBe(catalogue.permissions.length);
  });

  it('says what each built-in role holds: all for administrators, reading only for viewers, nothing outside the catalogue', () => {
    expect(catalogue.roles.map((r) => r.id)).toEqual([...roleIds]);
    const role = (id: string) => catalogue.roles.find((r) => r.id === id)!;
    expect(role('administrator').codes.length).toBe(catalogue.permissions.length);
    for (const code of role('viewer').codes) {
      const p = byCode.get(code)!;
      expect(p.risk === 'read' || ['site.read', 'alarm.read'].includes(code), code).toBe(true);
    }
    expect(role('plant-operator').codes).toEqual(expect.arrayContaining(['modbus.write', 'alarm.acknowledge', 'site.read']));
    expect(role('plant-operator').codes.some((c) => c.startsWith('file.') || c.startsWith('terminal.'))).toBe(false);
    for (const r of catalogue.roles) for (const code of r.codes) expect(byCode.has(code), code).toBe(true);
  });
});
