/**
 * The approval state machine against a real database and audit trail, with the relay replaced by one that asks
 * the real gate (as relay.ts does) and records what reached "the agent".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { methodOf } from '../../../modules/kernel/contract.js';
import { findContract } from '../../../modules/registry.js';
import type { Access } from '../access/access.js';
import { AuditTrail } from '../audit.js';
import type { HostDirectory, HostView } from '../hosts.js';
import type { Caller, Relay } from '../relay.js';
import { openSqliteStorage } from '../storage/sqlite.js';
import type { KyselyStorage } from '../storage/kysely-storage.js';
import type { UserRecord } from '../storage/types.js';
import { RelayApprovalGate } from './gate.js';
import { defaultApprovalsConfig } from './policy.js';
import { ApprovalService, type Actor } from './service.js';
import { ApprovalStore } from './store.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

const T0 = Date.parse('2026-11-24T08:00:00Z');
const MINUTE = 60_000;

function hostView(over: Partial<HostView> = {}): HostView {
  return {
    id: 'h1',
    name: 'gw-north',
    online: true,
    state: 'approved',
    status: null,
    enrolledAt: new Date(T0).toISOString(),
    lastSeenAt: null,
    address: null,
    modules: [],
    agentVersion: null,
    policy: null,
    connection: 'agent',
    tags: ['field-gateway'],
    ssh: null,
    ...over,
  } as HostView;
}

/** Who may do what: alice and bob may delete users and open terminals, carol only reads. */
const rights: Record<string, string[]> = { alice: ['user.delete', 'user.manage', 'terminal.open', 'modbus.write'], bob: ['user.delete', 'user.manage', 'terminal.open', 'modbus.write'], carol: ['user.read'] };
const accessOf = (user: Pick<UserRecord, 'username'>) => ({ may: (code: string) => (rights[user.username] ?? []).includes(code) }) as unknown as Access;

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), 'gh-approvals-'));
  const storage: KyselyStorage = await openSqliteStorage(join(dir, 'gatehouse.db'));
  await storage.migrate();
  cleanups.push(() => rm(dir, { recursive: true, force: true }), () => storage.close());
  const users: Record<string, UserRecord> = {};
  for (const name of ['alice', 'bob', 'carol']) users[name] = await storage.createUser({ id: `u-${name}`, username: name, role: 'administrator', passwordHash: 'x' });
  const actor = (name: string): Actor => ({ user: users[name]!, address: '127.0.0.1', access: accessOf(users[name]!) });
  let now = T0;
  const audit = new AuditTrail(storage);
  const host = hostView();
  const hosts = { get: async () => host } as unknown as HostDirectory;
  const store = new ApprovalStore(storage.db);
  const gate = new RelayApprovalGate({ config: defaultApprovalsConfig, store, hosts, audit, tagNeedsApproval: async (_h, tag) => tag === 'dose.limit', now: () => now });
  /** What reached the agent: who, what, with which params. */
  const performed: Array<{ user: string; action: string; params: unknown }> = [];
  const relay = {
    async call(caller: Caller, hostId: string, module: string, method: string, params: unknown) {
      // As relay.ts: the gate sees the params after the contract has parsed them (defaults filled in).
      const parsed = methodOf(findContract(module)!, method)!.params.parse(params);
      await gate.gate(caller, hostId, `${module}.${method}`, parsed);
      performed.push({ user: caller.user.username, action: `${module}.${method}`, params });
      return { name: 'olduser', homeRemoved: false };
    },
  } as unknown as Relay;
  const service = new ApprovalService({ store, gate, relay: () => relay, hosts, audit, storage, accessOf: async (u) => accessOf(u), placeOf: (hostId) => ({ kind: 'host', hostId, tags: [], siteId: null }), now: () => now });
  const auditActions = async () => (await storage.queryAudit({ limit: 100, order: 'oldest-first' })).map((e) => ({ user: e.user, action: e.action, result: e.result, detail: e.detail }));
  return { service, gate, relay, actor, performed, auditActions, advance: (ms: number) => (now += ms), users };
}

const deleteUser = { hostId: 'h1', action: 'user.delete', params: { name: 'olduser' }, reason: 'the contractor left last week' };

describe('approval requests', () => {
  it('are performed once, exactly as requested and as the requester, after a second person approves; both names are audited', async () => {
    const { service, actor, performed, auditActions } = await setUp();
    const request = await service.request(actor('alice'), deleteUser);
    expect(request).toMatchObject({ id: 1, state: 'pending', requester: 'alice', action: 'user.delete', params: { name: 'olduser' }, hostName: 'gw-north' });
    expect(Date.parse(request.expiresAt) - T0).toBe(30 * MINUTE);

    const approved = await service.approve(actor('bob'), request.id, 'checked with HR');
    expect(approved).toMatchObject({ state: 'performed', decidedBy: 'bob', comment: 'checked with HR', outcome: { result: { name: 'olduser', homeRemoved: false } } });
    expect(performed).toEqual([{ user: 'alice', action: 'user.delete', params: { name: 'olduser' } }]);

    // Single use: a second approval (by anyone) finds nothing to approve, and nothing more is performed.
    await expect(service.approve(actor('bob'), request.id)).rejects.toMatchObject({ code: 'conflict' });
    expect(performed).toHaveLength(1);

    const entries = await auditActions();
    expect(entries).toContainEqual(expect.objectContaining({ user: 'alice', action: 'approval.request' }));
    expect(entries).toContainEqual(expect.objectContaining({ user: 'bob', action: 'approval.approve' }));
    expect(entries).toContainEqual({ user: 'alice', action: 'user.delete', result: 'ok', detail: 'approved by bob (request 1)' });
  });

  it('refuses self-approval, and approval by someone not allowed the action', async () => {
    const { service, actor, performed } = await setUp();
    const request = await service.request(actor('alice'), deleteUser);
    await expect(service.approve(actor('alice'), request.id)).rejects.toMatchObject({ code: 'forbidden', message: expect.stringMatching(/second person/) });
    // carol cannot see it at all: not allowed user.delete, not hers.
    await expect(service.approve(actor('carol'), request.id)).rejects.toMatchObject({ code: 'not-found' });
    expect(await service.list(actor('carol'))).toEqual([]);
    expect(performed).toEqual([]);
    expect((await service.get(actor('bob'), request.id)).state).toBe('pending');
  });

  it('expire after the time limit: cannot be approved, and the expiry is audited once', async () => {
    const { service, actor, performed, advance, auditActions } = await setUp();
    const request = await service.request(actor('alice'), deleteUser);
    advance(30 * MINUTE + 1);
    await expect(service.approve(actor('bob'), request.id)).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/expired/) });
    expect((await service.get(actor('alice'), request.id)).state).toBe('expired');
    await service.expireDue();
    expect((await auditActions()).filter((e) => e.action === 'approval.expire')).toHaveLength(1);
    expect(performed).toEqual([]);
  });

  it('rejected or cancelled are never performed; only the requester cancels', async () => {
    const { service, actor, performed, auditActions } = await setUp();
    const first = await service.request(actor('alice'), deleteUser);
    expect(await service.reject(actor('bob'), first.id, 'not before the audit')).toMatchObject({ state: 'rejected', comment: 'not before the audit' });
    await expect(service.approve(actor('bob'), first.id)).rejects.toMatchObject({ code: 'conflict' });
    const second = await service.request(actor('alice'), deleteUser);
    await expect(service.cancel(actor('bob'), second.id)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await service.cancel(actor('alice'), second.id)).toMatchObject({ state: 'cancelled' });
    expect(performed).toEqual([]);
    expect((await auditActions()).map((e) => e.action)).toEqual(['approval.request', 'approval.reject', 'approval.request', 'approval.cancel']);
  });

  it('refuses requests for what the requester may not do, for calls that need no approval, with bad params or a secret', async () => {
    const { service, actor } = await setUp();
    await expect(service.request(actor('carol'), deleteUser)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(service.request(actor('alice'), { ...deleteUser, action: 'user.lock', params: { name: 'olduser' } })).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(service.request(actor('alice'), { ...deleteUser, params: { name: '-rf' } })).rejects.toMatchObject({ code: 'invalid-params' });
    await expect(service.request(actor('alice'), { ...deleteUser, action: 'nosuch.thing' })).rejects.toMatchObject({ code: 'unknown-method' });
    await expect(service.request(actor('alice'), { ...deleteUser, action: 'user.setPassword', params: { name: 'olduser', password: 'hunter2hunter2' } })).rejects.toMatchObject({ code: 'not-supported' });
    await expect(service.request(actor('alice'), { ...deleteUser, action: 'modbus.write', params: { tag: 'dose.limit', value: 5, reason: 'x'.repeat(5), approval: { id: 1, requester: 'alice', approver: 'bob' } } })).rejects.toMatchObject({ code: 'invalid-params' });
  });
});

describe('the relay gate', () => {
  it('refuses a call that needs approval, lets one that does not through, and refuses a forged Modbus approval', async () => {
    const { relay, actor } = await setUp();
    const alice = actor('alice');
    await expect(relay.call(alice, 'h1', 'user', 'delete', { name: 'olduser', removeHome: false })).rejects.toMatchObject({ code: 'approval-required' });
    await expect(relay.call(alice, 'h1', 'user', 'lock', { name: 'olduser' })).resolves.toBeDefined();
    await expect(relay.call(alice, 'h1', 'modbus', 'write', { tag: 'dose.limit', value: 5, reason: 'raise it' })).rejects.toMatchObject({ code: 'approval-required' });
    await expect(relay.call(alice, 'h1', 'modbus', 'write', { tag: 'dose.rate', value: 5, reason: 'raise it' })).resolves.toBeDefined();
    const forged = { tag: 'dose.limit', value: 5, reason: 'raise it', approval: { id: 9, requester: 'alice', approver: 'bob' } };
    await expect(relay.call(alice, 'h1', 'modbus', 'write', forged)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('performs an approved Modbus write with the approval naming both people attached', async () => {
    const { service, actor, performed } = await setUp();
    const request = await service.request(actor('alice'), { hostId: 'h1', action: 'modbus.write', params: { tag: 'dose.limit', value: 5, reason: 'raise the limit' }, reason: 'new dosing regime from Monday' });
    await service.approve(actor('bob'), request.id);
    expect(performed).toEqual([{ user: 'alice', action: 'modbus.write', params: { tag: 'dose.limit', value: 5, reason: 'raise the limit', approval: { id: request.id, requester: 'alice', approver: 'bob' } } }]);
  });

  it('a ticket covers one call only: not other params, not twice', async () => {
    const { gate, actor } = await setUp();
    const caller = actor('alice');
    const { paramsDigest } = await import('../audit.js');
    gate.issueTicket(caller, { requestId: 7, hostId: 'h1', action: 'user.delete', paramsDigest: paramsDigest({ name: 'olduser', removeHome: false }), approver: 'bob' });
    await expect(gate.gate(caller, 'h1', 'user.delete', { name: 'root', removeHome: false })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(gate.gate(caller, 'h1', 'user.delete', { name: 'olduser', removeHome: false })).resolves.toBeUndefined();
    await expect(gate.gate(caller, 'h1', 'user.delete', { name: 'olduser', removeHome: false })).rejects.toMatchObject({ code: 'forbidden' });
    // Another caller object for the same person carries no ticket.
    await expect(gate.gate(actor('alice'), 'h1', 'user.delete', { name: 'olduser', removeHome: false })).rejects.toMatchObject({ code: 'approval-required' });
  });

  it('an approved root terminal opens once, for the requester, within its window', async () => {
    const { service, gate, actor, advance } = await setUp();
    const open = (who: string) => gate.gate(actor(who), 'h1', 'terminal.session', { cols: 80, rows: 24, unixUser: 'root' });
    await expect(open('alice')).rejects.toMatchObject({ code: 'approval-required' });
    await expect(gate.gate(actor('alice'), 'h1', 'terminal.session', { cols: 80, rows: 24, unixUser: 'oncall' })).resolves.toBeUndefined();
    const request = await service.request(actor('alice'), { hostId: 'h1', action: 'terminal.session', params: { cols: 80, rows: 24, unixUser: 'root' }, reason: 'PLC gateway service hangs, need root' });
    advance(20 * MINUTE);
    expect(await service.approve(actor('bob'), request.id)).toMatchObject({ state: 'approved' });
    // The window runs from the approval, not the request: 20 more minutes in, it is still usable.
    advance(20 * MINUTE);
    await expect(open('bob')).rejects.toMatchObject({ code: 'approval-required' });
    await expect(open('alice')).resolves.toBeUndefined();
    await expect(open('alice')).rejects.toMatchObject({ code: 'approval-required' });
    expect((await service.get(actor('alice'), request.id)).state).toBe('performed');
  });

  it('an approved terminal left unused expires', async () => {
    const { service, gate, actor, advance } = await setUp();
    const request = await service.request(actor('alice'), { hostId: 'h1', action: 'terminal.session', params: { cols: 80, rows: 24, unixUser: 'root' }, reason: 'PLC gateway service hangs, need root' });
    await service.approve(actor('bob'), request.id);
    advance(31 * MINUTE);
    await expect(gate.gate(actor('alice'), 'h1', 'terminal.session', { cols: 80, rows: 24, unixUser: 'root' })).rejects.toMatchObject({ code: 'approval-required' });
    await service.expireDue();
    expect((await service.get(actor('alice'), request.id)).state).toBe('expired');
  });
});
