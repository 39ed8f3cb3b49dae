import { describe, expect, it } from 'vitest';
import type { Grant } from '../../../modules/kernel/access.js';
import { Access, fleetPlace, scopeContains, scopeCovers, type Place } from './access.js';
import { grantRefusal, mayManageAccount, maySeeAccount } from './authority.js';
import { RoleBook } from './role-book.js';
import { roleIdFromName } from './role-store.js';

const book = new RoleBook();
book.setCustom([
  { id: 'no-shell', name: 'No shell', summary: '', builtIn: false, allow: new Set(['process.read']), deny: new Set(['terminal.open', 'process.signal']) },
  { id: 'reader', name: 'Reader', summary: '', builtIn: false, allow: new Set(['process.read', 'site.read']), deny: new Set() },
]);

const gatewayNorth: Place = { kind: 'host', hostId: 'gw-n', tags: ['field-gateway'], siteId: 'north' };
const gatewaySouth: Place = { kind: 'host', hostId: 'gw-s', tags: ['field-gateway'], siteId: 'south' };
const office: Place = { kind: 'host', hostId: 'office', tags: ['office'], siteId: null };
const placeOf = (hostId: string): Place => [gatewayNorth, gatewaySouth, office].find((p) => p.kind === 'host' && p.hostId === hostId) ?? { kind: 'host', hostId, tags: [], siteId: null };
const access = (...grants: Grant[]) => new Access(grants, book, placeOf);

describe('where a grant holds', () => {
  it('covers the fleet everywhere, a site its gateways, a group its tagged hosts, a host itself', () => {
    expect(scopeCovers({ kind: 'fleet' }, office)).toBe(true);
    expect(scopeCovers({ kind: 'site', siteId: 'north' }, gatewayNorth)).toBe(true);
    expect(scopeCovers({ kind: 'site', siteId: 'north' }, gatewaySouth)).toBe(false);
    expect(scopeCovers({ kind: 'site', siteId: 'north' }, { kind: 'site', siteId: 'north' })).toBe(true);
    expect(scopeCovers({ kind: 'group', tag: 'field-gateway' }, gatewaySouth)).toBe(true);
    expect(scopeCovers({ kind: 'group', tag: 'field-gateway' }, { kind: 'site', siteId: 'north' })).toBe(false);
    expect(scopeCovers({ kind: 'host', hostId: 'office' }, office)).toBe(true);
    expect(scopeCovers({ kind: 'host', hostId: 'office' }, fleetPlace)).toBe(false);
  });

  it('contains a narrower scope only when it plainly holds all of it', () => {
    expect(scopeContains({ kind: 'fleet' }, { kind: 'site', siteId: 'x' })).toBe(true);
    expect(scopeContains({ kind: 'site', siteId: 'north' }, { kind: 'host', hostId: 'gw-n' }, gatewayNorth)).toBe(true);
    expect(scopeContains({ kind: 'site', siteId: 'north' }, { kind: 'host', hostId: 'gw-n' })).toBe(false);
    expect(scopeContains({ kind: 'site', siteId: 'north' }, { kind: 'group', tag: 'field-gateway' })).toBe(false);
    expect(scopeContains({ kind: 'host', hostId: 'gw-n' }, { kind: 'fleet' })).toBe(false);
  });
});

describe('may', () => {
  it('denies by default and allows what a covering grant allows', () => {
    const none = access();
    expect(none.may('process.read', office)).toBe(false);
    expect(none.mayAnywhere('process.read')).toBe(false);
    const operator = access({ role: 'plant-operator', scope: { kind: 'site', siteId: 'north' } });
    expect(operator.may('modbus.write', gatewayNorth)).toBe(true);
    expect(operator.may('modbus.write', gatewaySouth)).toBe(false);
    expect(operator.may('process.read', gatewayNorth)).toBe(false);
    expect(operator.may('site.read', { kind: 'site', siteId: 'north' })).toBe(true);
    expect(operator.may('site.read', { kind: 'site', siteId: 'south' })).toBe(false);
  });

  it('lets a denied code win over another grant where both hold, and only there', () => {
    const person = access({ role: 'administrator', scope: { kind: 'fleet' } }, { role: 'no-shell', scope: { kind: 'group', tag: 'field-gateway' } });
    expect(person.may('terminal.open', gatewayNorth)).toBe(false);
    expect(person.may('process.signal', gatewaySouth)).toBe(false);
    expect(person.may('terminal.open', office)).toBe(true);
    expect(person.mayAnywhere('terminal.open')).toBe(true);
    // Giving: the denial might hold in a site (its gateways are tagged), so the code is not theirs to give there.
    expect(person.mayThroughout('terminal.open', { kind: 'site', siteId: 'north' })).toBe(false);
    expect(person.mayThroughout('terminal.open', { kind: 'host', hostId: 'office' })).toBe(true);
  });

  it('ignores grants of roles that no longer exist', () => {
    expect(access({ role: 'deleted-role', scope: { kind: 'fleet' } }).may('process.read', office)).toBe(false);
    expect(access({ role: 'deleted-role', scope: { kind: 'fleet' } }).reaches(office)).toBe(false);
  });
});

describe('who may give what', () => {
  const siteAdmin = access({ role: 'administrator', scope: { kind: 'site', siteId: 'north' } });

  it('lets a delegated administrator give roles inside their site, and nothing outside it', () => {
    const asManager = { asAccountManager: true };
    expect(grantRefusal(siteAdmin, { role: 'plant-operator', scope: { kind: 'site', siteId: 'north' } }, book, asManager)).toBeNull();
    expect(grantRefusal(siteAdmin, { role: 'viewer', scope: { kind: 'host', hostId: 'gw-n' } }, book, asManager)).toBeNull();
    expect(grantRefusal(siteAdmin, { role: 'viewer', scope: { kind: 'host', hostId: 'gw-s' } }, book, asManager)).toMatch(/manage accounts/);
    expect(grantRefusal(siteAdmin, { role: 'viewer', scope: { kind: 'fleet' } }, book, asManager)).toMatch(/manage accounts/);
    expect(grantRefusal(siteAdmin, { role: 'viewer', scope: { kind: 'group', tag: 'field-gateway' } }, book, asManager)).toMatch(/manage accounts/);
    expect(grantRefusal(siteAdmin, { role: 'nope', scope: { kind: 'site', siteId: 'north' } }, book, asManager)).toMatch(/no role/);
  });

  it('never lets someone give a role holding codes they do not hold there', () => {
    const operator = access({ role: 'plant-operator', scope: { kind: 'fleet' } });
    expect(grantRefusal(operator, { role: 'plant-operator', scope: { kind: 'site', siteId: 'north' } }, book, { asAccountManager: false })).toBeNull();
    expect(grantRefusal(operator, { role: 'viewer', scope: { kind: 'fleet' } }, book, { asAccountManager: false })).toMatch(/which you do not hold/);
    expect(grantRefusal(operator, { role: 'reader', scope: { kind: 'fleet' } }, book, { asAccountManager: false })).toMatch(/process.read/);
  });

  it('manages an account only when all its grants lie within reach, and sees it when one does', () => {
    const inside: Grant[] = [{ role: 'plant-operator', scope: { kind: 'site', siteId: 'north' } }];
    const straddling: Grant[] = [...inside, { role: 'viewer', scope: { kind: 'fleet' } }];
    expect(mayManageAccount(siteAdmin, inside)).toBe(true);
    expect(mayManageAccount(siteAdmin, straddling)).toBe(false);
    expect(maySeeAccount(siteAdmin, straddling)).toBe(true);
    expect(maySeeAccount(siteAdmin, [{ role: 'viewer', scope: { kind: 'site', siteId: 'south' } }])).toBe(false);
    expect(mayManageAccount(siteAdmin, [])).toBe(false);
  });
});

describe('the role book', () => {
  it('derives built-in roles from the catalogue and names custom role ids from their names', () => {
    const administrator = book.get('administrator')!;
    expect(administrator.allow.has('account.manage')).toBe(true);
    expect(book.get('viewer')!.allow.has('process.signal')).toBe(false);
    expect(book.get('auditor')!.allow.has('audit.read')).toBe(true);
    expect(book.list().map((r) => r.id).slice(0, 6)).toEqual(['administrator', 'system-operator', 'plant-operator', 'on-call', 'auditor', 'viewer']);
    expect(roleIdFromName('Night shift (North)')).toBe('night-shift-north');
    expect(roleIdFromName('2nd line')).toBe('role-2nd-line');
    expect(roleIdFromName('Ünïcode Öperator')).toBe('unicode-operator');
  });
});
