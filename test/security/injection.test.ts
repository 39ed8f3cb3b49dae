/**
 * The injection corpus (SECURITY.md rule 1) against every module method and stream that reaches a program on the
 * host, generated from the contracts: for each one whose parameters hold strings, each payload goes into each
 * string field in turn (the other fields valid), through the console's API to a real agent on a disposable
 * Debian host booted with systemd-nspawn (the service, package, user and power tests act there too: a payload
 * that got through must not change this machine). Pass: no marker file appears and the marked directory is still
 * there, the answer is a clear refusal (or, for a free-text field, the text stored as text), never a crash, and
 * the agent answers a normal call after every field.
 *
 * Not here: `terminal.session` (a duplex WebSocket stream, not an HTTP call; its only free string, unixUser, is
 * checked by the same contract pattern as every user name below) and the modbus module (it reaches devices over
 * TCP and serial lines, never a program).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleContracts } from '../../modules/registry.js';
import { repoRoot } from '../support/console.js';
import { debianHostAvailable, startManagedHost, type ManagedHost } from '../support/managed-host.js';
import { readModuleStream } from '../support/module-stream.js';

const available = debianHostAvailable();

/** Modules whose agent code runs programs (execFile/spawn); the first test checks the tree agrees. */
const programModules = ['user', 'group', 'service', 'network', 'power', 'package', 'terminal'];
/** Reached through other modules' code (group runs the user module's tools), so they are listed by hand. */
const viaOtherModules = new Set(['group']);

const marker = '/tmp/gh-injected';
const keep = '/tmp/gh-keep';

/** What a shell, an option parser or a glob would act on; each would leave `marker` or remove `keep`. */
const payloads: Array<[string, string]> = [
  ['semicolon', `; touch ${marker}`],
  ['semicolon rm', `x; rm -rf ${keep}`],
  ['command substitution', `$(touch ${marker})`],
  ['backticks', `\`touch ${marker}\``],
  ['pipe', `| touch ${marker}`],
  ['pipe id', 'a | id'],
  ['and', `&& touch ${marker}`],
  ['or', `|| touch ${marker}`],
  ['newline', `ok\ntouch ${marker}`],
  ['carriage return', `ok\rtouch ${marker}`],
  ['NUL', `ok\u0000touch ${marker}`],
  ['single quotes', `'; touch ${marker}; '`],
  ['double quotes', `"; touch ${marker}; "`],
  ['ssh option', `-oProxyCommand=touch ${marker}`],
  ['long option', `--output=${marker}`],
  ['help', '--help'],
  ['short option', '-rf'],
  ['glob', '*'],
  ['glob path', '/tmp/*'],
  ['redirect', `> ${marker}`],
  ['variable', '$HOME$IFS$PATH'],
  ['traversal', '../../../../etc/passwd'],
  ['very long', 'x'.repeat(100_000)],
];

/** A valid call per method and stream: each string in it is a field the payloads go into. */
const bases: Record<string, Record<string, unknown>> = {
  'user.create': { name: 'ghnew', comment: 'Injection test', home: '/home/ghnew', shell: '/bin/sh', primaryGroup: 'users', groups: ['users'] },
  'user.modify': { name: 'ghinj', comment: 'Injection test', shell: '/bin/sh', home: '/home/ghinj', primaryGroup: 'users', groups: ['users'] },
  'user.lock': { name: 'ghinj' },
  'user.unlock': { name: 'ghinj' },
  'user.expire': { name: 'ghinj', accountExpiresOn: '2099-01-01' },
  'user.setPassword': { name: 'ghinj', password: 'a-long-enough-password' },
  'user.delete': { name: 'ghinj' },
  'user.keys': { name: 'ghinj' },
  'user.addKey': { name: 'ghinj', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBmK0zYx0mY6Hn5xq8r3kq2gG4Zx2Yt3Zr6p4Y8Qh5nD test@example' },
  'user.removeKey': { name: 'ghinj', fingerprint: `SHA256:${'A'.repeat(43)}` },
  'group.create': { name: 'ghgrpnew' },
  'group.rename': { name: 'ghgrp', newName: 'ghgrp2' },
  'group.setMembers': { name: 'ghgrp', members: ['ghinj'] },
  'group.delete': { name: 'ghgrp' },
  'service.details': { unit: 'ssh.service' },
  'service.unitFile': { unit: 'ssh.service' },
  'service.journal': { unit: 'ssh.service', priority: 'info', since: '2020-01-01T00:00:00Z' },
  'service.start': { unit: 'ssh.service' },
  'service.stop': { unit: 'ssh.service' },
  'service.restart': { unit: 'ssh.service' },
  'service.reload': { unit: 'ssh.service' },
  'service.enable': { unit: 'ssh.service' },
  'service.disable': { unit: 'ssh.service' },
  'service.mask': { unit: 'ssh.service' },
  'service.unmask': { unit: 'ssh.service' },
  'service.follow': { unit: 'ssh.service', priority: 'info' },
  'network.setHostname': { hostname: 'gh-injection' },
  'power.reboot': { when: '+60' },
  'power.poweroff': { when: '+60' },
  'package.search': { query: 'coreutils' },
  'package.details': { name: 'coreutils' },
  'package.install': { names: ['coreutils'] },
  'package.upgrade': { names: ['coreutils'] },
  'package.remove': { names: ['coreutils'] },
  'package.installFile': { path: '/tmp/none.deb' },
  'terminal.close': { id: 't_0000000000000000' },
};

/**
 * Free text a program receives as one argument or on stdin (a GECOS comment, a password): a payload there is a
 * legitimate value, so storing it is a pass as long as nothing runs.
 */
const freeText = new Set(['user.create comment', 'user.modify comment', 'user.setPassword password']);

/** Where the strings are: `field`, `field[0]`. */
function stringFields(params: Record<string, unknown>): string[] {
  return Object.entries(params).flatMap(([key, value]) =>
    typeof value === 'string' ? [key] : Array.isArray(value) && typeof value[0] === 'string' ? [`${key}[0]`] : [],
  );
}

function withPayload(params: Record<string, unknown>, field: string, payload: string): Record<string, unknown> {
  const array = /^(.*)\[0\]$/.exec(field)?.[1];
  if (array) return { ...params, [array]: [payload, ...(params[array] as string[]).slice(1)] };
  return { ...params, [field]: payload };
}

interface Target {
  module: string;
  name: string;
  kind: 'method' | 'stream';
}

/** Every method and (HTTP-reachable) stream of the program-running modules. */
const targets: Target[] = moduleContracts
  .filter((c) => programModules.includes(c.name))
  .flatMap((c) => [
    ...Object.keys(c.methods).map((name) => ({ module: c.name, name, kind: 'method' as const })),
    ...Object.entries(c.streams)
      .filter(([, spec]) => spec.direction === 'download')
      .map(([name]) => ({ module: c.name, name, kind: 'stream' as const })),
  ]);

const cases = targets.flatMap((t) => {
  const base = bases[`${t.module}.${t.name}`];
  return base ? stringFields(base).map((field) => ({ ...t, field, id: `${t.module}.${t.name}` })) : [];
});

const okCodes = ['invalid-params', 'not-found', 'conflict', 'exists', 'too-large', 'failed', 'not-supported', 'bad-request', 'policy-denied'];

describe('the catalogue', () => {
  it('lists every module whose agent code runs a program', () => {
    const found = readdirSync(join(repoRoot, 'modules'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .filter((d) =>
        readdirSync(join(repoRoot, 'modules', d.name)).some(
          (f) => /\.ts$/.test(f) && !/\.test\.ts$/.test(f) && /\b(execFile|spawn)\(/.test(readFileSync(join(repoRoot, 'modules', d.name, f), 'utf8')),
        ),
      )
      .map((d) => d.name);
    expect(found.length).toBeGreaterThan(3);
    for (const name of found) expect(programModules, `modules/${name} runs programs`).toContain(name);
    for (const name of programModules) if (!viaOtherModules.has(name)) expect(found, name).toContain(name);
  });

  it('has a valid call for every method and stream with string parameters, and it passes the contract', () => {
    for (const t of targets) {
      const contract = moduleContracts.find((c) => c.name === t.module)!;
      const spec = t.kind === 'method' ? contract.methods[t.name]! : contract.streams[t.name]!;
      const schema = JSON.stringify(z.toJSONSchema(spec.params, { unrepresentable: 'any', io: 'input' }));
      const base = bases[`${t.module}.${t.name}`];
      if (!/"type":"string"(?!,"enum")/.test(schema)) continue;
      expect(base, `no base call for ${t.module}.${t.name}`).toBeDefined();
      const parsed = spec.params.safeParse(base);
      expect(parsed.success, `${t.module}.${t.name}: ${JSON.stringify(parsed.error?.issues?.[0])}`).toBe(true);
    }
    expect(cases.length).toBeGreaterThan(40);
  });
});

describe.skipIf(!available.ok)(`on a disposable Debian host${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: ManagedHost;
  const exists = async (path: string) => (await host.debian.exec(['test', '-e', path])).code === 0;

  beforeAll(async () => {
    host = await startManagedHost({ name: 'gh-injection' });
    await host.result('user', 'create', { name: 'ghinj', comment: 'Injection test', shell: '/bin/sh' });
    await host.result('group', 'create', { name: 'ghgrp' });
    await host.debian.exec(['mkdir', '-p', keep]);
  }, 120_000);

  afterAll(async () => {
    // Whatever got scheduled, if anything did, goes away with the host; cancel anyway so its stop is clean.
    await host?.call('power', 'cancel').catch(() => undefined);
    await host?.stop();
  });

  async function send(c: (typeof cases)[number], params: Record<string, unknown>): Promise<{ status: number; code?: string; text: string }> {
    if (c.kind === 'method') {
      const res = await host.call(c.module, c.name, params);
      return { status: res.status, code: (res.body as any)?.error?.code, text: JSON.stringify(res.body).slice(0, 300) };
    }
    // Streams that would run for long (a followed journal) are cut after the first answer.
    const read = await readModuleStream(host, c.module, c.name, params, { until: (text) => text.length > 0 });
    return { status: read.status, code: read.error?.code, text: JSON.stringify(read.error ?? read.end ?? read.text.slice(0, 200)) };
  }

  it.each(cases)('$id: every payload in $field is refused or kept as text, and nothing runs', async (c) => {
    const problems: string[] = [];
    for (const [label, payload] of payloads) {
      const answer = await send(c, withPayload(bases[c.id]!, c.field, payload));
      // The HTTP server itself refuses a request line too long to read (a stream's parameters travel in the URL).
      if (answer.status === 414 || answer.status === 431) continue;
      const accepted = answer.status === 200 && answer.code === undefined;
      if (accepted && !freeText.has(`${c.id} ${c.field}`)) problems.push(`${label}: accepted (${answer.text})`);
      if (!accepted && !okCodes.includes(answer.code ?? '')) problems.push(`${label}: ${answer.status} ${answer.code} ${answer.text}`);
    }
    expect(problems).toEqual([]);
    expect(await exists(marker), `${marker} was created`).toBe(false);
    expect(await exists(keep), `${keep} was removed`).toBe(true);
    expect(existsSync(marker), `${marker} on this machine`).toBe(false);
    // The agent is alive and answers a normal call.
    expect((await host.call('network', 'hostname')).status).toBe(200);
  });

  it('left the host as it was: the test account and group unchanged but for text, ssh running, no schedule', async () => {
    expect((await host.debian.exec(['id', '-u', 'ghinj'])).code).toBe(0);
    expect((await host.debian.exec(['getent', 'group', 'ghgrp'])).code).toBe(0);
    expect((await host.debian.exec(['systemctl', 'is-active', 'ssh'])).stdout.trim()).toBe('active');
    expect((await host.result('power', 'status')).scheduled ?? null).toBeNull();
    expect((await host.result('network', 'hostname')).hostname).not.toMatch(/touch|\$|;/);
  });
});
