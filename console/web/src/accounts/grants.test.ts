import { describe, expect, it } from 'vitest';
import { allowedKinds, draftsToGrants, emptyGrantDraft, grantDraftFrom, grantLabel, grantSentence, targetOptions, type GrantDraft } from './grants.js';
import type { GrantableScopes } from '../../../../modules/kernel/access.js';

const everywhere: GrantableScopes = {
  fleet: true,
  sites: [
    { id: 'north', name: 'North plant' },
    { id: 'south', name: 'South plant' },
  ],
  groups: ['field-gateway'],
  hosts: [
    { id: 'h1', name: 'pump-station-3', siteId: 'north' },
    { id: 'h2', name: 'historian', siteId: null },
  ],
  roles: [{ id: 'viewer', name: 'Viewer' }],
};

const northOnly: GrantableScopes = { fleet: false, sites: [{ id: 'north', name: 'North plant' }], groups: [], hosts: [], roles: [{ id: 'viewer', name: 'Viewer' }] };

function draft(partial: Partial<GrantDraft>): GrantDraft {
  return { key: 'k', role: 'viewer', kind: 'fleet', target: null, ...partial };
}

describe('grants in words', () => {
  it('says "Role · Scope" in lists and "whole fleet" for the fleet', () => {
    expect(grantLabel({ roleName: 'Plant operator', scope: { kind: 'site', siteId: 'north' }, scopeName: 'North plant' })).toBe('Plant operator · North plant');
    expect(grantLabel({ roleName: 'Administrator', scope: { kind: 'fleet' }, scopeName: 'Fleet' })).toBe('Administrator · whole fleet');
    // A scope the server could not name still says which one it is.
    expect(grantLabel({ roleName: 'Viewer', scope: { kind: 'host', hostId: 'h9' }, scopeName: '' })).toBe('Viewer · h9');
  });

  it('says "Role on Scope" in sentences', () => {
    expect(grantSentence({ roleName: 'Plant operator', scope: { kind: 'site', siteId: 'north' }, scopeName: 'North plant' })).toBe('Plant operator on North plant');
    expect(grantSentence({ roleName: 'Auditor', scope: { kind: 'fleet' }, scopeName: 'Fleet' })).toBe('Auditor on the whole fleet');
  });
});

describe('the grant editor', () => {
  it('offers only the kinds of scope the caller may give', () => {
    expect(allowedKinds(everywhere)).toEqual(['fleet', 'site', 'group', 'host']);
    expect(allowedKinds(northOnly)).toEqual(['site']);
    // A delegated administrator of one site starts on that site.
    expect(emptyGrantDraft(northOnly)).toMatchObject({ kind: 'site', target: 'north', role: null });
    expect(emptyGrantDraft(everywhere)).toMatchObject({ kind: 'fleet', target: null });
  });

  it('turns rows into grants, and says which row is missing what', () => {
    expect(draftsToGrants([draft({}), draft({ kind: 'site', target: 'north' }), draft({ kind: 'group', target: 'field-gateway' }), draft({ kind: 'host', target: 'h1' })])).toEqual({
      problem: null,
      grants: [
        { role: 'viewer', scope: { kind: 'fleet' } },
        { role: 'viewer', scope: { kind: 'site', siteId: 'north' } },
        { role: 'viewer', scope: { kind: 'group', tag: 'field-gateway' } },
        { role: 'viewer', scope: { kind: 'host', hostId: 'h1' } },
      ],
    });
    expect(draftsToGrants([])).toMatchObject({ problem: 'Give at least one grant.' });
    expect(draftsToGrants([draft({ role: null })])).toMatchObject({ problem: 'Choose a role.' });
    expect(draftsToGrants([draft({}), draft({ kind: 'site', target: null })])).toMatchObject({ problem: 'Grant 2: choose the site.' });
    expect(draftsToGrants([draft({ kind: 'site', target: 'north' }), draft({ kind: 'site', target: 'north' })]).problem).toMatch(/already given/);
  });

  it('reads an account’s grants back into rows', () => {
    const rows = [grantDraftFrom({ role: 'viewer', scope: { kind: 'group', tag: 'field-gateway' } }), grantDraftFrom({ role: 'auditor', scope: { kind: 'fleet' } })];
    expect(rows.map(({ role, kind, target }) => ({ role, kind, target }))).toEqual([
      { role: 'viewer', kind: 'group', target: 'field-gateway' },
      { role: 'auditor', kind: 'fleet', target: null },
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
  });

  it('names hosts with their site, and keeps showing a target the caller cannot give', () => {
    expect(targetOptions('host', everywhere)).toEqual([
      { value: 'h1', label: 'pump-station-3 (North plant)' },
      { value: 'h2', label: 'historian' },
    ]);
    expect(targetOptions('site', northOnly, { target: 'south', name: 'South plant' })).toEqual([
      { value: 'south', label: 'South plant' },
      { value: 'north', label: 'North plant' },
    ]);
    expect(targetOptions('site', northOnly, { target: 'north', name: 'North plant' })).toHaveLength(1);
  });
});
