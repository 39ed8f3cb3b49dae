/**
 * Two-factor login as the routes use it: a user's factors (TOTP, passkeys, recovery codes), the step a login takes
 * after a right password, and the per-role policy. Storage is `store.ts`; the ceremonies are `totp.ts` and
 * `webauthn.ts`; the held-back logins are `tickets.ts`.
 */
import QRCode from 'qrcode';
import type { RoleId } from '../../../modules/kernel/console-api.js';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { PasskeyView, SecondFactorMethod, TotpEnrolment, TwoFactorStatus } from '../../../modules/kernel/two-factor.js';
import { verifyPassword } from '../auth/passwords.js';
import type { Vault } from '../ssh/vault.js';
import type { Storage, UserRecord } from '../storage/types.js';
import { mustUseSecondFactor } from './policy.js';
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js';
import { TwoFactorStore, type CredentialRow } from './store.js';
import { LoginTickets } from './tickets.js';
import { matchTotpStep, newTotpKey, totpKeyFromText, totpKeyText, totpUri } from './totp.js';
import {
  Challenges,
  authenticationOptions,
  registrationOptions,
  verifyAuthentication,
  verifyRegistration,
  type RelyingParty,
  type StoredCredential,
} from './webauthn.js';

/** What follows a right password. */
export type LoginStep =
  | { kind: 'session' }
  | { kind: 'second-factor'; methods: SecondFactorMethod[]; ticket: string }
  | { kind: 'enrolment'; ticket: string };

export interface TwoFactorOptions {
  storage: Storage;
  /** Seals TOTP secrets at rest (the console's master key, as for SSH keys). */
  vault: Vault;
  now?: () => number;
  tickets?: LoginTickets;
  /** The ids of every role the user holds, on any scope (their grants); without it, the account's listed role. */
  heldRoles?: (user: Pick<UserRecord, 'id' | 'role'>) => Promise<string[]>;
}

/** The name authenticator apps list the account under. */
const ISSUER = 'Gatehouse';

const sealContext = (userId: string) => `totp:${userId}`;

function storedCredential(row: CredentialRow): StoredCredential {
  let transports: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.transports);
    if (Array.isArray(parsed)) transports = parsed.filter((t): t is string => typeof t === 'string');
  } catch {
    // A hint only; without it the browser asks for any transport.
  }
  return { id: row.id, publicKey: new Uint8Array(Buffer.from(row.public_key, 'base64url')), counter: row.counter, transports };
}

function passkeyView(row: CredentialRow): PasskeyView {
  return { id: row.id, name: row.name, createdAt: row.created_at, lastUsedAt: row.last_used_at };
}

export class TwoFactor {
  readonly store: TwoFactorStore;
  readonly tickets: LoginTickets;
  readonly #vault: Vault;
  readonly #now: () => number;
  readonly #challenges: Challenges;

  readonly #heldRoles: (user: Pick<UserRecord, 'id' | 'role'>) => Promise<string[]>;

  constructor(options: TwoFactorOptions) {
    this.#heldRoles = options.heldRoles ?? (async (user) => [user.role]);
    this.store = new TwoFactorStore(options.storage.db);
    this.#vault = options.vault;
    this.#now = options.now ?? Date.now;
    this.tickets = options.tickets ?? new LoginTickets({ now: this.#now });
    this.#challenges = new Challenges(this.#now);
  }

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }

  /** The factors the user can log in with now, in the order the login page offers them. */
  async methods(userId: string): Promise<SecondFactorMethod[]> {
    const totp = await this.store.totp(userId);
    const passkeys = await this.store.credentials(userId);
    const methods: SecondFactorMethod[] = [];
    if (totp?.confirmed_at) methods.push('totp');
    if (passkeys.length > 0) methods.push('webauthn');
    // Recovery codes stand in for a factor; alone they are none.
    if (methods.length > 0 && (await this.store.recoveryCodesLeft(userId)) > 0) methods.push('recovery');
    return methods;
  }

  async isRequired(user: Pick<UserRecord, 'id' | 'role'>): Promise<boolean> {
    return mustUseSecondFactor(await this.#heldRoles(user), await this.store.requiredRoles());
  }

  async status(user: UserRecord): Promise<TwoFactorStatus> {
    const totp = await this.store.totp(user.id);
    return {
      totp: { enabled: Boolean(totp?.confirmed_at), confirmedAt: totp?.confirmed_at ?? null },
      passkeys: (await this.store.credentials(user.id)).map(passkeyView),
      recoveryCodesLeft: await this.store.recoveryCodesLeft(user.id),
      required: await this.isRequired(user),
    };
  }

  /** After a right password: a session now, a second factor first, or an enrolment first (never a way around). */
  async loginStep(user: UserRecord, address: string): Promise<LoginStep> {
    const methods = await this.methods(user.id);
    if (methods.length > 0) return { kind: 'second-factor', methods, ticket: this.tickets.issue(user.id, 'second-factor', address) };
    if (await this.isRequired(user)) return { kind: 'enrolment', ticket: this.tickets.issue(user.id, 'enrolment', address) };
    return { kind: 'session' };
  }

  // --- TOTP ---

  /** A new secret for the user's app, held unconfirmed until a code from it is entered. */
  async beginTotp(user: UserRecord): Promise<TotpEnrolment> {
    const key = newTotpKey();
    const secret = totpKeyText(key);
    if (!(await this.store.putPendingTotp(user.id, this.#vault.seal(secret, sealContext(user.id)), this.#iso()))) {
      throw new GatehouseError('conflict', 'an authenticator app is already set up; remove it first to set up another');
    }
    const uri = totpUri(ISSUER, user.username, key);
    const svg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return { secret, uri, qr: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
  }

  /** Confirm the pending secret with a code from it; recovery codes when this is the user's first factor. */
  async confirmTotp(user: UserRecord, code: string): Promise<string[] | null> {
    const row = await this.store.totp(user.id);
    if (row === undefined || row.confirmed_at !== null) throw new GatehouseError('conflict', 'no authenticator app is being set up; start again');
    const key = totpKeyFromText(this.#vault.open(row.secret_sealed, sealContext(user.id)));
    const step = matchTotpStep(key, code, this.#now(), row.last_step);
    if (step === null) throw new GatehouseError('unauthorized', 'that code is not right; check the app and the clock of the phone');
    const hadFactor = (await this.methods(user.id)).length > 0;
    if (!(await this.store.confirmTotp(user.id, step, this.#iso()))) throw new GatehouseError('conflict', 'the app was set up meanwhile');
    return hadFactor ? null : this.#freshRecoveryCodesIfNone(user.id);
  }

  /** Whether `code` is right for the user's confirmed secret now, and not used before; it is used up if so. */
  async checkTotp(userId: string, code: string): Promise<boolean> {
    const row = await this.store.totp(userId);
    if (row === undefined || row.confirmed_at === null) return false;
    const key = totpKeyFromText(this.#vault.open(row.secret_sealed, sealContext(userId)));
    const step = matchTotpStep(key, code, this.#now(), row.last_step);
    return step !== null && (await this.store.useTotpStep(userId, step));
  }

  async removeTotp(userId: string): Promise<boolean> {
    const removed = await this.store.deleteTotp(userId);
    await this.#dropRecoveryCodesIfNoFactor(userId);
    return removed;
  }

  /** The person is the account's owner: their password, or a current code from their app. */
  async proveOwner(user: UserRecord, proof: { password?: string | undefined; code?: string | undefined }): Promise<boolean> {
    if (proof.password !== undefined) return user.passwordHash !== '' && verifyPassword(user.passwordHash, proof.password);
    if (proof.code !== undefined) return this.checkTotp(user.id, proof.code);
    return false;
  }

  // --- recovery codes ---

  /** Ten new codes replacing all earlier ones; only for a user with a factor to recover. */
  async regenerateRecoveryCodes(userId: string): Promise<string[]> {
    if ((await this.methods(userId)).filter((m) => m !== 'recovery').length === 0) {
      throw new GatehouseError('conflict', 'set up an authenticator app or a security key first');
    }
    const codes = newRecoveryCodes();
    await this.store.replaceRecoveryCodes(userId, codes.map(recoveryCodeHash), this.#iso());
    return codes;
  }

  async useRecoveryCode(userId: string, code: string): Promise<boolean> {
    return this.store.useRecoveryCode(userId, recoveryCodeHash(code), this.#iso());
  }

  async #freshRecoveryCodesIfNone(userId: string): Promise<string[] | null> {
    if ((await this.store.recoveryCodesLeft(userId)) > 0) return null;
    const codes = newRecoveryCodes();
    await this.store.replaceRecoveryCodes(userId, codes.map(recoveryCodeHash), this.#iso());
    return codes;
  }

  async #dropRecoveryCodesIfNoFactor(userId: string): Promise<void> {
    if ((await this.methods(userId)).length === 0) await this.store.replaceRecoveryCodes(userId, [], this.#iso());
  }

  // --- passkeys ---

  async passkeyRegistrationOptions(user: UserRecord, rp: RelyingParty) {
    const existing = (await this.store.credentials(user.id)).map(storedCredential);
    const options = await registrationOptions(rp, user, existing);
    this.#challenges.remember(`register:${user.id}`, options.challenge, rp);
    return options;
  }

  /** Verify and keep a new passkey; recovery codes when it is the user's first factor. */
  async addPasskey(user: UserRecord, name: string, response: unknown): Promise<{ passkey: PasskeyView; recoveryCodes: string[] | null }> {
    const pending = this.#challenges.take(`register:${user.id}`);
    if (pending === undefined) throw new GatehouseError('conflict', 'no security key registration is under way, or it took too long; start again');
    const credential = await verifyRegistration(pending, response);
    if (await this.store.credential(credential.id)) throw new GatehouseError('exists', 'this security key is already registered');
    const hadFactor = (await this.methods(user.id)).length > 0;
    const row: CredentialRow = {
      id: credential.id,
      user_id: user.id,
      name,
      public_key: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports.slice(0, 10)),
      created_at: this.#iso(),
      last_used_at: null,
    };
    await this.store.addCredential(row);
    return { passkey: passkeyView(row), recoveryCodes: hadFactor ? null : await this.#freshRecoveryCodesIfNone(user.id) };
  }

  async passkeyLoginOptions(userId: string, rp: RelyingParty) {
    const credentials = (await this.store.credentials(userId)).map(storedCredential);
    if (credentials.length === 0) throw new GatehouseError('not-found', 'no security key is registered for this account');
    const options = await authenticationOptions(rp, credentials);
    this.#challenges.remember(`login:${userId}`, options.challenge, rp);
    return options;
  }

  /** Whether the assertion is from one of the user's passkeys, for the challenge issued to them. */
  async checkPasskey(userId: string, response: { id: string }): Promise<boolean> {
    const pending = this.#challenges.take(`login:${userId}`);
    const row = await this.store.credential(response.id);
    if (pending === undefined || row === undefined || row.user_id !== userId) return false;
    const counter = await verifyAuthentication(pending, storedCredential(row), response);
    return counter !== null && (await this.store.useCredential(row.id, row.counter, counter, this.#iso()));
  }

  async removePasskey(userId: string, id: string): Promise<PasskeyView | undefined> {
    const removed = await this.store.deleteCredential(userId, id);
    if (removed) await this.#dropRecoveryCodesIfNoFactor(userId);
    return removed ? passkeyView(removed) : undefined;
  }

  /**
   * An administrator's reset for someone who lost both their factor and their recovery codes: every factor goes,
   * and the next login starts over (with an enrolment, if their role requires one). Live tickets are voided.
   */
  async resetUser(userId: string): Promise<boolean> {
    this.tickets.revokeUser(userId);
    return this.store.deleteAll(userId);
  }

  // --- policy ---

  async requiredRoles(): Promise<RoleId[]> {
    return this.store.requiredRoles();
  }

  async setRequiredRoles(roles: readonly RoleId[], by: string): Promise<RoleId[]> {
    const unique = [...new Set(roles)].sort();
    await this.store.setRequiredRoles(unique, by, this.#iso());
    return unique;
  }
}

