/**
 * A real managed Debian host for tests: the cached bookworm root (scripts/debian-root.mjs) booted with
 * systemd-nspawn under a throwaway overlay, so every boot starts from the clean root and leaves it clean.
 *
 * The container shares the machine's network (an agent inside reaches the console on 127.0.0.1), so its sshd
 * listens only on 127.0.0.1:<sshPort>, never on port 22 of the machine. Its accounts are the test's own: a root
 * password and authorized key are set inside the container, never on the machine.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fingerprint, freePort, waitForSshBanner } from './sshd.js';

const run = promisify(execFile);
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const containerPath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface DebianHostOptions {
  /** The port the container's sshd listens on, on 127.0.0.1 (the machine's network). Default: a free one. */
  sshPort?: number;
  /** A line for root's authorized_keys inside the container. */
  authorizedKey?: string;
  /** root's password inside the container; also turns on sshd's password logins. */
  rootPassword?: string;
  /** Machine name and hostname. Default: `gh-` and random hex. */
  name?: string;
  /** Boot a variant of the root with more packages (scripts/debian-root.mjs `variants`), e.g. `rpm`. */
  variant?: 'rpm';
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; 128 + signal number when a signal ended it. */
  code: number;
}

export interface TestDebianHost {
  name: string;
  sshPort: number;
  /** `SHA256:…` of the container's ed25519 host key (a fresh one each boot). */
  hostKeyFingerprint: string;
  /** The container's live file system as seen from the machine (/proc/<init>/root): read and write files here. */
  root: string;
  /** Only what changed since boot (the overlay's upper folder). */
  upper: string;
  /** The cached root this boot reads from; never written. */
  image: string;
  /** The container's init (systemd) as a process id on the machine. */
  leaderPid: number;
  /** Run a command inside the container as root, with a clean environment (PATH, HOME, LANG only). */
  exec(argv: string[], options?: { input?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** What the container printed on its console so far. */
  consoleLog(): Promise<string>;
  /** Power it off, wait until it is gone, remove its overlay. */
  stop(): Promise<void>;
}

/** Whether this machine can boot a test Debian host, and why not, for `describe.skipIf`. */
export function debianHostAvailable(): { ok: true } | { ok: false; why: string } {
  if (process.platform !== 'linux') return { ok: false, why: 'needs Linux' };
  if (process.getuid?.() !== 0) return { ok: false, why: 'needs root (systemd-nspawn, overlay mounts)' };
  const tools: Array<[string, string]> = [
    ['/usr/bin/systemd-nspawn', 'systemd-container'],
    ['/usr/sbin/debootstrap', 'debootstrap'],
    ['/usr/bin/ssh-keygen', 'openssh-client'],
    ['/usr/bin/nsenter', 'util-linux'],
    ['/usr/bin/unshare', 'util-linux'],
    ['/usr/bin/flock', 'util-linux'],
    ['/usr/bin/pgrep', 'procps'],
    ['/bin/bash', 'bash'],
  ];
  for (const [path, pkg] of tools) {
    if (!existsSync(path)) return { ok: false, why: `needs ${path} (apt-get install ${pkg}; npm test does this as root)` };
  }
  if (!/\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))) return { ok: false, why: 'needs the overlay file system in the kernel' };
  return { ok: true };
}

/** The cached Debian root (or a variant), built first if this machine has none yet (a minute or so, once); resolves to its path. */
export async function ensureDebianRoot(variant?: 'rpm'): Promise<string> {
  // A child process, so the build holds its lock (flock) even while several test files ask at once.
  const args = [join(repoRoot, 'scripts/debian-root.mjs'), ...(variant ? ['--variant', variant] : [])];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const path = stdout.trim().split('\n').pop() ?? '';
  if (!path || !existsSync(path)) throw new Error(`scripts/debian-root.mjs printed no root: ${stdout}`);
  return path;
}

// Mounts the overlay and runs nspawn in a mount namespace of its own (so the mount goes away with it, however the
// test ends), and owns the container's life: when its stdin closes — stop(), or the test process dying — it halts
// the container, and kills it if halting takes over 20 s. Killing nspawn alone would leave the container running.
const supervisor = String.raw`
set -u
lower=$1 dir=$2 name=$3
shift 3
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$dir/upper,workdir=$dir/work" "$dir/root" || exit 90
exec 3<&0
systemd-nspawn --boot --register=no --keep-unit --console=read-only -D "$dir/root" -M "$name" "$@" </dev/null >"$dir/console.log" 2>&1 &
nspawn=$!
echo "nspawn $nspawn"
cat <&3 >/dev/null &
watch=$!
exec 3<&-
wait -n -p ended "$nspawn" "$watch"
status=$?
if [ "$ended" = "$nspawn" ]; then
  echo "the container ended by itself ($status); its console said:" >&2
  tail -n 40 "$dir/console.log" >&2
else
  kill -TERM "$nspawn"
  for _ in $(seq 1 200); do kill -0 "$nspawn" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$nspawn" 2>/dev/null; then
    for leader in $(pgrep -P "$nspawn"); do kill -KILL "$leader"; done
    kill -KILL "$nspawn"
  fi
  wait "$nspawn"
  status=$?
fi
kill "$watch" 2>/dev/null
rmdir "/run/systemd/nspawn/propagate/$name" 2>/dev/null
umount "$dir/root" && rm -rf "$dir"
exit $status
`;

/** The container's init: nspawn's child in another pid namespace. */
function findLeader(nspawnPid: number): number | undefined {
  const ours = readlinkSync('/proc/self/ns/pid');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === nspawnPid && readlinkSync(`/proc/${entry}/ns/pid`) !== ours) return Number(entry);
    } catch {
      // The process ended while we looked.
    }
  }
  return undefined;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Make `rel` (and its parents) in the upper folder with the owner and mode the image has, or `mode` if new. */
async function upperDir(image: string, upper: string, rel: string, mode: number): Promise<string> {
  let path = upper;
  let imagePath = image;
  for (const part of rel.split('/').filter(Boolean)) {
    path = join(path, part);
    imagePath = join(imagePath, part);
    if (existsSync(path)) continue;
    // An overlay shows the upper folder's owner and mode, so a new one must copy the image's (/root is 0700).
    const original = await stat(imagePath).catch(() => undefined);
    await mkdir(path, { mode: original ? original.mode & 0o7777 : mode });
    if (original) await chown(path, original.uid, original.gid);
  }
  return path;
}

function sshdConfig(port: number, passwords: boolean): string {
  return [
    '# Written for this boot by test/support/nspawn.ts. The container shares the machine network: loopback only.',
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin yes',
    `PasswordAuthentication ${passwords ? 'yes' : 'no'}`,
    'MaxStartups 200',
    '',
  ].join('\n');
}

/** Boot the cached Debian root (building it first if needed); resolves once systemd has finished booting and sshd answers. */
export async function bootDebianHost(options: DebianHostOptions = {}): Promise<TestDebianHost> {
  const available = debianHostAvailable();
  if (!available.ok) throw new Error(`cannot boot a Debian host: ${available.why}`);
  const image = await ensureDebianRoot(options.variant);
  const name = options.name ?? `gh-${randomBytes(4).toString('hex')}`;
  const sshPort = options.sshPort ?? (await freePort());
  // The container's sshd shares the machine's ports: a port already taken would answer for someone else.
  if (!(await portIsFree(sshPort))) throw new Error(`port ${sshPort} on 127.0.0.1 is taken; the Debian host's sshd needs it`);

  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-nspawn-'));
  const upper = join(dir, 'upper');
  await Promise.all(['upper', 'work', 'root'].map((d) => mkdir(join(dir, d))));

  // What makes this boot its own: name, machine id, host key, sshd's port, and the test's keys and password.
  const etc = await upperDir(image, upper, 'etc', 0o755);
  await writeFile(join(etc, 'hostname'), `${name}\n`);
  await writeFile(join(etc, 'hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  await writeFile(join(etc, 'machine-id'), `${randomBytes(16).toString('hex')}\n`, { mode: 0o444 });
  const sshDir = await upperDir(image, upper, 'etc/ssh', 0o755);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${name}`, '-f', join(sshDir, 'ssh_host_ed25519_key')]);
  const hostKeyFingerprint = await fingerprint(join(sshDir, 'ssh_host_ed25519_key.pub'));
  const dropIns = await upperDir(image, upper, 'etc/ssh/sshd_config.d', 0o755);
  await writeFile(join(dropIns, 'gatehouse-test.conf'), sshdConfig(sshPort, options.rootPassword !== undefined));
  if (options.authorizedKey !== undefined) {
    const dotSsh = await upperDir(image, upper, 'root/.ssh', 0o700);
    await writeFile(join(dotSsh, 'authorized_keys'), `${options.authorizedKey.trim()}\n`, { mode: 0o600 });
  }

  const child = spawn('unshare', ['--mount', '--propagation', 'private', '/bin/bash', '-c', supervisor, 'supervisor', image, dir, name], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let said = '';
  let complaints = '';
  let ended: string | undefined;
  child.stdout!.on('data', (chunk: Buffer) => (said += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (complaints = (complaints + chunk.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      ended = `the Debian host ${name} ended (${code ?? signal}): ${complaints.trim() || '(no output)'}`;
      resolve();
    });
  });
  child.once('error', (err) => (ended = `could not start unshare: ${err.message}`));

  const host = new DebianHost(name, sshPort, hostKeyFingerprint, upper, image, dir, child, exited, () => ended);
  try {
    const deadline = Date.now() + 120_000;
    let nspawnPid: number | undefined;
    while (nspawnPid === undefined || host.leaderPid === 0) {
      if (ended) throw new Error(ended);
      if (Date.now() > deadline) throw new Error(`the Debian host ${name} did not start within 120 s`);
      nspawnPid ??= Number(said.match(/^nspawn (\d+)$/m)?.[1]) || undefined;
      if (nspawnPid !== undefined) host.leaderPid = findLeader(nspawnPid) ?? 0;
      if (host.leaderPid === 0) await new Promise((r) => setTimeout(r, 50));
    }
    host.root = `/proc/${host.leaderPid}/root`;
    // "Booted" means systemd says so; a test that asks `systemctl is-active` then sees the settled state.
    await host.settled(deadline);
    const ssh = await host.exec(['systemctl', 'is-active', 'ssh']);
    if (ssh.stdout.trim() !== 'active') {
      // E.g. the port was taken between our check and sshd's bind.
      const journal = await host.exec(['journalctl', '--no-pager', '-n', '30', '-u', 'ssh']);
      throw new Error(`sshd in the Debian host ${name} is ${ssh.stdout.trim()}: ${journal.stdout}`);
    }
    await waitForSshBanner(sshPort, deadline, () => ended);
    if (options.rootPassword !== undefined) {
      const set = await host.exec(['chpasswd'], { input: `root:${options.rootPassword}\n` });
      if (set.code !== 0) throw new Error(`chpasswd in ${name} failed: ${set.stderr}`);
    }
    return host;
  } catch (err) {
    await host.stop();
    throw err;
  }
}

class DebianHost implements TestDebianHost {
  leaderPid = 0;
  root = '';

  constructor(
    readonly name: string,
    readonly sshPort: number,
    readonly hostKeyFingerprint: string,
    readonly upper: string,
    readonly image: string,
    readonly dir: string,
    readonly supervisor: ChildProcess,
    readonly exited: Promise<void>,
    readonly ended: () => string | undefined,
  ) {}

  exec(argv: string[], options: { input?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    if (this.ended()) return Promise.reject(new Error(this.ended()));
    const enter = ['-t', String(this.leaderPid), '--mount', '--uts', '--ipc', '--net', '--pid', '--cgroup', '--root', '--wd'];
    const clean = ['/usr/bin/env', '-i', `PATH=${containerPath}`, 'HOME=/root', 'LANG=C.UTF-8', 'USER=root', 'LOGNAME=root'];
    return new Promise((resolve, reject) => {
      const child = spawn('nsenter', [...enter, '--', ...clean, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const signals: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1, SIGSEGV: 11, SIGABRT: 6 };
        resolve({ stdout, stderr, code: code ?? 128 + (signal ? (signals[signal] ?? 0) : 0) });
      });
      // A command that exits without reading its input (getent, test) closes the pipe first; its exit code says
      // what happened, so the EPIPE is not an error of the test.
      child.stdin!.on('error', () => {});
      child.stdin!.end(options.input ?? '');
    });
  }

  /** Wait until systemd has finished booting (running, or degraded when a unit failed). */
  async settled(deadline: number): Promise<void> {
    for (;;) {
      // Right after the container starts, systemd's bus is not up yet and systemctl says "offline" at once.
      const state = await this.exec(['systemctl', 'is-system-running', '--wait'], { timeoutMs: Math.max(1_000, deadline - Date.now()) });
      const said = state.stdout.trim();
      if (said === 'running' || said === 'degraded') return;
      if (this.ended()) throw new Error(this.ended());
      if (Date.now() > deadline || !/^(offline|unknown|initializing|starting|)$/.test(said)) {
        throw new Error(`the Debian host ${this.name} is "${said}" ${state.stderr.trim()}: ${(await this.consoleLog()).slice(-3_000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async consoleLog(): Promise<string> {
    return readFile(join(this.dir, 'console.log'), 'utf8').catch(() => '');
  }

  async stop(): Promise<void> {
    const child = this.supervisor;
    if (child.exitCode === null && child.signalCode === null) {
      // Closing its stdin is what tells the supervisor to halt the container (it gives halting 20 s).
      child.stdin!.end();
      const timer = setTimeout(() => {
        try {
          if (this.leaderPid) process.kill(this.leaderPid, 'SIGKILL');
        } catch {
          // Already gone.
        }
        child.kill('SIGKILL');
      }, 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }
}
