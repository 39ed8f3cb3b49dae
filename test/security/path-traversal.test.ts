/**
 * The traversal corpus through the console's API to a real agent whose policy jails the file module to one root
 * (SECURITY.md rule 2): every file method and transfer that takes a path, with `..`, its URL-encoded,
 * double-encoded, `%01`/`%00`-suffixed, backslash, overlong-UTF-8 and full-width spellings, absolute paths
 * outside, NUL bytes, symlinks in the root that lead out (to a file and to a directory), and a symlink swapped
 * in for what was checked before. Each is refused with a clear code (policy-denied, not-found or invalid-params),
 * nothing outside the root is read (the answer holds none of it) or changed (the file system is checked after
 * each case), and the agent goes on serving.
 *
 * The in-process version of this corpus, against the handlers alone, is modules/file/traversal.test.ts; this one
 * adds the HTTP layer (query strings decoded once, JSON bodies, the relay) and a real agent process. Destructive
 * probes aim only at this test's own `outside` directory, so a broken jail fails the test without harming the
 * machine.
 */
import { mkdir, mkdtemp, readFile, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/client.js';
import { startFleet, type Fleet } from '../support/fleet.js';

const secret = 'outside secret';
/** Refusals that say why; `not-a-directory`/`is-a-directory` when the spelling lands on a file where a directory is named, or the reverse. */
const allowedCodes = ['policy-denied', 'not-found', 'invalid-params', 'not-a-directory', 'is-a-directory'];
let fleet: Fleet;
let work: string;
let root: string;
let outside: string;
let passwd: string;
let agentPid: number | undefined;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gh-traversal-'));
  root = join(work, 'root');
  outside = join(work, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await mkdir(`${root}2`);
  await mkdir(join(root, 'sub'));
  await writeFile(join(root, 'inside.txt'), 'inside\n');
  await writeFile(join(outside, 'secret.txt'), secret);
  await writeFile(join(`${root}2`, 'secret'), 'sibling secret');
  await symlink(join(outside, 'secret.txt'), join(root, 'out-file-link'));
  await symlink(outside, join(root, 'out-dir-link'));
  await symlink('../outside/secret.txt', join(root, 'rel-link'));
  await symlink('/etc', join(root, 'etc-link'));
  passwd = await readFile('/etc/passwd', 'utf8');
  fleet = await startFleet({ policy: { fileRoots: [root] }, name: 'jailed' });
  agentPid = fleet.agent.child.pid;
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Spellings that try to leave the root; `<root>` and `<outside>` are filled in when the test runs. */
const readCorpus: string[] = [
  '<root>/../outside/secret.txt',
  '<root>/sub/../../outside/secret.txt',
  `<root>//${'..//'.repeat(12)}<base>/outside/secret.txt`,
  '<root>/../../../../../../../../../../etc/passwd',
  '<outside>/secret.txt',
  '/etc/passwd',
  '/etc/shadow',
  '/',
  '<root>2/secret',
  '<root>/./../root2/secret',
  '<root>/%2e%2e%2foutside%2fsecret.txt',
  '<root>/%2e%2e/outside/secret.txt',
  '<root>/%252e%252e%252foutside%252fsecret.txt',
  '<root>/..%01/outside/secret.txt',
  '<root>/..%00/outside/secret.txt',
  '<root>/..\\outside\\secret.txt',
  '<root>/sub/..\\..\\outside/secret.txt',
  '<root>/%c0%ae%c0%ae/outside/secret.txt',
  '<root>/\u00c0\u00ae\u00c0\u00ae/outside/secret.txt',
  '<root>/\uff0e\uff0e/outside/secret.txt',
  '<root>/\u2024\u2024/outside/secret.txt',
  '<root>/..;/outside/secret.txt',
  '<root>/.../outside/secret.txt',
  '<root>/../outside/secret.txt\u0000.png',
  '<root>/\u0000',
  '../outside/secret.txt',
  'outside/secret.txt',
  '~/secret.txt',
  `<root>/${'../'.repeat(1300)}<base>/outside/secret.txt`,
  '<root>/out-file-link',
  '<root>/rel-link',
  '<root>/out-dir-link',
  '<root>/out-dir-link/secret.txt',
  '<root>/out-dir-link/../outside/secret.txt',
  '<root>/etc-link/passwd',
  '<root>/etc-link',
];

/** The same tricks for changes, aimed only at this test's own outside directories. */
const writeCorpus: string[] = [
  '<root>/../outside/secret.txt',
  '<root>/../outside/planted.txt',
  '<root>/sub/../../outside/secret.txt',
  '<outside>/secret.txt',
  '<outside>/planted.txt',
  '<root>2/secret',
  '<root>/./../root2/planted',
  '<root>/%2e%2e/outside/planted.txt',
  '<root>/%252e%252e/outside/planted.txt',
  '<root>/..%01/outside/planted.txt',
  '<root>/\uff0e\uff0e/outside/planted.txt',
  '<root>/../outside/planted.txt\u0000',
  '<root>/out-file-link',
  '<root>/rel-link',
  '<root>/out-dir-link/secret.txt',
  '<root>/out-dir-link/planted.txt',
];

const fill = (template: string) =>
  template.replaceAll('<root>', root).replaceAll('<outside>', outside).replaceAll('<base>', work.slice(1));

type Probe = (path: string) => Promise<ApiResponse<any>>;

const readOps: Record<string, Probe> = {
  list: (path) => fleet.api.call(fleet.hostId, 'file', 'list', { path }),
  stat: (path) => fleet.api.call(fleet.hostId, 'file', 'stat', { path }),
  read: (path) => fleet.api.call(fleet.hostId, 'file', 'read', { path }),
  download: (path) => fleet.api.get(`/api/hosts/${fleet.hostId}/files/download?path=${encodeURIComponent(path)}`),
  // Sent as typed: the console decodes the query once, so `%2e%2e%2f` arrives as `../` and must still be jailed.
  'download, query not encoded': (path) => fleet.api.get(`/api/hosts/${fleet.hostId}/files/download?path=${path.replaceAll('#', '%23').replaceAll('&', '%26')}`),
  'download stream': (path) =>
    fleet.api.get(`/api/hosts/${fleet.hostId}/streams/file/download?params=${encodeURIComponent(JSON.stringify({ path }))}`),
};

const writeOps: Record<string, Probe> = {
  write: (path) => fleet.api.call(fleet.hostId, 'file', 'write', { path, content: 'pwned' }),
  'write (create)': (path) => fleet.api.call(fleet.hostId, 'file', 'write', { path, content: 'pwned', create: true }),
  mkdir: (path) => fleet.api.call(fleet.hostId, 'file', 'mkdir', { path: `${path}/made` }),
  chmod: (path) => fleet.api.call(fleet.hostId, 'file', 'chmod', { path, mode: 0o777 }),
  chown: (path) => fleet.api.call(fleet.hostId, 'file', 'chown', { path, user: '1', group: '1' }),
  delete: (path) => fleet.api.call(fleet.hostId, 'file', 'delete', { path, recursive: true }),
  'rename from': (path) => fleet.api.call(fleet.hostId, 'file', 'rename', { from: path, to: join(root, 'stolen') }),
  'rename to': async (path) => {
    await writeFile(join(root, 'mine.txt'), 'mine');
    return fleet.api.call(fleet.hostId, 'file', 'rename', { from: join(root, 'mine.txt'), to: path });
  },
  upload: (path) =>
    fleet.api.post(`/api/hosts/${fleet.hostId}/files/upload?directory=${encodeURIComponent(path)}&name=planted&overwrite=1`, new Uint8Array(Buffer.from('pwned')), {
      'content-type': 'application/octet-stream',
    }),
  'upload, query not encoded': (path) =>
    fleet.api.post(`/api/hosts/${fleet.hostId}/files/upload?directory=${path}&name=planted&overwrite=1`, new Uint8Array(Buffer.from('pwned')), {
      'content-type': 'application/octet-stream',
    }),
};

/** The refusal in an answer: a plain error, or the error frame of an NDJSON stream that sent no data. */
function refusalOf(res: ApiResponse<any>): { code: string; status: number; text: string } {
  const text = Buffer.isBuffer(res.body) ? res.body.toString('utf8') : JSON.stringify(res.body);
  if (res.status !== 200) return { code: res.body?.error?.code ?? `(no code: ${text.slice(0, 200)})`, status: res.status, text };
  const frames = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; error?: { code: string } });
  if (res.headers.get('content-type')?.includes('ndjson') && frames.every((f) => f.type === 'error')) {
    return { code: frames[0]?.error?.code ?? '(empty stream)', status: 200, text };
  }
  return { code: '(succeeded)', status: 200, text };
}

const statusOf: Record<string, number> = { 'policy-denied': 403, 'not-found': 404, 'invalid-params': 400, 'not-a-directory': 422, 'is-a-directory': 422 };

function expectRefused(res: ApiResponse<any>, what: string): void {
  const { code, status, text } = refusalOf(res);
  expect(allowedCodes, `${what}: ${status} ${text.slice(0, 300)}`).toContain(code);
  if (status !== 200) expect(status, what).toBe(statusOf[code]);
  expect(text).not.toContain(secret);
  expect(text).not.toContain('sibling secret');
  expect(text).not.toMatch(/root:x?:0:0:/);
}

async function outsideIsUntouched(): Promise<void> {
  expect(await readdir(outside)).toEqual(['secret.txt']);
  expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe(secret);
  expect((await stat(join(outside, 'secret.txt'))).mode & 0o7777).toBe(0o644);
  expect((await stat(join(outside, 'secret.txt'))).uid).toBe(0);
  expect(await readdir(`${root}2`)).toEqual(['secret']);
  expect(await readFile(join(`${root}2`, 'secret'), 'utf8')).toBe('sibling secret');
  expect(await readFile('/etc/passwd', 'utf8')).toBe(passwd);
  expect((await readdir(work)).sort()).toEqual(['outside', 'root', 'root2']);
}

/**
 * A symlink's own entry lives in the root: stat, delete and rename name the link itself (they never follow a final
 * link), so on the bare link names they act inside the root. That is covered below, not in the refusal matrix.
 */
const linkEntries = new Set(['<root>/out-file-link', '<root>/rel-link', '<root>/out-dir-link', '<root>/etc-link']);
const entryOps = new Set(['stat', 'delete', 'rename from', 'rename to']);
const cases = (corpus: string[], ops: Record<string, Probe>) =>
  corpus.flatMap((template) =>
    Object.keys(ops)
      .filter((op) => !(linkEntries.has(template) && entryOps.has(op)))
      .map((op) => ({ op, path: JSON.stringify(template).slice(0, 90), template })),
  );
const readCases = cases(readCorpus, readOps);
const writeCases = cases(writeCorpus, writeOps);

describe('reading outside the root', () => {
  it.each(readCases)('$op $path is refused and reveals nothing', async ({ op, template }) => {
    expectRefused(await readOps[op]!(fill(template)), `${op} ${template}`);
  });
});

describe('changing anything outside the root', () => {
  it.each(writeCases)('$op $path is refused and changes nothing', async ({ op, template }) => {
    expectRefused(await writeOps[op]!(fill(template)), `${op} ${template}`);
    await outsideIsUntouched();
  });
});

describe('a symlink in the root that leads out, as an entry of its own', () => {
  it('stat describes the link (its target as text), never what it points to', async () => {
    for (const name of ['out-file-link', 'rel-link', 'out-dir-link', 'etc-link']) {
      const res = await readOps.stat!(join(root, name));
      expect(res.status).toBe(200);
      expect(res.body.result).toMatchObject({ type: 'symlink', path: join(root, name) });
      expect(JSON.stringify(res.body)).not.toContain(secret);
    }
  });

  it('rename and delete move and remove the link, never its target', async () => {
    const link = join(root, 'out-file-link');
    const moved = join(root, 'moved-link');
    expect((await fleet.api.call(fleet.hostId, 'file', 'rename', { from: link, to: moved })).status).toBe(200);
    expect((await fleet.api.call(fleet.hostId, 'file', 'delete', { path: moved })).status).toBe(200);
    await outsideIsUntouched();
    await symlink(join(outside, 'secret.txt'), link);
  });
});

describe('a symlink swapped in for what was checked', () => {
  it('a directory listed inside the root, then replaced by a link out: its files are out of reach', async () => {
    const swap = join(root, 'swap-dir');
    await mkdir(swap);
    await writeFile(join(swap, 'secret.txt'), 'inside copy');
    expect((await readOps.list!(swap)).status).toBe(200);
    expect((await readOps.read!(join(swap, 'secret.txt'))).body.result.content).toBe('inside copy');
    await rename(swap, join(root, 'swap-dir.old'));
    await symlink(outside, swap);
    for (const [op, probe] of Object.entries(readOps)) expectRefused(await probe(join(swap, 'secret.txt')), `${op} after the swap`);
    for (const [op, probe] of Object.entries(writeOps)) {
      expectRefused(await probe(join(swap, 'secret.txt')), `${op} after the swap`);
      await outsideIsUntouched();
    }
    expectRefused(await readOps.list!(swap), 'list after the swap');
  });

  it('a file read for editing, then replaced by a link out: saving with its version is refused', async () => {
    const doc = join(root, 'doc.txt');
    await writeFile(doc, 'draft\n');
    const read = await readOps.read!(doc);
    expect(read.status).toBe(200);
    await rm(doc);
    await symlink(join(outside, 'secret.txt'), doc);
    const save = await fleet.api.call(fleet.hostId, 'file', 'write', { path: doc, content: 'pwned', version: read.body.result.version });
    expectRefused(save, 'write with the version read before the swap');
    const chmod = await fleet.api.call(fleet.hostId, 'file', 'chmod', { path: doc, mode: 0o666 });
    expectRefused(chmod, 'chmod after the swap');
    await outsideIsUntouched();
  });

  it('an upload over a name that became a link out does not write through it', async () => {
    await symlink(join(outside, 'secret.txt'), join(root, 'upload-target'));
    const res = await fleet.api.post(
      `/api/hosts/${fleet.hostId}/files/upload?directory=${encodeURIComponent(root)}&name=upload-target&overwrite=1`,
      new Uint8Array(Buffer.from('pwned')),
      { 'content-type': 'application/octet-stream' },
    );
    // Replacing the link itself inside the root is acceptable; following it out is not.
    if (res.status !== 200) expectRefused(res, 'upload over the link');
    await outsideIsUntouched();
  });
});

describe('afterwards', () => {
  it('the same agent process still serves normal requests inside the root', async () => {
    expect(fleet.agent.child.pid).toBe(agentPid);
    expect(fleet.agent.child.exitCode).toBeNull();
    const read = await readOps.read!(join(root, 'inside.txt'));
    expect(read.status).toBe(200);
    expect(read.body.result.content).toBe('inside\n');
    const listed = await readOps.list!(root);
    expect(listed.body.result.entries.map((e: { name: string }) => e.name)).toEqual(expect.arrayContaining(['inside.txt', 'sub', 'out-dir-link']));
    const written = await fleet.api.call(fleet.hostId, 'file', 'write', { path: join(root, 'sub', 'new.txt'), content: 'ok' });
    expect(written.status).toBe(200);
    expect(await readFile(join(root, 'sub', 'new.txt'), 'utf8')).toBe('ok');
    await outsideIsUntouched();
  });
});
