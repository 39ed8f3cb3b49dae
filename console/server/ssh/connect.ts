/**
 * SSH connections from the console to hosts without an agent (ssh2). Every connection checks the server's key
 * against the pinned fingerprint before authenticating: a different key is refused with `host-key-changed`,
 * naming both fingerprints, and nothing (no password, no signature) is sent to that server.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { GatehouseError } from '../../../modules/kernel/errors.js';

// ssh2 is CommonJS: Node hands ESM importers its exports as the default export only (types import by name).

/** How long a server has to answer, swap keys and accept the login. */
const readyTimeoutMs = 15_000;
/** Keepalives notice a dead link (a cut cable does not close TCP) within about a minute. */
const keepaliveIntervalMs = 15_000;
const keepaliveCountMax = 4;

export interface SshEndpoint {
  address: string;
  port: number;
  username: string;
}

export type SshCredentials = { privateKey: string; passphrase?: string } | { password: string };

export interface HostKey {
  /** The key's algorithm as the server names it, e.g. `ssh-ed25519`. */
  type: string;
  /** `SHA256:` and the unpadded base64 of the key blob's SHA-256, exactly as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

/** The fingerprint and type of a host key blob (RFC 4253 public key format: string type, then the key). */
export function hostKeyOf(blob: Buffer): HostKey {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = blob.subarray(4, 4 + Math.min(length, 64)).toString('latin1').replace(/[^\x21-\x7e]/g, '?');
  return { type, fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}

export interface SshConnection {
  client: Client;
  hostKey: HostKey;
}

/**
 * Connect and log in. `pinned`: the fingerprint the server must present; null accepts whatever it presents (the
 * first use, after an admin saw and accepted the key). Rejects with a GatehouseError: `host-key-changed`,
 * `ssh-auth-failed`, `unreachable` or `timeout`.
 */
export function connectSsh(endpoint: SshEndpoint, credentials: SshCredentials, pinned: string | null): Promise<SshConnection> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let presented: HostKey | undefined;
    let settled = false;
    const fail = (error: GatehouseError) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(error);
    };
    const config: ConnectConfig = {
      host: endpoint.address,
      port: endpoint.port,
      username: endpoint.username,
      readyTimeout: readyTimeoutMs,
      keepaliveInterval: keepaliveIntervalMs,
      keepaliveCountMax,
      // Servers that only offer keyboard-interactive for passwords (PAM) get the password that way.
      tryKeyboard: 'password' in credentials,
      hostVerifier: (blob: Buffer) => {
        presented = hostKeyOf(blob);
        if (pinned === null || presented.fingerprint === pinned) return true;
        fail(hostKeyChanged(endpoint, pinned, presented));
        return false;
      },
      ...credentials,
    };
    if ('password' in credentials) {
      client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
        finish(prompts.map(() => credentials.password));
      });
    }
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('error');
      // Errors after the login (a cut link) end the client; its users watch 'close'.
      client.on('error', () => undefined);
      resolve({ client, hostKey: presented! });
    });
    client.on('error', (err) => fail(problemOf(err, endpoint)));
    client.once('close', () => fail(new GatehouseError('unreachable', `${describe(endpoint)} closed the connection before the login completed`)));
    try {
      client.connect(config);
    } catch (err) {
      // ssh2 throws synchronously on a key it cannot parse (or a wrong passphrase).
      fail(new GatehouseError('invalid-params', `the private key cannot be used: ${(err as Error).message}`));
    }
  });
}

/** The key a server presents, without logging in: what an admin compares before trusting it. */
export function scanHostKey(address: string, port: number): Promise<HostKey> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      client.end();
      outcome();
    };
    client.on('error', (err) => finish(() => reject(problemOf(err, { address, port, username: '' }))));
    client.once('close', () => finish(() => reject(new GatehouseError('unreachable', `${address}:${port} closed the connection before showing its key`))));
    client.connect({
      host: address,
      port,
      username: 'gatehouse-scan',
      readyTimeout: readyTimeoutMs,
      // Seen the key: stop here, before any authentication is attempted.
      hostVerifier: (blob: Buffer) => {
        const key = hostKeyOf(blob);
        finish(() => resolve(key));
        return false;
      },
    });
  });
}

export function hostKeyChanged(endpoint: Pick<SshEndpoint, 'address' | 'port'>, pinned: string, presented: HostKey): GatehouseError {
  return new GatehouseError(
    'host-key-changed',
    `${endpoint.address}:${endpoint.port} presented the ${presented.type} key ${presented.fingerprint}, not the pinned key ${pinned}. ` +
      'Someone may be intercepting the connection, or the server was reinstalled; nothing was sent to it. ' +
      'If the change is expected, an administrator can review and trust the new key.',
  );
}

function describe(endpoint: Pick<SshEndpoint, 'address' | 'port'>): string {
  return `${endpoint.address}:${endpoint.port}`;
}

function problemOf(err: Error & { level?: string; code?: string }, endpoint: SshEndpoint): GatehouseError {
  const where = describe(endpoint);
  if (err.level === 'client-authentication') {
    return new GatehouseError('ssh-auth-failed', `${where} refused the login as ${endpoint.username} (${err.message})`);
  }
  if (err.level === 'client-timeout') return new GatehouseError('timeout', `${where} did not complete the SSH handshake in ${readyTimeoutMs / 1000} s`);
  switch (err.code) {
    case 'ECONNREFUSED':
      return new GatehouseError('unreachable', `${where} refused the connection (no SSH server on that port?)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GatehouseError('unreachable', `${endpoint.address} is not a known host name`);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new GatehouseError('unreachable', `${where} cannot be reached (${err.code})`);
    case 'ECONNRESET':
      return new GatehouseError('unreachable', `${where} reset the connection`);
  }
  if (/private key|passphrase|parse/i.test(err.message)) {
    return new GatehouseError('invalid-params', `the private key cannot be used: ${err.message}`);
  }
  return new GatehouseError('unreachable', `SSH to ${where} failed: ${err.message}`);
}

export interface RemoteResult {
  code: number | null;
  /** stdout and stderr interleaved as they came, the last `maxOutputBytes` of it. */
  output: string;
}

const maxOutputBytes = 64 * 1024;

/**
 * Run one command on the server. The server's login shell parses `command`: build it only from constants and
 * `shellQuote`d values. Resolves with the exit code and output (never rejects for a non-zero exit).
 */
export function runRemote(client: Client, command: string, timeoutMs = 120_000): Promise<RemoteResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream: ClientChannel) => {
      if (err) return reject(new GatehouseError('unreachable', `the server refused to run a command: ${err.message}`));
      let output = '';
      let code: number | null = null;
      const take = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-maxOutputBytes);
      };
      const timer = setTimeout(() => {
        stream.close();
        reject(new GatehouseError('timeout', `the command did not finish in ${timeoutMs / 1000} s; output so far:\n${output}`));
      }, timeoutMs);
      stream.on('data', take);
      stream.stderr.on('data', take);
      stream.on('exit', (exitCode: number | null) => {
        code = exitCode;
      });
      stream.on('close', () => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  });
}

/** One argument for a POSIX shell: single-quoted, with embedded single quotes closed, escaped and reopened. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((err, sftp) => (err ? reject(new GatehouseError('not-supported', `the server offers no SFTP: ${err.message}`)) : resolve(sftp)));
  });
}
