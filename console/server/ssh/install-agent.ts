/**
 * "Install agent over SSH": on a registered SSH host, copy the agent (and, where the host has no suitable
 * Node.js, the console's own runtime), enroll it with a fresh one-time token issued for this host, install and
 * start its systemd unit, and wait until it is online. The host keeps its id, name and recordings; it only
 * changes how the console reaches it. Each step reports as it goes; a failed step says why and shows what the
 * host printed.
 *
 * Remote commands go through the login shell of the SSH server (that is how SSH runs commands): they are built
 * from constants and values quoted with shellQuote, never from text a person typed.
 */
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import type { InstallProgress, InstallStepId } from '../../../modules/kernel/console-api.js';
import { GatehouseError, problemFromSystemError } from '../../../modules/kernel/errors.js';
import type { AgentHub } from '../agents/hub.js';
import type { AuditTrail } from '../audit.js';
import type { Enrollment } from '../enrollment.js';
import type { HostDirectory } from '../hosts.js';
import { log } from '../log.js';
import { packageClosure, type PackageFiles } from './package-closure.js';
import { openSftp, runRemote, shellQuote } from './connect.js';
import type { Actor, SshHosts } from './ssh-hosts.js';

/** Where the agent lives on the host, and its identity. Fixed paths: nothing here comes from a request. */
const installDir = '/opt/gatehouse-agent';
const dataDir = '/var/lib/gatehouse-agent';
const unitName = 'gatehouse-agent.service';
/** The oldest Node.js the agent runs on; an older or missing one gets the console's own runtime copied. */
const minimumNodeMajor = 20;
/** How long the new agent has to connect once its unit is started. */
const onlineTimeoutMs = 60_000;

const titles: Record<InstallStepId, string> = {
  connect: 'Connect over SSH',
  check: 'Check the host (root, systemd, architecture, Node.js)',
  copy: `Copy the agent to ${installDir}`,
  enroll: 'Enroll the agent with a one-time token',
  service: `Install and start ${unitName}`,
  online: 'Wait for the agent to come online',
};

export type ProgressListener = (event: InstallProgress) => void;

interface HostFacts {
  arch: string;
  uid: string;
  systemd: boolean;
  nodeVersion: string | null;
  glibc: string | null;
}

class StepFailed extends Error {
  constructor(
    readonly problem: GatehouseError,
    readonly output?: string,
  ) {
    super(problem.message);
  }
}

export interface AgentInstallerOptions {
  sshHosts: SshHosts;
  enrollment: Enrollment;
  hosts: HostDirectory;
  hub: AgentHub;
  audit: AuditTrail;
  /** The single-file agent the console serves (dist/agent-bundle/gatehouse-agent.mjs). */
  agentBundle: string;
  /** The console's address as agents reach it, read when an install starts. */
  consoleOrigin: () => string;
}

export class AgentInstaller {
  readonly #options: AgentInstallerOptions;
  readonly #running = new Set<string>();

  constructor(options: AgentInstallerOptions) {
    this.#options = options;
  }

  /** Install the agent on `hostId`, reporting each step. Resolves (never rejects) with the final `done` event. */
  async install(actor: Actor, hostId: string, progress: ProgressListener): Promise<Extract<InstallProgress, { type: 'done' }>> {
    const { hosts, audit } = this.#options;
    const finish = (event: Extract<InstallProgress, { type: 'done' }>) => {
      progress(event);
      return event;
    };
    let hostName: string;
    try {
      const host = await hosts.get(hostId);
      hostName = host.name;
      if (host.connection !== 'ssh' || !host.ssh) throw new GatehouseError('conflict', `${host.name} already has an agent`);
      if (this.#running.has(hostId)) throw new GatehouseError('conflict', `an install on ${host.name} is already running`);
    } catch (err) {
      const problem = problemFromSystemError(err);
      return finish({ type: 'done', ok: false, hostId, code: problem.code, message: problem.message });
    }
    this.#running.add(hostId);
    const base = { user: actor.user.username, address: actor.address, hostId, hostName, action: 'ssh.install-agent' };
    await audit.record({ ...base, phase: 'requested', result: 'ok', detail: `agent to ${installDir}, unit ${unitName}` });
    let current: InstallStepId = 'connect';
    const step = async <T>(id: InstallStepId, work: () => Promise<T>, describe?: (value: T) => string): Promise<T> => {
      current = id;
      progress({ type: 'step', step: id, title: titles[id], state: 'running' });
      const started = Date.now();
      const value = await work();
      log.info('agent install step done', { host: hostId, step: id, ms: Date.now() - started });
      progress({ type: 'step', step: id, title: titles[id], state: 'ok', ...(describe ? { message: describe(value) } : {}) });
      return value;
    };
    let client: Client | undefined;
    try {
      const { connection, target } = await step('connect', () => this.#options.sshHosts.connect(hostId), (c) => `${c.target.username}@${c.target.address}:${c.target.port}, host key ${c.connection.hostKey.fingerprint}`);
      client = connection.client;
      const facts = await step('check', () => checkHost(connection.client, target.username), describeFacts);
      const copyNode = !nodeIsUsable(facts.nodeVersion);
      const node = await step('copy', () => this.#copy(connection.client, copyNode), (n) => (copyNode ? `agent and Node.js ${process.version} copied` : `agent copied; using the host's Node.js ${facts.nodeVersion} at ${n}`));
      await step('enroll', () => this.#enroll(connection.client, node, hostId, hostName, actor), () => 'enrolled; the host keeps its id and name');
      await step('service', () => installUnit(connection.client, node), (state) => `${unitName} is ${state}`);
      await step('online', () => this.#waitOnline(connection.client, hostId), () => 'the agent is connected');
      await audit.record({ ...base, phase: 'completed', result: 'ok', detail: `agent installed; ${unitName} active` });
      return finish({ type: 'done', ok: true, hostId });
    } catch (err) {
      const failure = err instanceof StepFailed ? err : new StepFailed(problemFromSystemError(err));
      progress({ type: 'step', step: current, title: titles[current], state: 'failed', message: failure.problem.message, ...(failure.output ? { output: failure.output } : {}) });
      await audit.record({ ...base, phase: 'completed', result: failure.problem.code, detail: `${current}: ${failure.problem.message}`.slice(0, 500) });
      log.warn('agent install over SSH failed', { host: hostId, step: current, message: failure.problem.message });
      return finish({ type: 'done', ok: false, hostId, code: failure.problem.code, message: `${titles[current]}: ${failure.problem.message}` });
    } finally {
      client?.end();
      this.#running.delete(hostId);
    }
  }

  /** Copy the agent (and Node.js when needed) beside each other; returns the path of the node to run it with. */
  async #copy(client: Client, copyNode: boolean): Promise<string> {
    await must(client, `mkdir -p ${installDir}/node_modules/node-pty && chmod 755 ${installDir}`, 'could not make the install directory');
    const sftp = await openSftp(client);
    try {
      await upload(sftp, this.#options.agentBundle, `${installDir}/gatehouse-agent.mjs`, 0o644);
      // node-pty is native and cannot be bundled: its JavaScript and its compiled module go beside the agent.
      const pty = dirname(createRequire(import.meta.url).resolve('node-pty/package.json'));
      await upload(sftp, join(pty, 'package.json'), `${installDir}/node_modules/node-pty/package.json`, 0o644);
      await uploadTree(client, sftp, join(pty, 'lib'), `${installDir}/node_modules/node-pty/lib`);
      await must(client, `mkdir -p ${installDir}/node_modules/node-pty/build/Release`, 'could not make the node-pty directory');
      await upload(sftp, join(pty, 'build', 'Release', 'pty.node'), `${installDir}/node_modules/node-pty/build/Release/pty.node`, 0o755);
      // serialport likewise, for Modbus RTU on a serial line (the bundle's shim loads it from here).
      await uploadPackages(client, sftp, await packageClosure('serialport'), `${installDir}/node_modules`);
      if (copyNode) await upload(sftp, process.execPath, `${installDir}/node`, 0o755);
    } finally {
      sftp.end();
    }
    if (copyNode) return `${installDir}/node`;
    const found = await runRemote(client, 'command -v node');
    return found.output.trim().split('\n')[0] || 'node';
  }

  async #enroll(client: Client, node: string, hostId: string, hostName: string, actor: Actor): Promise<void> {
    const { enrollment, audit } = this.#options;
    const issued = await enrollment.issue(actor.user.username, { autoApprove: true, ttlMinutes: 10, note: `install over SSH on ${hostName}` }, hostId);
    await audit.record({ user: actor.user.username, address: actor.address, hostId, hostName, action: 'enrollment.create', phase: 'event', result: 'ok', detail: `token ${issued.id} for installing the agent over SSH` });
    const tokenFile = `${installDir}/enroll-token`;
    const sftp = await openSftp(client);
    try {
      await writeRemote(sftp, tokenFile, issued.token, 0o600);
    } finally {
      sftp.end();
    }
    // A fresh identity each time: one left by an earlier, failed attempt names a token that is spent.
    const staging = `${dataDir}.new`;
    const command = [
      `rm -rf ${staging}`,
      `${shellQuote(node)} ${installDir}/gatehouse-agent.mjs enroll --console ${shellQuote(this.#options.consoleOrigin())} --token-file ${tokenFile} --data ${staging} --name ${shellQuote(hostName)}`,
    ].join(' && ');
    const enrolled = await runRemote(client, `${command}; status=$?; rm -f ${tokenFile}; exit $status`, 60_000);
    if (enrolled.code !== 0) {
      throw new StepFailed(new GatehouseError('internal-error', `the agent could not enroll (exit ${String(enrolled.code)})`), enrolled.output);
    }
    await must(client, `rm -rf ${dataDir} && mv ${staging} ${dataDir} && chmod 700 ${dataDir}`, 'could not put the identity in place');
  }

  async #waitOnline(client: Client, hostId: string): Promise<void> {
    const { hub } = this.#options;
    if (!hub.get(hostId)) {
      await new Promise<void>((resolve, reject) => {
        const onOnline = (link: { info: { hostId: string } }) => {
          if (link.info.hostId !== hostId) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new GatehouseError('timeout', `the agent did not connect within ${onlineTimeoutMs / 1000} s`));
        }, onlineTimeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          hub.off('online', onOnline);
        };
        hub.on('online', onOnline);
      }).catch(async (err: unknown) => {
        const journal = await runRemote(client, `systemctl status --no-pager ${unitName} 2>&1 | tail -n 20; journalctl -u ${unitName} -n 30 --no-pager 2>&1`);
        throw new StepFailed(problemFromSystemError(err), journal.output);
      });
    }
    const active = await runRemote(client, `systemctl is-active ${unitName}`);
    if (active.output.trim() !== 'active') {
      throw new StepFailed(new GatehouseError('internal-error', `${unitName} is ${active.output.trim() || 'not active'}`), active.output);
    }
  }
}

async function checkHost(client: Client, username: string): Promise<HostFacts> {
  const probe = await runRemote(
    client,
    [
      `printf 'arch=%s\\n' "$(uname -m)"`,
      `printf 'uid=%s\\n' "$(id -u)"`,
      `printf 'systemd=%s\\n' "$(test -d /run/systemd/system && echo yes || echo no)"`,
      `printf 'node=%s\\n' "$(node --version 2>/dev/null)"`,
      `printf 'glibc=%s\\n' "$(getconf GNU_LIBC_VERSION 2>/dev/null)"`,
    ].join('; '),
  );
  const fields = new Map(probe.output.split('\n').map((line) => line.split('=', 2) as [string, string]));
  const facts: HostFacts = {
    arch: fields.get('arch')?.trim() ?? '',
    uid: fields.get('uid')?.trim() ?? '',
    systemd: fields.get('systemd')?.trim() === 'yes',
    nodeVersion: fields.get('node')?.trim() || null,
    glibc: fields.get('glibc')?.trim().replace(/^glibc\s*/, '') || null,
  };
  const problems: string[] = [];
  if (facts.uid !== '0') problems.push(`the agent is installed as root; ${username} is uid ${facts.uid || 'unknown'} (register the host as root)`);
  if (!facts.systemd) problems.push('the host does not run systemd; start the agent by hand (see the Add host dialog)');
  const arch = unameArch(process.arch);
  if (facts.arch !== arch) problems.push(`the host is ${facts.arch || 'of unknown architecture'}; this console carries the agent's native parts for ${arch} only`);
  const consoleGlibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime;
  if (consoleGlibc && (!facts.glibc || compareVersions(facts.glibc, consoleGlibc) < 0)) {
    problems.push(`the host's C library is glibc ${facts.glibc ?? 'unknown (musl?)'}; the agent's native parts need glibc ${consoleGlibc} or newer`);
  }
  if (problems.length > 0) throw new StepFailed(new GatehouseError('not-supported', problems.join('; ')), probe.output);
  return facts;
}

function describeFacts(facts: HostFacts): string {
  return `${facts.arch}, glibc ${facts.glibc ?? '?'}, systemd, ${facts.nodeVersion ? `Node.js ${facts.nodeVersion}` : 'no Node.js'}`;
}

async function installUnit(client: Client, node: string): Promise<string> {
  const result = await runRemote(client, `${shellQuote(node)} ${installDir}/gatehouse-agent.mjs install-service --data ${dataDir} && systemctl is-enabled ${unitName}`, 60_000);
  if (result.code !== 0) throw new StepFailed(new GatehouseError('internal-error', `the unit could not be installed (exit ${String(result.code)})`), result.output);
  return 'enabled and started';
}

function nodeIsUsable(version: string | null): boolean {
  const major = /^v(\d+)\./.exec(version ?? '')?.[1];
  return major !== undefined && Number(major) >= minimumNodeMajor;
}

function unameArch(arch: string): string {
  return ({ x64: 'x86_64', arm64: 'aarch64', arm: 'armv7l', ia32: 'i686' } as Record<string, string>)[arch] ?? arch;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

async function must(client: Client, command: string, what: string): Promise<void> {
  const result = await runRemote(client, command);
  if (result.code !== 0) throw new StepFailed(new GatehouseError('internal-error', `${what} (exit ${String(result.code)})`), result.output);
}

/** Upload to a temporary name and rename over the target, so a cut link never leaves half a file in its place. */
async function upload(sftp: SFTPWrapper, local: string, remote: string, mode: number): Promise<void> {
  const partial = `${remote}.partial`;
  // fastPut keeps many writes in flight; a write stream waits for each 32 KiB in turn, a round trip apiece.
  await sftpCall((cb) => sftp.fastPut(local, partial, { mode, concurrency: 32, chunkSize: 64 * 1024 }, cb)).catch((err: unknown) => {
    throw new StepFailed(new GatehouseError('internal-error', `could not copy ${posix.basename(remote)}: ${(err as Error).message}`));
  });
  await sftpCall((cb) => sftp.chmod(partial, mode, cb));
  // posix-rename replaces the target in one step; plain SFTP rename refuses an existing target, so remove it first.
  await sftpCall((cb) => sftp.ext_openssh_rename(partial, remote, cb)).catch(async () => {
    await sftpCall((cb) => sftp.unlink(remote, cb)).catch(() => undefined);
    await sftpCall((cb) => sftp.rename(partial, remote, cb));
  });
}

/** Packages (and their files) under a remote node_modules, with every folder made in one command. */
async function uploadPackages(client: Client, sftp: SFTPWrapper, packages: PackageFiles[], remoteRoot: string): Promise<void> {
  const folders = new Set<string>();
  for (const pkg of packages) for (const file of pkg.files) folders.add(posix.dirname(posix.join(remoteRoot, pkg.path, file)));
  await must(client, `mkdir -p ${[...folders].map(shellQuote).join(' ')}`, 'could not make the folders for serialport');
  for (const pkg of packages) {
    for (const file of pkg.files) await upload(sftp, join(pkg.dir, file), posix.join(remoteRoot, pkg.path, file), file.endsWith('.node') ? 0o755 : 0o644);
  }
}

async function uploadTree(client: Client, sftp: SFTPWrapper, local: string, remote: string): Promise<void> {
  await must(client, `mkdir -p ${shellQuote(remote)}`, `could not make ${remote}`);
  for (const entry of await readdir(local)) {
    const from = join(local, entry);
    if ((await stat(from)).isDirectory()) await uploadTree(client, sftp, from, posix.join(remote, entry));
    else await upload(sftp, from, posix.join(remote, entry), 0o644);
  }
}

async function writeRemote(sftp: SFTPWrapper, remote: string, content: string, mode: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const out = sftp.createWriteStream(remote, { mode });
    out.on('error', reject);
    out.on('close', () => resolve());
    out.end(content);
  });
}

function sftpCall(run: (cb: (err?: Error | null) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => run((err) => (err ? reject(err) : resolve())));
}
