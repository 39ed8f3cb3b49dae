/**
 * `gatehouse-agent enroll`: make a key pair, prove the console is the one the token came from, register,
 * and write the identity. The token is sent only after the console's certificate has been proven.
 */
import { hostname } from 'node:os';
import { Agent as HttpsAgent } from 'node:https';
import { z } from 'zod';
import { generateKeyPair, saveIdentity, type Identity } from './identity.js';
import {
  derToPem,
  enrollmentProof,
  fetchPeerCertificate,
  fingerprintOfDer,
  isLoopbackHost,
  pinnedIdentityCheck,
  proofMatches,
} from './tls-pin.js';
import { createHash } from 'node:crypto';
import { agentVersion } from './version.js';

const tokenPattern = /^ghe_([a-z0-9]{16})_([A-Za-z0-9_-]{32,64})$/;

const enrollResponse = z.object({ hostId: z.string(), name: z.string(), state: z.enum(['pending', 'approved']) });
const proofResponse = z.object({ proof: z.string() });
const errorResponse = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export interface EnrollOptions {
  consoleUrl: string;
  token: string;
  dataDir: string;
  /** The name to register under; defaults to the machine's host name. */
  name?: string;
}

/** Enroll this machine; resolves with the saved identity and whether an administrator must still approve it. */
export async function enroll(options: EnrollOptions): Promise<Identity & { state: 'pending' | 'approved' }> {
  const url = normaliseConsoleUrl(options.consoleUrl);
  const match = tokenPattern.exec(options.token.trim());
  if (!match) throw new Error('that does not look like an enrollment token (expected ghe_…); copy it again from the console');
  const [, tokenId, secret] = match as unknown as [string, string, string];

  let certFingerprint = '';
  let certPem = '';
  let httpsAgent: HttpsAgent | undefined;
  if (url.protocol === 'https:') {
    const cert = await fetchPeerCertificate(url.hostname, Number(url.port || 443));
    certFingerprint = fingerprintOfDer(cert.raw);
    certPem = derToPem(cert.raw);
    const secretHash = createHash('sha256').update(secret).digest('hex');
    httpsAgent = new HttpsAgent({ ca: certPem, checkServerIdentity: pinnedIdentityCheck(certFingerprint) });
    const notProven = (detail: string) =>
      new Error(
        `the server at ${url.host} could not prove it issued this token (certificate ${certFingerprint.slice(0, 16)}…; ${detail}): ` +
          'either the token is wrong, it was issued by another console, or something is intercepting the connection. Nothing was sent.',
      );
    let proof: string;
    try {
      proof = proofResponse.parse(await request(url, `/agent/enroll/proof?id=${tokenId}`, 'GET', undefined, httpsAgent)).proof;
    } catch (err) {
      throw notProven(`it answered: ${(err as Error).message}`);
    }
    if (!proofMatches(enrollmentProof(secretHash, certFingerprint), proof)) throw notProven('its proof does not match');
  }

  const keyPair = generateKeyPair();
  const body = { token: options.token.trim(), publicKey: keyPair.publicKeyBase64, name: options.name ?? hostname(), agentVersion };
  const registered = enrollResponse.parse(await request(url, '/agent/enroll', 'POST', body, httpsAgent));
  const identity: Identity = {
    console: url.origin,
    hostId: registered.hostId,
    name: registered.name,
    certFingerprint,
    certPem,
    enrolledAt: new Date().toISOString(),
  };
  await saveIdentity(options.dataDir, identity, keyPair);
  return { ...identity, state: registered.state };
}

export function normaliseConsoleUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`--console must be a URL such as https://console.example:8443 (got "${raw}")`);
  }
  if (url.protocol === 'wss:') url.protocol = 'https:';
  if (url.protocol === 'ws:') url.protocol = 'http:';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`--console must be http(s): got ${url.protocol}`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error('plain http is only allowed to a console on this machine (loopback); use https for anything else');
  }
  return new URL(url.origin);
}

async function request(base: URL, path: string, method: 'GET' | 'POST', body: unknown, agent: HttpsAgent | undefined): Promise<unknown> {
  const { request: httpRequest } = base.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, base),
      {
        method,
        agent,
        headers: { accept: 'application/json', ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}) },
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            reject(new Error(`the console answered ${res.statusCode} with something that is not JSON`));
            return;
          }
          if (res.statusCode && res.statusCode >= 400) {
            const error = errorResponse.safeParse(parsed);
            reject(new Error(error.success ? `${error.data.error.code}: ${error.data.error.message}` : `HTTP ${res.statusCode}`));
          } else resolve(parsed);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out talking to ${base.origin}`)));
    req.on('error', reject);
    req.end(payload);
  });
}
