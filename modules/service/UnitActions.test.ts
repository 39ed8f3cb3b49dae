import { describe, expect, it } from 'vitest';
import { actionsFor } from './UnitActions.js';

describe('actionsFor', () => {
  it('offers what fits the state', () => {
    expect(actionsFor({ active: 'active', enabled: 'enabled' })).toEqual({ run: ['stop', 'restart', 'reload'], boot: ['disable', 'mask'] });
    expect(actionsFor({ active: 'inactive', enabled: 'disabled' })).toEqual({ run: ['start'], boot: ['enable', 'mask'] });
    expect(actionsFor({ active: 'inactive', enabled: 'masked' })).toEqual({ run: [], boot: ['unmask'] });
  });

  it("leaves out on the agent's own unit what the agent refuses", () => {
    expect(actionsFor({ active: 'active', enabled: 'enabled' }, true)).toEqual({ run: ['reload'], boot: [] });
    expect(actionsFor({ active: 'inactive', enabled: 'disabled' }, true)).toEqual({ run: ['start'], boot: ['enable'] });
  });
});
