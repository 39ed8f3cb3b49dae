/**
 * The console's master key and what it seals: the private keys the console logs in to SSH hosts with.
 * AES-256-GCM with a fresh nonce per seal; the host id is authenticated with it (additional data), so a sealed
 * key copied to another host's row does not open. The key file is made on first use, 0600, beside the database
 * by default (config `masterKeyFile`); without it the sealed keys are useless, which is the point.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { GatehouseError } from '../../../modules/kernel/errors.js';

const version = 'v1';
const keyBytes = 32;
const nonceBytes = 12;
const tagBytes = 16;

export class Vault {
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Open the master key at `path`, making it (exclusively, 0600) when there is none yet. */
  static async open(path: string): Promise<Vault> {
    try {
      return new Vault(checkKey(await readFile(path), path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const key = randomBytes(keyBytes);
    try {
      // `wx`: if another console process made one meanwhile, use theirs rather than overwrite it.
      const file = await open(path, 'wx', 0o600);
      try {
        await file.writeFile(key);
        await file.sync();
      } finally {
        await file.close();
      }
      return new Vault(key);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return new Vault(checkKey(await readFile(path), path));
    }
  }

  /** For tests: a vault over a given key. */
  static fromKey(key: Buffer): Vault {
    return new Vault(checkKey(key, 'the given key'));
  }

  seal(plain: string, context: string): string {
    const nonce = randomBytes(nonceBytes);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${version}.${Buffer.concat([nonce, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(sealed: string, context: string): string {
    const [tag, payload] = sealed.split('.', 2);
    const bytes = Buffer.from(payload ?? '', 'base64');
    if (tag !== version || bytes.length < nonceBytes + tagBytes) throw sealedKeyUnreadable();
    const decipher = createDecipheriv('aes-256-gcm', this.#key, bytes.subarray(0, nonceBytes));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(nonceBytes, nonceBytes + tagBytes));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(nonceBytes + tagBytes)), decipher.final()]).toString('utf8');
    } catch {
      throw sealedKeyUnreadable();
    }
  }
}

function checkKey(key: Buffer, where: string): Buffer {
  if (key.length !== keyBytes) throw new Error(`the console master key (${where}) must be exactly ${keyBytes} bytes; it is ${key.length}`);
  return key;
}

function sealedKeyUnreadable(): GatehouseError {
  return new GatehouseError('internal-error', "this host's SSH key cannot be unsealed: the console's master key is not the one it was sealed with");
}
