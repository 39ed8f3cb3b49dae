/**
 * A real OpenSSH sshd on a loopback port, for tests and benches: throwaway host and client keys and its own
 * authorized_keys in a temporary folder. It logs in as the current user (root on the test machines) by key only:
 * password logins would check the machine's own accounts, which tests never touch — those are tested inside an
 * nspawn host (./nspawn.ts), whose accounts are the test's own.
 *
 * Node built-ins only: bench/terminal.ts uses this from dist/ too.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sshdPath = '/usr/sbin/sshd';

export interface TestSshd {
  port: number;
  dir: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  clientKeyPath: string;
  /** OpenSSH private key text of an ed25519 client key whose public half is in authorized_keys. */
  clientPrivateKey: string;
  /** The client key's public line (`ssh-ed25519 AAAA… comment`). */
  clientPublicKey: string;
  /** The account the client key logs into: the current user. */
  username: string;
  /** Lines sshd wrote to stderr so far (for a failing test's message). */
  log(): string;
  /** Allow another public key (an `authorized_keys` line). Takes effect for the next login. */
  authorize(publicKeyLine: string): Promise<void>;
  /** A new host key, and sshd restarted with it on the same port; returns the new fingerprint. */
  replaceHostKey(): Promise<string>;
  /** Stop sshd (and wait for it) and remove the folder. */
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** A fixed port; default: a free one. */
  port?: number;
}

/** Every sshd still running, so a test process that ends without stop() leaves none behind. */
const running = new Set<ChildProcess>();
const folders = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });
}

/** A port nothing listens on right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolve once something on 127.0.0.1:port sends an SSH identification line (`SSH-2.0-…`). */
export function sshBanner(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host });
    let text = '';
    const done = (err: Error | undefined, banner?: string) => {
      socket.destroy();
      if (err) reject(err);
      else resolve(banner!);
    };
    socket.setTimeout(5_000, () => done(new Error(`no SSH banner from ${host}:${port} within 5 s`)));
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1');
      const line = text.split(/\r?\n/).find((l) => l.startsWith('SSH-'));
      if (line !== undefined && /\r?\n/.test(text.slice(text.indexOf(line)))) done(undefined, line);
    });
    socket.once('error', (err) => done(err));
    socket.once('end', () => done(new Error(`${host}:${port} closed without an SSH banner`)));
  });
}

/** Poll for the banner until `deadline`, stopping early when `failed()` says the server is gone. */
export async function waitForSshBanner(port: number, deadline: number, failed: () => string | undefined): Promise<string> {
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    try {
      return await sshBanner(port);
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`no SSH banner on 127.0.0.1:${port}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function fingerprint(publicKeyFile: string): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-l', '-f', publicKeyFile]);
  const found = stdout.split(/\s+/).find((field) => field.startsWith('SHA256:'));
  if (!found) throw new Error(`ssh-keygen -lf ${publicKeyFile} printed no SHA256 fingerprint: ${stdout}`);
  return found;
}

function config(dir: string, port: number): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    // The folder is under /tmp (world-writable), which StrictModes would refuse for authorized_keys.
    'StrictModes no',
    'PermitRootLogin yes',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'UseDNS no',
    'PrintMotd no',
    'PrintLastLog no',
    // Tests open many connections at once; the default (10:30:100) drops some of them at random.
    'MaxStartups 200',
    'MaxSessions 50',
    'Subsystem sftp internal-sftp',
    // Sessions log in as this machine's user (root) but must not run its dotfiles: a login shell reading
    // root's ~/.bashrc runs whatever the machine put there (pyenv's rehash waits up to a minute on a lock one
    // killed session left behind). A home of the test's own keeps the machine's account out of the test.
    `SetEnv HOME=${join(dir, 'home')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    '',
  ].join('\n');
}

class Sshd implements TestSshd {
  hostKeyFingerprint = '';
  clientPrivateKey = '';
  clientPublicKey = '';
  readonly clientKeyPath: string;
  readonly username = userInfo().username;
  #child: ChildProcess | undefined;
  #log = '';
  #exited: string | undefined;

  constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.clientKeyPath = join(dir, 'client_key');
  }

  log(): string {
    return this.#log;
  }

  async prepare(): Promise<void> {
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gatehouse-test-client', '-f', this.clientKeyPath]);
    this.clientPrivateKey = await readFile(this.clientKeyPath, 'utf8');
    this.clientPublicKey = (await readFile(`${this.clientKeyPath}.pub`, 'utf8')).trim();
    await writeFile(join(this.dir, 'authorized_keys'), `${this.clientPublicKey}\n`, { mode: 0o600 });
    await mkdir(join(this.dir, 'home'), { mode: 0o700 });
    await writeFile(join(this.dir, 'sshd_config'), config(this.dir, this.port));
    await this.#newHostKey();
    // sshd's privilege separation folder; Debian's service makes it, but no service runs here.
    await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  }

  async #newHostKey(): Promise<void> {
    const key = join(this.dir, 'host_key');
    await rm(key, { force: true });
    await rm(`${key}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'gatehouse-test-host', '-f', key]);
    this.hostKeyFingerprint = await fingerprint(`${key}.pub`);
  }

  /** Start sshd and resolve once it sends its banner. */
  async start(): Promise<void> {
    this.#exited = undefined;
    // -D: stay in the foreground as our child; -e: log to stderr. setpriv: sshd dies with this process even
    // when it is killed outright (the 'exit' hook covers the ordinary ends).
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', sshdPath, '-D', '-e', '-f', join(this.dir, 'sshd_config')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.#child = child;
    running.add(child);
    child.stderr!.on('data', (chunk: Buffer) => {
      this.#log = (this.#log + chunk.toString()).slice(-20_000);
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      this.#exited = `sshd exited (${code ?? signal}): ${this.#log.trim().split('\n').slice(-5).join(' | ')}`;
    });
    child.once('error', (err) => {
      this.#exited = `sshd did not start: ${err.message}`;
    });
    try {
      await waitForSshBanner(this.port, Date.now() + 15_000, () => this.#exited);
    } catch (err) {
      await this.#kill();
      throw err;
    }
  }

  async #kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  async authorize(publicKeyLine: string): Promise<void> {
    await appendFile(join(this.dir, 'authorized_keys'), `${publicKeyLine.trim()}\n`);
  }

  async replaceHostKey(): Promise<string> {
    await this.#kill();
    await this.#newHostKey();
    await this.start();
    return this.hostKeyFingerprint;
  }

  async stop(): Promise<void> {
    await this.#kill();
    await rm(this.dir, { recursive: true, force: true });
    folders.delete(this.dir);
  }
}

/** Start an sshd on 127.0.0.1 (a free port unless one is given); resolves once it answers with its banner. */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  installExitHook();
  // A free port can be taken between asking and binding; with no fixed port, try another when that happens.
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-sshd-'));
    folders.add(dir);
    const sshd = new Sshd(options.port ?? (await freePort()), dir);
    try {
      await sshd.prepare();
      await sshd.start();
      return sshd;
    } catch (err) {
      const log = sshd.log();
      await sshd.stop();
      const portTaken = /Address already in use|Cannot bind any address/.test(log);
      if (!portTaken || options.port !== undefined || attempt >= 5) throw err;
    }
  }
}
