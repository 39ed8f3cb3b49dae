import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planLogin } from './login.js';

let dir: string;
let accounts: { passwd: string; group: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gatehouse-login-'));
  accounts = { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  await writeFile(
    accounts.passwd,
    ['root:x:0:0:root:/root:/bin/bash', `operator:x:1500:1500::${dir}:`, 'scada:x:1501:1501::/no/such/home:/bin/bash', ''].join('\n'),
  );
  await writeFile(accounts.group, ['root:x:0:', 'operator:x:1500:', 'dialout:x:20:scada,operator', 'adm:x:4:scada', ''].join('\n'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('planLogin (the agent runs as root)', () => {
  it('starts root’s login shell directly, with -l, in its home, with a PATH that has the sbin directories', async () => {
    const plan = await planLogin('root', accounts);
    expect(plan).toMatchObject({ file: '/bin/bash', args: ['-l'], cwd: '/root' });
    expect(plan.env).toEqual({
      HOME: '/root',
      USER: 'root',
      LOGNAME: 'root',
      SHELL: '/bin/bash',
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    });
  });

  it('drops to another user through setpriv with exactly their groups, /bin/sh when passwd names no shell', async () => {
    const plan = await planLogin('operator', accounts);
    expect(plan.file).toMatch(/\/setpriv$/);
    expect(plan.args).toEqual(['--reuid=1500', '--regid=1500', '--groups=1500,20', '--', '/bin/sh', '-l']);
    expect(plan.cwd).toBe(dir);
    expect(plan.env).toMatchObject({ HOME: dir, USER: 'operator', SHELL: '/bin/sh', PATH: '/usr/local/bin:/usr/bin:/bin:/usr/local/games:/usr/games' });
  });

  it('starts in / when the home directory does not exist', async () => {
    const plan = await planLogin('scada', accounts);
    expect(plan.args).toEqual(['--reuid=1501', '--regid=1501', '--groups=1501,20,4', '--', '/bin/bash', '-l']);
    expect(plan.cwd).toBe('/');
    expect(plan.env.HOME).toBe('/no/such/home');
  });

  it('answers not-found for a user passwd does not have', async () => {
    await expect(planLogin('ghost', accounts)).rejects.toMatchObject({ code: 'not-found' });
    await expect(planLogin('root', { passwd: join(dir, 'missing'), group: join(dir, 'missing') })).rejects.toMatchObject({ code: 'not-found' });
  });
});
