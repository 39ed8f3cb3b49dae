/**
 * Enrollment: one-time, expiring tokens an administrator hands to a new machine, and the registration that
 * consumes them. Only a hash of each token's secret is stored; a token shows once.
 *
 * Token format: `ghe_<id>_<secret>`. The id finds the record; the secret proves possession.
 */
import { createHash, createHmac, createPublicKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { GatehouseError } from '../../modules/kernel/errors.js';
import { randomId } from '../../modules/kernel/ids.js';
import type { EnrollmentTokenRecord, HostRecord, Storage } from './storage/types.js';

const tokenPattern = /^ghe_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const maxTtlMinutes = 7 * 24 * 60;

export const createTokenRequest = z
  .object({
    autoApprove: z.boolean().default(false),
    ttlMinutes: z.number().int().min(1).max(maxTtlMinutes).default(60),
    note: z.string().max(200).default(''),
  })
  .strict();

export const enrollRequest = z
  .object({
    token: z.string().max(200),
    publicKey: z.string().max(200),
    name: z.string().min(1).max(253),
    agentVersion: z.string().max(64).optional(),
  })
  .strict();

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: string;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Host names come from the machine being enrolled: keep them printable and short, never markup-bearing. */
export function cleanHostName(raw: string): string {
  const cleaned = raw.replace(/[^\p{L}\p{N}._ -]/gu, '').trim().slice(0, 63);
  return cleaned || 'unnamed-host';
}

export class Enrollment {
  readonly #storage: Storage;
  readonly #fingerprint: string;

  constructor(storage: Storage, certFingerprint: string) {
    this.#storage = storage;
    this.#fingerprint = certFingerprint;
  }

  /** `forHost`: a token for installing the agent on that SSH host, which the enrolling agent then becomes. */
  async issue(createdBy: string, request: z.output<typeof createTokenRequest>, forHost: string | null = null): Promise<IssuedToken> {
    const id = randomId(16);
    const secret = randomBytes(32).toString('base64url');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + request.ttlMinutes * 60_000).toISOString();
    const record: EnrollmentTokenRecord = {
      id,
      secretHash: sha256Hex(secret),
      note: request.note,
      autoApprove: request.autoApprove,
      createdBy,
      createdAt: now.toISOString(),
      expiresAt,
      usedAt: null,
      usedByHost: null,
      revokedAt: null,
      forHost,
    };
    await this.#storage.createEnrollmentToken(record);
    return { id, token: `ghe_${id}_${secret}`, expiresAt };
  }

  /**
   * Prove to an enrolling agent that this console issued token `id`, bound to the certificate it serves,
   * before the agent sends the token (see agent/tls-pin.ts).
   */
  async proof(id: string): Promise<string> {
    const record = await this.#usable(id);
    return createHmac('sha256', Buffer.from(record.secretHash, 'hex')).update(this.#fingerprint).digest('hex');
  }

  /** Register a new host with a token; the token is consumed atomically, so it works exactly once. */
  async register(request: z.output<typeof enrollRequest>, address: string | null): Promise<{ host: HostRecord; tokenId: string }> {
    const match = tokenPattern.exec(request.token);
    if (!match) throw new GatehouseError('unauthorized', 'that is not an enrollment token');
    const [, id, secret] = match as unknown as [string, string, string];
    const record = await this.#usable(id);
    const given = Buffer.from(sha256Hex(secret), 'hex');
    if (!timingSafeEqual(given, Buffer.from(record.secretHash, 'hex'))) {
      throw new GatehouseError('unauthorized', 'the enrollment token is unknown, used, revoked or expired');
    }
    const publicKey = checkPublicKey(request.publicKey);
    if (await this.#storage.findHostByPublicKey(publicKey)) {
      throw new GatehouseError('exists', 'a host with this key is already enrolled');
    }
    const now = new Date().toISOString();
    if (record.forHost !== null) {
      // Installed over SSH: the host people already know (same id, name, recordings) now has an agent.
      if (!(await this.#storage.convertToAgentHost(record.forHost, publicKey, id, now))) {
        throw new GatehouseError('unauthorized', 'the enrollment token is unknown, used, revoked or expired');
      }
      const host = await this.#storage.findHost(record.forHost);
      if (!host) throw new GatehouseError('not-found', `the host this token was issued for (${record.forHost}) is gone`);
      return { host, tokenId: id };
    }
    const hostId = `h_${randomId(20)}`;
    if (!(await this.#storage.consumeEnrollmentToken(id, hostId, now))) {
      throw new GatehouseError('unauthorized', 'the enrollment token is unknown, used, revoked or expired');
    }
    const host: HostRecord = {
      id: hostId,
      name: cleanHostName(request.name),
      state: record.autoApprove ? 'approved' : 'pending',
      publicKey,
      enrolledAt: now,
      lastSeenAt: null,
      lastAddress: address,
      lastStatus: null,
      enrolledWithToken: id,
      connection: 'agent',
      tags: [],
    };
    await this.#storage.createHost(host);
    return { host, tokenId: id };
  }

  async #usable(id: string): Promise<EnrollmentTokenRecord> {
    const record = await this.#storage.findEnrollmentToken(id);
    if (!record || record.usedAt || record.revokedAt || Date.parse(record.expiresAt) <= Date.now()) {
      throw new GatehouseError('unauthorized', 'the enrollment token is unknown, used, revoked or expired');
    }
    return record;
  }
}

/** Accept only an Ed25519 public key in SPKI DER form; return it re-encoded canonically. */
function checkPublicKey(base64: string): string {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
    return key.export({ format: 'der', type: 'spki' }).toString('base64');
  } catch {
    throw new GatehouseError('invalid-params', 'publicKey must be an Ed25519 public key (SPKI DER, base64)');
  }
}
