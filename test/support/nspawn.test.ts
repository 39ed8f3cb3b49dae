// The Debian host the agent-install and SSH tests manage: a real systemd booted in nspawn, reached over real SSH.
// One boot for the whole file (beforeAll); the last test stops it and checks nothing is left.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootDebianHost, debianHostAvailable, type TestDebianHost } from './nspawn.js';


const run = promisify(execFile);
const available = debianHostAvailable();
const password = `pw-${Math.random().toString(36).slice(2)}`;

/** Log in with a password through ssh2 and run one command; resolves with its output. */
function passwordLogin(port: number, pass: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
          stream.on('close', () => {
            client.end();
            resolve(out);
          });
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port, username: 'root', password: pass, tryKeyboard: false, readyTimeout: 20_000 });
  });
}

/** Processes on the machine whose command line mentions `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(text)) found.push(`${pid}: ${cmdline}`);
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

describe.skipIf(!available.ok)(`Debian host in nspawn${available.ok ? '' : ` (skipped: ${available.why})`}`, () => {
  let host: TestDebianHost;
  let keyDir: string;
  let key: string;

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'gatehouse-nspawn-test-'));
    key = join(keyDir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    host = await bootDebianHost({ authorizedKey: await readFile(`${key}.pub`, 'utf8'), rootPassword: password });
  }, 600_000); // The first run on a machine builds the cached root (debootstrap) here.

  afterAll(async () => {
    await host?.stop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  it('boots systemd to a settled state, named as asked, without Node.js', async () => {
    const state = await host.exec(['systemctl', 'is-system-running']);
    expect(state.stdout.trim()).toMatch(/^(running|degraded)$/);
    expect((await host.exec(['hostname'])).stdout.trim()).toBe(host.name);
    expect((await host.exec(['systemctl', 'is-active', 'ssh'])).stdout.trim()).toBe('active');
    expect((await host.exec(['sh', '-c', 'command -v node'])).code).not.toBe(0);
    expect(await host.exec(['sh', '-c', 'exit 3'])).toMatchObject({ code: 3 });
  });

  it("runs sshd on the chosen loopback port only, never on the machine's port 22", async () => {
    const effective = (await host.exec(['sshd', '-T'])).stdout;
    expect(effective.match(/^port .*$/gm)).toEqual([`port ${host.sshPort}`]);
    expect(effective.match(/^listenaddress .*$/gm)).toEqual([`listenaddress 127.0.0.1:${host.sshPort}`]);
  });

  it('lets the authorized key in over real ssh, with the host key it reports', async () => {
    const ssh = ['-p', String(host.sshPort), '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR'];
    const { stdout } = await run('ssh', [...ssh, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', 'root@127.0.0.1', 'cat /etc/hostname; id -u']);
    expect(stdout).toBe(`${host.name}\n0\n`);
    const { stdout: seen } = await run('sh', ['-c', `ssh-keyscan -t ed25519 -p ${host.sshPort} 127.0.0.1 2>/dev/null | ssh-keygen -lf -`]);
    expect(seen.split(/\s+/)[1]).toBe(host.hostKeyFingerprint);
  });

  it("takes root's password inside the container, and refuses a wrong one", async () => {
    expect(await passwordLogin(host.sshPort, password, 'id -u')).toBe('0\n');
    await expect(passwordLogin(host.sshPort, `${password}-wrong`, 'id -u')).rejects.toThrow(/authentication methods failed/);
  });

  it('stop() leaves no process and no trace in the cached root', async () => {
    await host.exec(['sh', '-c', 'echo written-inside > /root/gatehouse-marker']);
    expect(await readFile(join(host.root, 'root/gatehouse-marker'), 'utf8')).toBe('written-inside\n');
    expect(existsSync(join(host.upper, 'root/gatehouse-marker'))).toBe(true);
    const shadowBefore = await readFile(join(host.image, 'etc/shadow'), 'utf8');
    const leader = host.leaderPid;

    await host.stop();
    expect(existsSync(`/proc/${leader}`)).toBe(false);
    expect(processesMentioning(host.name)).toEqual([]);
    expect(existsSync(join(host.image, 'root/gatehouse-marker'))).toBe(false);
    // chpasswd changed root's password in the container only.
    expect(await readFile(join(host.image, 'etc/shadow'), 'utf8')).toBe(shadowBefore);
    expect(shadowBefore).toMatch(/^root:\*:/m);
    expect(existsSync(host.upper)).toBe(false);
  });
});
