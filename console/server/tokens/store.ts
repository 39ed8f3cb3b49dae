/**
 * API tokens in the console's database (migration 010-api-tokens), after the Lucia session pattern: the token is
 * `ght_<selector>.<secret>`; the selector finds the row, only the SHA-256 of the secret is stored and compared in
 * constant time, so a leaked database or backup holds no usable token (SECURITY.md rule 7).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { grantListSchema, type Grant } from '../../../modules/kernel/access.js';
import type { ApiTokenRequest, ApiTokenView, IssuedApiToken } from '../../../modules/kernel/api-tokens.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { addressKey, SlidingWindowLimiter } from '../auth/rate-limit.js';
import { log } from '../log.js';
import type { Storage, UserRecord } from '../storage/types.js';

/** Marks the string as a Gatehouse token, so secret scanners and people can tell what leaked. */
export const API_TOKEN_PREFIX = 'ght_';
/** 8 random bytes, hex: the public part, in lists and audit entries. */
const SELECTOR_BYTES = 8;
/** 32 random bytes (256 bits), base64url: 43 characters. */
const SECRET_BYTES = 32;
const TOKEN_PATTERN = /^ght_([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$/;

/** A busy script makes one write a minute for "last used", not one per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** Compared against when the selector is unknown, so that case costs what a wrong secret costs. */
const decoyHash = createHash('sha256').update('gatehouse-decoy').digest('hex');

interface TokenTables {
  api_tokens: {
    id: string;
    secret_hash: string;
    name: string;
    owner_id: string;
    grants: string;
    created_at: string;
    expires_at: string;
    last_used_at: string | null;
    last_used_from: string | null;
    revoked_at: string | null;
    revoked_by: string | null;
  };
  users: { id: string; username: string };
}

type TokenRow = TokenTables['api_tokens'] & { owner_name: string };

/** What a valid bearer token stands for: its owner, acting with the token's grants. */
export interface BearerIdentity {
  /** The owner's account: what routes see as the user (no password hash). */
  user: UserRecord;
  tokenId: string;
  /** What the token may do; the session gate checks the owner still holds each of them. */
  grants: Grant[];
}

export type BearerCheck =
  | { ok: true; identity: BearerIdentity }
  | { ok: false; reason: 'unauthorized' }
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number };

export interface ApiTokensOptions {
  /** Failed bearer attempts allowed per address in `failureWindowMs` (as for logins: 20 in 15 minutes). */
  maxFailures?: number;
  failureWindowMs?: number;
  now?: () => number;
}

/** The stored hash of a token's secret: SHA-256, hex. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The selector and secret of a well-formed token, or null for anything we did not issue. */
export function parseApiToken(token: string): { id: string; secret: string } | null {
  const match = TOKEN_PATTERN.exec(token);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** Why the creator may not put a grant on a token (they do not hold it all), or null: access/authority.ts. */
export type GrantCheck = (grant: Grant) => string | null;

export class ApiTokens {
  readonly #storage: Storage;
  readonly #db: Kysely<TokenTables>;
  readonly #now: () => number;
  readonly #failures: SlidingWindowLimiter;

  constructor(storage: Storage, options: ApiTokensOptions = {}) {
    this.#storage = storage;
    this.#db = storage.db as Kysely<TokenTables>;
    this.#now = options.now ?? Date.now;
    this.#failures = new SlidingWindowLimiter({
      maxFailures: options.maxFailures ?? 20,
      windowMs: options.failureWindowMs ?? 15 * 60_000,
      now: this.#now,
    });
  }

  /**
   * Make a token for `creator` with the grants asked for: a role on the whole fleet, a list of grants, or (neither)
   * the creator's own grants. Refuses a grant `check` says the creator may not give. The answer carries the token:
   * the only time it exists outside the caller's hands.
   */
  async create(creator: UserRecord, creatorGrants: readonly Grant[], request: ApiTokenRequest, check: GrantCheck): Promise<IssuedApiToken> {
    const grants: Grant[] = request.grants ?? (request.role !== undefined ? [{ role: request.role, scope: { kind: 'fleet' } }] : [...creatorGrants]);
    if (grants.length === 0) throw new GatehouseError('forbidden', 'you hold no grants to give a token');
    for (const grant of grants) {
      const refusal = check(grant);
      if (refusal !== null) throw new GatehouseError('forbidden', `a token cannot do more than you: ${refusal}`);
    }
    const now = this.#now();
    const id = randomBytes(SELECTOR_BYTES).toString('hex');
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    const row: TokenTables['api_tokens'] = {
      id,
      secret_hash: secretHash(secret),
      name: request.name,
      owner_id: creator.id,
      grants: JSON.stringify(grants),
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + request.expiresInDays * 86_400_000).toISOString(),
      last_used_at: null,
      last_used_from: null,
      revoked_at: null,
      revoked_by: null,
    };
    await this.#db.insertInto('api_tokens').values(row).execute();
    return { ...this.#view({ ...row, owner_name: creator.username }, now), token: `${API_TOKEN_PREFIX}${id}.${secret}` };
  }

  /** Tokens, newest first: one owner's, or everyone's when `ownerId` is not given. */
  async list(filter: { ownerId?: string } = {}): Promise<ApiTokenView[]> {
    let query = this.#selectRows();
    if (filter.ownerId !== undefined) query = query.where('api_tokens.owner_id', '=', filter.ownerId);
    const rows = await query.orderBy('api_tokens.created_at', 'desc').orderBy('api_tokens.id').execute();
    const now = this.#now();
    return rows.map((row) => this.#view(row, now));
  }

  async find(id: string): Promise<ApiTokenView | undefined> {
    const row = await this.#selectRows().where('api_tokens.id', '=', id).executeTakeFirst();
    return row ? this.#view(row, this.#now()) : undefined;
  }

  /** Revoke a token for good; false when there is no such token or it was already revoked. */
  async revoke(id: string, by: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date(this.#now()).toISOString(), revoked_by: by })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Who a bearer token stands for, if it is well-formed, known, its secret matches, it has not expired nor been
   * revoked, and its owner is enabled; `stillHeld` says whether the owner still holds everything the token may do
   * (an owner since demoted cannot keep using a stronger token). Every refusal looks the same to the caller, and
   * counts against its address.
   */
  async verify(token: string, address: string, stillHeld: (owner: UserRecord, grants: readonly Grant[]) => Promise<boolean> = async () => true): Promise<BearerCheck> {
    const key = addressKey(address);
    const decision = this.#failures.check(key);
    if (!decision.allowed) return { ok: false, reason: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };
    const identity = await this.#identify(token, address);
    if (identity === null || !(await stillHeld(identity.user, identity.grants))) {
      this.#failures.fail(key);
      return { ok: false, reason: 'unauthorized' };
    }
    return { ok: true, identity };
  }

  async #identify(token: string, address: string): Promise<BearerIdentity | null> {
    const parsed = parseApiToken(token);
    if (parsed === null) return null;
    const row = await this.#db.selectFrom('api_tokens').selectAll().where('id', '=', parsed.id).executeTakeFirst();
    const presented = Buffer.from(secretHash(parsed.secret), 'hex');
    const stored = Buffer.from(row?.secret_hash ?? decoyHash, 'hex');
    const matches = stored.length === presented.length && timingSafeEqual(stored, presented);
    if (row === undefined || !matches) return null;

    const now = this.#now();
    if (row.revoked_at !== null || !(now < Date.parse(row.expires_at))) return null;
    const grants = grantsOf(row);
    if (grants.length === 0) return null;
    const owner = await this.#storage.findUserById(row.owner_id);
    if (owner === undefined || owner.disabled) return null;

    if (row.last_used_at === null || now - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
      await this.#db.updateTable('api_tokens').set({ last_used_at: new Date(now).toISOString(), last_used_from: address }).where('id', '=', row.id).execute();
    }
    // No password hash: nothing reached with a token can check or change the owner's password.
    return { user: { ...owner, passwordHash: '' }, tokenId: row.id, grants };
  }

  #selectRows() {
    return this.#db
      .selectFrom('api_tokens')
      .innerJoin('users', 'users.id', 'api_tokens.owner_id')
      .selectAll('api_tokens')
      .select('users.username as owner_name');
  }

  #view(row: TokenRow, now: number): ApiTokenView {
    const grants = grantsOf(row);
    return {
      id: row.id,
      name: row.name,
      role: grants[0]?.role ?? 'viewer',
      grants,
      owner: { id: row.owner_id, username: row.owner_name },
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      lastUsedAt: row.last_used_at,
      lastUsedFrom: row.last_used_from,
      revokedAt: row.revoked_at,
      revokedBy: row.revoked_by,
      state: row.revoked_at !== null ? 'revoked' : now < Date.parse(row.expires_at) ? 'active' : 'expired',
    };
  }
}

const storedGrants = grantListSchema;

/** The grants as stored; an empty list when they do not parse (written by a newer console), which denies. */
function grantsOf(row: { id: string; grants: string }): Grant[] {
  let json: unknown;
  try {
    json = JSON.parse(row.grants);
  } catch {
    json = undefined;
  }
  const parsed = storedGrants.safeParse(json);
  if (parsed.success) return parsed.data;
  log.warn('API token grants do not parse; the token is refused', { token: row.id });
  return [];
}
