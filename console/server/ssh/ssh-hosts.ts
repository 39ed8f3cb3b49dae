/**
 * Hosts without an agent, reached over SSH: registering one (its key pinned, the console's login key sealed),
 * trusting a deliberately changed key, forgetting one, and logging in to one for a terminal or an install.
 */
import ssh2 from 'ssh2';
import type { z } from 'zod';
import type { HostView, SshScanResult, sshRegisterRequestSchema } from '../../../modules/kernel/console-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { randomId } from '../../../modules/kernel/ids.js';
import type { AuditTrail } from '../audit.js';
import type { HostDirectory } from '../hosts.js';
import type { HostRecord, SshTargetRecord, Storage, UserRecord } from '../storage/types.js';
import { connectSsh, hostKeyChanged, runRemote, scanHostKey, shellQuote, type HostKey, type SshConnection, type SshCredentials } from './connect.js';
import type { Vault } from './vault.js';

// ssh2 is CommonJS; Node gives ESM importers its exports as the default export only.
const { utils } = ssh2;

type RegisterRequest = z.output<typeof sshRegisterRequestSchema>;

export interface Actor {
  user: UserRecord;
  address: string | null;
}

interface SealedCredentials {
  privateKey: string;
  passphrase?: string;
}

export class SshHosts {
  readonly #storage: Storage;
  readonly #vault: Vault;
  readonly #hosts: HostDirectory;
  readonly #audit: AuditTrail;

  constructor(options: { storage: Storage; vault: Vault; hosts: HostDirectory; audit: AuditTrail }) {
    this.#storage = options.storage;
    this.#vault = options.vault;
    this.#hosts = options.hosts;
    this.#audit = options.audit;
  }

  async scan(address: string, port: number): Promise<SshScanResult> {
    const key = await scanHostKey(address, port);
    return { hostKeyFingerprint: key.fingerprint, hostKeyType: key.type };
  }

  /**
   * Log in once to prove the address, user and credentials work and to pin the host key; then store the host.
   * A password is used for that one login only: the console installs a key of its own and keeps that instead.
   */
  async register(actor: Actor, request: RegisterRequest): Promise<HostView> {
    const { address, port, username } = request;
    const endpoint = { address, port, username };
    const hostId = `h_${randomId(20)}`;
    const detail = `${username}@${address}:${port} with ${request.auth.kind === 'key' ? 'a private key' : 'a password, used once'}`;
    try {
      let credentials: SealedCredentials;
      let hostKey: HostKey;
      if (request.auth.kind === 'key') {
        credentials = { privateKey: request.auth.privateKey, ...(request.auth.passphrase ? { passphrase: request.auth.passphrase } : {}) };
        checkPrivateKey(credentials);
        const connection = await connectSsh(endpoint, credentials, request.hostKeyFingerprint ?? null);
        hostKey = connection.hostKey;
        connection.client.end();
      } else {
        const installed = await this.#installConsoleKey(endpoint, request.auth.password, request.hostKeyFingerprint ?? null, hostId);
        credentials = installed.credentials;
        hostKey = installed.hostKey;
      }
      const now = new Date().toISOString();
      const host: HostRecord = {
        id: hostId,
        name: request.name,
        state: 'approved',
        publicKey: `ssh:${hostId}`,
        enrolledAt: now,
        lastSeenAt: null,
        lastAddress: address,
        lastStatus: null,
        enrolledWithToken: null,
        connection: 'ssh',
        tags: [],
      };
      const target: SshTargetRecord = {
        hostId,
        address,
        port,
        username,
        sealedKey: this.#vault.seal(JSON.stringify(credentials), hostId),
        clientPublicKey: publicKeyLine(credentials, hostId),
        hostKeyType: hostKey.type,
        hostKeyFingerprint: hostKey.fingerprint,
        registeredBy: actor.user.username,
        registeredAt: now,
      };
      try {
        await this.#storage.createSshHost(host, target);
      } catch (err) {
        if (/unique/i.test((err as Error).message)) throw new GatehouseError('exists', `${username}@${address}:${port} is already registered`);
        throw err;
      }
      await this.#record(actor, { hostId, hostName: host.name, action: 'ssh.register', result: 'ok', detail: `${detail}; host key ${hostKey.type} ${hostKey.fingerprint}` });
      return this.#hosts.announce(hostId);
    } catch (err) {
      const problem = err instanceof GatehouseError ? err : new GatehouseError('internal-error', (err as Error).message);
      await this.#record(actor, { hostId: null, hostName: request.name, action: 'ssh.register', result: problem.code, detail: `${detail}: ${problem.message}` });
      throw problem;
    }
  }

  /** Pin the key the host presents now, which must be the one the admin reviewed. */
  async trustHostKey(actor: Actor, hostId: string, fingerprint: string): Promise<HostView> {
    const target = await this.#target(hostId);
    const host = await this.#hosts.get(hostId);
    const presented = await scanHostKey(target.address, target.port);
    if (presented.fingerprint !== fingerprint) {
      await this.#record(actor, { hostId, hostName: host.name, action: 'ssh.trust-host-key', result: 'host-key-changed', detail: `asked to trust ${fingerprint}; the host presents ${presented.fingerprint}` });
      throw hostKeyChanged(target, fingerprint, presented);
    }
    await this.#storage.updateSshTarget(hostId, { hostKeyFingerprint: presented.fingerprint, hostKeyType: presented.type });
    await this.#record(actor, {
      hostId,
      hostName: host.name,
      action: 'ssh.trust-host-key',
      result: 'ok',
      detail: `pinned ${presented.type} ${presented.fingerprint} in place of ${target.hostKeyFingerprint}`,
    });
    return this.#hosts.announce(hostId);
  }

  async forget(actor: Actor, hostId: string): Promise<void> {
    await this.#target(hostId);
    const host = await this.#hosts.get(hostId);
    await this.#storage.deleteSshTarget(hostId);
    await this.#record(actor, {
      hostId,
      hostName: host.name,
      action: 'ssh.forget',
      result: 'ok',
      detail: host.connection === 'ssh' ? 'host and its SSH key removed' : 'SSH key removed; the host keeps its agent',
    });
    if (host.connection === 'ssh') this.#hosts.forget(hostId);
    else await this.#hosts.announce(hostId);
  }

  /** Log in to a registered host with its sealed key, checking the pinned host key. */
  async connect(hostId: string): Promise<{ connection: SshConnection; target: SshTargetRecord }> {
    const target = await this.#target(hostId);
    const credentials = JSON.parse(this.#vault.open(target.sealedKey, hostId)) as SealedCredentials;
    const connection = await connectSsh(target, credentials, target.hostKeyFingerprint);
    return { connection, target };
  }

  async target(hostId: string): Promise<SshTargetRecord | undefined> {
    return this.#storage.findSshTarget(hostId);
  }

  async #target(hostId: string): Promise<SshTargetRecord> {
    const target = await this.#storage.findSshTarget(hostId);
    if (!target) throw new GatehouseError('not-found', `host ${hostId} is not registered for SSH`);
    return target;
  }

  /**
   * `ssh-copy-id`, done by the console: log in with the password, append a fresh key of the console's own to
   * the user's authorized_keys, and prove that key logs in. The password is not kept anywhere.
   */
  async #installConsoleKey(
    endpoint: { address: string; port: number; username: string },
    password: string,
    pinned: string | null,
    hostId: string,
  ): Promise<{ credentials: SealedCredentials; hostKey: HostKey }> {
    const pair = newEd25519KeyPair(`gatehouse-console@${hostId}`);
    const credentials: SealedCredentials = { privateKey: pair.private };
    const byPassword = await connectSsh(endpoint, { password }, pinned);
    try {
      // The key line is ours (base64 and a fixed comment), quoted all the same.
      const line = pair.public.trim();
      const result = await runRemote(
        byPassword.client,
        `umask 077 && mkdir -p "$HOME/.ssh" && printf '%s\\n' ${shellQuote(line)} >> "$HOME/.ssh/authorized_keys"`,
        30_000,
      );
      if (result.code !== 0) {
        throw new GatehouseError('permission-denied', `could not add the console's key to ${endpoint.username}'s authorized_keys: ${result.output.trim() || `exit ${String(result.code)}`}`);
      }
    } finally {
      byPassword.client.end();
    }
    // Pinned to the key just seen, so the second login cannot be diverted either.
    const byKey = await connectSsh(endpoint, credentials, byPassword.hostKey.fingerprint).catch((err: unknown) => {
      if (err instanceof GatehouseError && err.code === 'ssh-auth-failed') {
        throw new GatehouseError('ssh-auth-failed', `the server took the password but refuses the console's key (is PubkeyAuthentication on?): ${err.message}`);
      }
      throw err;
    });
    byKey.client.end();
    return { credentials, hostKey: byPassword.hostKey };
  }

  async #record(actor: Actor, entry: { hostId: string | null; hostName: string; action: string; result: string; detail: string }): Promise<void> {
    await this.#audit.record({ user: actor.user.username, address: actor.address, phase: 'event', ...entry, detail: entry.detail.slice(0, 500) });
  }
}

/**
 * A fresh ed25519 key pair in OpenSSH format. ssh2's generator writes about one key in 300 with its public half
 * one byte short (a leading zero byte dropped), which no SSH implementation, ssh2 included, can read back; such a
 * key is thrown away and another made, so a registration never fails at random.
 */
export function newEd25519KeyPair(comment: string): { private: string; public: string } {
  for (;;) {
    const pair = utils.generateKeyPairSync('ed25519', { comment });
    const parsed = utils.parseKey(pair.private);
    if (!(parsed instanceof Error) && parsed.getPublicSSH().length === 51) return pair;
  }
}

/** Parse the key now, so a wrong passphrase or a damaged paste is named before any connection is tried. */
function checkPrivateKey(credentials: SshCredentials & SealedCredentials): void {
  const parsed = utils.parseKey(credentials.privateKey, credentials.passphrase);
  if (parsed instanceof Error) {
    const hint = /passphrase|decrypt|bad/i.test(parsed.message) ? ' (is the passphrase right?)' : '';
    throw new GatehouseError('invalid-params', `auth.privateKey: the private key cannot be read${hint}: ${parsed.message}`);
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || !key.isPrivateKey()) throw new GatehouseError('invalid-params', 'auth.privateKey: that is a public key; paste the private key');
}

/** The authorized_keys line of a private key's public half. */
function publicKeyLine(credentials: SealedCredentials, hostId: string): string {
  const parsed = utils.parseKey(credentials.privateKey, credentials.passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return '';
  return `${key.type} ${key.getPublicSSH().toString('base64')} gatehouse-console@${hostId}`;
}
