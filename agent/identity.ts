/**
 * The agent's identity on disk: an Ed25519 key pair, the console it belongs to, its host id and the console's
 * pinned certificate. Written once by `enroll`, read by `run`. Files are 0600 in a 0700 directory.
 */
import { generateKeyPairSync, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile, rename, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const identityFile = 'identity.json';
const keyFile = 'agent-key.pem';

export const identitySchema = z.object({
  console: z.string().url(),
  hostId: z.string().min(1),
  name: z.string(),
  /** SHA-256 of the console's certificate (hex, lower case), or '' for plain HTTP on loopback. */
  certFingerprint: z.string(),
  /** The console's certificate, PEM, used as the only trust anchor when connecting; '' for plain HTTP. */
  certPem: z.string(),
  enrolledAt: z.string(),
});
export type Identity = z.infer<typeof identitySchema>;

export interface KeyPair {
  privateKey: KeyObject;
  /** SPKI DER, base64: what the console stores. */
  publicKeyBase64: string;
}

export function generateKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKeyBase64: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

export function signWith(privateKey: KeyObject, message: Buffer): string {
  return sign(null, message, privateKey).toString('base64url');
}

/** Write a file so that it is never readable by others, not even for a moment, and never half-written. */
async function writePrivate(path: string, content: string): Promise<void> {
  const temp = `${path}.tmp-${process.pid}`;
  await writeFile(temp, content, { mode: 0o600, flag: 'w' });
  await chmod(temp, 0o600);
  await rename(temp, path);
}

export async function saveIdentity(dataDir: string, identity: Identity, keyPair: KeyPair): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  await writePrivate(join(dataDir, keyFile), keyPair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await writePrivate(join(dataDir, identityFile), `${JSON.stringify(identity, null, 2)}\n`);
}

export async function loadIdentity(dataDir: string): Promise<{ identity: Identity; keyPair: KeyPair }> {
  let raw: string;
  try {
    raw = await readFile(join(dataDir, identityFile), 'utf8');
  } catch {
    throw new Error(`no agent identity in ${dataDir}: run "gatehouse-agent enroll --console URL --token TOKEN --data ${dataDir}" first`);
  }
  const identity = identitySchema.parse(JSON.parse(raw));
  const privateKey = createPrivateKey(await readFile(join(dataDir, keyFile), 'utf8'));
  const publicKeyBase64 = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  return { identity, keyPair: { privateKey, publicKeyBase64 } };
}

export async function hasIdentity(dataDir: string): Promise<boolean> {
  try {
    await readFile(join(dataDir, identityFile));
    return true;
  } catch {
    return false;
  }
}
