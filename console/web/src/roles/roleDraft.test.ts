import { describe, expect, it } from 'vitest';
import {
  choiceOf,
  countChoices,
  draftFromRole,
  draftProblem,
  draftToRequest,
  emptyDraft,
  groupByModule,
  roleDraftReducer,
  type Permission,
  type RoleDraft,
  type RoleDraftAction,
} from './roleDraft.js';

const catalogue: Permission[] = [
  { code: 'process.read', module: 'process', moduleTitle: 'Processes', risk: 'read', summary: 'List processes' },
  { code: 'process.signal', module: 'process', moduleTitle: 'Processes', risk: 'dangerous', summary: 'Send a signal' },
  { code: 'file.read', module: 'file', moduleTitle: 'Files', risk: 'read', summary: 'Read files' },
  { code: 'file.write', module: 'file', moduleTitle: 'Files', risk: 'change', summary: 'Write files' },
  { code: 'account.manage', module: 'console', moduleTitle: 'Console', risk: null, summary: 'Manage accounts' },
];

function apply(...actions: RoleDraftAction[]): RoleDraft {
  return actions.reduce(roleDraftReducer, emptyDraft);
}

describe('the role editor’s tri-state choices', () => {
  it('moves a code between allow, nothing and deny, never both', () => {
    let draft = apply({ type: 'choose', code: 'process.signal', choice: 'allow' });
    expect(choiceOf(draft, 'process.signal')).toBe('allow');
    draft = roleDraftReducer(draft, { type: 'choose', code: 'process.signal', choice: 'deny' });
    expect(draftToRequest(draft)).toMatchObject({ allow: [], deny: ['process.signal'] });
    draft = roleDraftReducer(draft, { type: 'choose', code: 'process.signal', choice: 'none' });
    expect(choiceOf(draft, 'process.signal')).toBe('none');
    expect(draftToRequest(draft)).toMatchObject({ allow: [], deny: [] });
  });

  it('allows a module’s reads with one click but keeps a deliberate denial', () => {
    const draft = apply(
      { type: 'choose', code: 'file.read', choice: 'deny' },
      { type: 'allow-reads', codes: catalogue.filter((p) => p.module === 'file' || p.module === 'process') },
    );
    expect(choiceOf(draft, 'process.read')).toBe('allow');
    expect(choiceOf(draft, 'file.read')).toBe('deny');
    // Only reads: nothing that changes or breaks a machine is allowed by the shortcut.
    expect(choiceOf(draft, 'process.signal')).toBe('none');
    expect(choiceOf(draft, 'file.write')).toBe('none');
  });

  it('starts from a role: its allows and denies replace the choices, the typed name stays', () => {
    const draft = apply(
      { type: 'name', name: 'Night shift' },
      { type: 'choose', code: 'file.write', choice: 'allow' },
      { type: 'start-from', role: { allow: ['process.read', 'file.read'], deny: ['process.signal'] } },
    );
    expect(draft.name).toBe('Night shift');
    expect(draftToRequest(draft)).toEqual({ name: 'Night shift', summary: '', allow: ['file.read', 'process.read'], deny: ['process.signal'] });
  });

  it('reads an existing role back, a denial winning over an allow of the same code', () => {
    const draft = draftFromRole({ name: 'X', summary: 's', allow: ['file.read', 'file.write'], deny: ['file.write'] });
    expect(choiceOf(draft, 'file.write')).toBe('deny');
    expect(countChoices(draft)).toEqual({ allowed: 1, denied: 1 });
    expect(countChoices(draft, ['file.write', 'process.read'])).toEqual({ allowed: 0, denied: 1 });
  });

  it('clears one module and leaves the others', () => {
    const draft = apply(
      { type: 'choose', code: 'file.read', choice: 'allow' },
      { type: 'choose', code: 'process.read', choice: 'deny' },
      { type: 'clear', codes: ['file.read', 'file.write'] },
    );
    expect(draft.choices).toEqual({ 'process.read': 'deny' });
  });

  it('says what is missing before it can be saved, and trims the name', () => {
    expect(draftProblem(emptyDraft)).toMatch(/name/);
    expect(draftProblem(apply({ type: 'name', name: '  ' }))).toMatch(/name/);
    expect(draftProblem(apply({ type: 'name', name: 'Pump viewer' }))).toMatch(/at least one/);
    const ready = apply({ type: 'name', name: ' Pump viewer ' }, { type: 'choose', code: 'file.write', choice: 'deny' });
    expect(draftProblem(ready)).toBeNull();
    expect(draftToRequest(ready).name).toBe('Pump viewer');
  });
});

describe('the catalogue grouped by module', () => {
  it('keeps the catalogue’s order and narrows by code, module or words', () => {
    expect(groupByModule(catalogue).map((g) => [g.title, g.permissions.length])).toEqual([
      ['Processes', 2],
      ['Files', 2],
      ['Console', 1],
    ]);
    expect(groupByModule(catalogue, 'files').map((g) => g.module)).toEqual(['file']);
    expect(groupByModule(catalogue, 'SIGNAL').flatMap((g) => g.permissions.map((p) => p.code))).toEqual(['process.signal']);
    expect(groupByModule(catalogue, 'nothing like this')).toEqual([]);
  });
});
