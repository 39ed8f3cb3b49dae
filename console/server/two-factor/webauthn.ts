/**
 * Passkeys and security keys (WebAuthn, through `@simplewebauthn/server`). The relying party is the console as the
 * browser reached it: the request's Origin (already checked against the console's own and configured origins by
 * the Origin guard) and its host name as the RP ID. Each ceremony's challenge is random, single-use, expires after
 * 5 minutes, and is checked against the same origin it was issued for.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  type WebAuthnCredential,
} from '@simplewebauthn/server';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { log } from '../log.js';

export const CHALLENGE_LIFETIME_MS = 5 * 60_000;
const MAX_CHALLENGES = 10_000;

/** Where the ceremony happens: the browser's origin and the RP ID derived from it. */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

/** The relying party for a request: its Origin header when present (checked upstream), else its own URL's origin. */
export function relyingPartyOf(requestUrl: string, originHeader: string | undefined): RelyingParty {
  const origin = originHeader && originHeader !== 'null' ? new URL(originHeader).origin : new URL(requestUrl).origin;
  return { origin, rpID: new URL(origin).hostname };
}

interface Pending {
  challenge: string;
  rp: RelyingParty;
  expiresAt: number;
}

/** Outstanding challenges by ceremony key (`register:<user>`, `login:<ticket hash>`): one each, spent on use. */
export class Challenges {
  readonly #pending = new Map<string, Pending>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  remember(key: string, challenge: string, rp: RelyingParty): void {
    const now = this.#now();
    this.#pending.delete(key);
    for (const [k, p] of this.#pending) if (p.expiresAt <= now) this.#pending.delete(k);
    while (this.#pending.size >= MAX_CHALLENGES) this.#pending.delete(this.#pending.keys().next().value!);
    this.#pending.set(key, { challenge, rp, expiresAt: now + CHALLENGE_LIFETIME_MS });
  }

  /** The challenge for `key`, removed as it is read: a response is checked against it once, right or wrong. */
  take(key: string): Pending | undefined {
    const pending = this.#pending.get(key);
    this.#pending.delete(key);
    return pending && pending.expiresAt > this.#now() ? pending : undefined;
  }
}

export interface StoredCredential {
  id: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
}

export async function registrationOptions(
  rp: RelyingParty,
  user: { id: string; username: string },
  existing: readonly StoredCredential[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  return generateRegistrationOptions({
    rpName: 'Gatehouse',
    rpID: rp.rpID,
    userName: user.username,
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    // The same key twice would only confuse the list.
    excludeCredentials: existing.map((c) => ({ id: c.id, transports: c.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    timeout: CHALLENGE_LIFETIME_MS,
  });
}

/** Check a registration against its challenge; the new credential, or a `unauthorized` problem. */
export async function verifyRegistration(pending: Pending, response: unknown): Promise<StoredCredential> {
  try {
    const result = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: pending.challenge,
      expectedOrigin: pending.rp.origin,
      expectedRPID: pending.rp.rpID,
      // A security key without a PIN is still a second factor: the password was the first.
      requireUserVerification: false,
    });
    if (!result.verified) throw new Error('not verified');
    const { credential } = result.registrationInfo;
    return { id: credential.id, publicKey: credential.publicKey, counter: credential.counter, transports: credential.transports ?? [] };
  } catch (err) {
    log.info('WebAuthn registration refused', { message: (err as Error).message });
    throw new GatehouseError('unauthorized', 'the security key\'s answer did not verify; try again');
  }
}

export async function authenticationOptions(rp: RelyingParty, credentials: readonly StoredCredential[]): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: credentials.map((c) => ({ id: c.id, transports: c.transports })),
    userVerification: 'preferred',
    timeout: CHALLENGE_LIFETIME_MS,
  });
}

/** Check an assertion by `credential` against its challenge; the authenticator's new counter, or null. */
export async function verifyAuthentication(pending: Pending, credential: StoredCredential, response: unknown): Promise<number | null> {
  try {
    const stored: WebAuthnCredential = { id: credential.id, publicKey: credential.publicKey as WebAuthnCredential['publicKey'], counter: credential.counter, transports: credential.transports };
    const result = await verifyAuthenticationResponse({
      response: response as AuthenticationResponseJSON,
      expectedChallenge: pending.challenge,
      expectedOrigin: pending.rp.origin,
      expectedRPID: pending.rp.rpID,
      credential: stored as never,
      requireUserVerification: false,
    });
    return result.verified ? result.authenticationInfo.newCounter : null;
  } catch (err) {
    log.info('WebAuthn assertion refused', { message: (err as Error).message });
    return null;
  }
}
