/**
 * Two-factor login (docs/api.md "Two-factor login"): what the login answers when a password is not enough, what the
 * second step and the enrolment routes take, and what the account security page shows, declared once for the
 * console and the web app. Secrets appear only in the answers that create them.
 */
import { z } from 'zod';
import { roleIds, sessionUserSchema } from './console-api.js';

export const secondFactorMethods = ['totp', 'webauthn', 'recovery'] as const;
export type SecondFactorMethod = (typeof secondFactorMethods)[number];

/** A login ticket: 32 random bytes, base64url. It stands for "this user gave the right password a moment ago". */
export const loginTicketSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'not a login ticket');

/** Six digits; spaces people type from the app's display ("123 456") are dropped. */
export const totpCodeSchema = z
  .string()
  .max(16)
  .transform((code) => code.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'the code is 6 digits'));

/** A recovery code as printed (`abcd-efgh-jkmn-pqrs`); case, spaces and dashes do not matter. */
export const recoveryCodeSchema = z
  .string()
  .max(64)
  .transform((code) => code.toLowerCase().replace(/[\s-]+/g, ''))
  .pipe(z.string().regex(/^[a-z0-9]{16}$/, 'a recovery code is 16 letters and digits'));

/**
 * What a browser's WebAuthn call produced (`@simplewebauthn/browser`'s JSON). Checked in depth by the server's
 * WebAuthn library; here only its outline and size, so a hostile body cannot make it work hard.
 */
export const webauthnResponseSchema = z
  .object({
    id: z.string().min(1).max(1024),
    rawId: z.string().min(1).max(1024),
    type: z.literal('public-key'),
    response: z.record(z.string(), z.unknown()),
  })
  .loose()
  .refine((value) => JSON.stringify(value).length <= 64 * 1024, 'the WebAuthn response is too large');

/** `POST /api/session` when the password was right but a second factor is needed: no session yet. */
export const secondFactorNeededSchema = z.object({
  secondFactor: z.object({ methods: z.array(z.enum(secondFactorMethods)), ticket: z.string() }),
});
/** `POST /api/session` when the user's role requires two-factor login and they have none yet. */
export const enrolmentNeededSchema = z.object({ enrolmentRequired: z.object({ ticket: z.string() }) });
export const loginAnswerSchema = z.union([
  z.object({ user: sessionUserSchema }),
  secondFactorNeededSchema,
  enrolmentNeededSchema,
]);
export type LoginAnswer = z.infer<typeof loginAnswerSchema>;

/** `POST /api/session/second-factor`: the ticket and exactly one proof. */
export const secondFactorRequestSchema = z
  .object({
    ticket: loginTicketSchema,
    totp: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
    webauthn: webauthnResponseSchema.optional(),
  })
  .strict()
  .refine((r) => [r.totp, r.recoveryCode, r.webauthn].filter((p) => p !== undefined).length === 1, 'give exactly one of totp, recoveryCode, webauthn');
export type SecondFactorRequest = z.input<typeof secondFactorRequestSchema>;

export const ticketRequestSchema = z.object({ ticket: loginTicketSchema }).strict();

/** A new TOTP secret, shown while it is being enrolled and never again. */
export const totpEnrolmentSchema = z.object({
  /** The key in base32, for typing into an app by hand. */
  secret: z.string(),
  /** `otpauth://totp/…`: what the QR code holds. */
  uri: z.string(),
  /** The QR code as an SVG `data:` URL, for an `<img>`. */
  qr: z.string(),
});
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

export const totpConfirmSchema = z.object({ code: totpCodeSchema }).strict();

/** Proof that the person at the keyboard is the account's owner: the password or a current code. */
export const ownerProofSchema = z
  .object({ password: z.string().min(1).max(1024).optional(), code: totpCodeSchema.optional() })
  .strict()
  .refine((p) => (p.password === undefined) !== (p.code === undefined), 'give your password or a current code');
export type OwnerProof = z.input<typeof ownerProofSchema>;

/** Ten one-time codes, shown once. */
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });

export const passkeyNameSchema = z.string().trim().min(1, 'give the key a name').max(64);
export const passkeyRegistrationSchema = z.object({ name: passkeyNameSchema, response: webauthnResponseSchema }).strict();

export const passkeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type PasskeyView = z.infer<typeof passkeyViewSchema>;

/** `GET /api/two-factor`: the caller's own factors. */
export const twoFactorStatusSchema = z.object({
  totp: z.object({ enabled: z.boolean(), confirmedAt: z.string().nullable() }),
  passkeys: z.array(passkeyViewSchema),
  recoveryCodesLeft: z.number().int(),
  /** The caller's role requires two-factor login. */
  required: z.boolean(),
});
export type TwoFactorStatus = z.infer<typeof twoFactorStatusSchema>;

/** `GET/PUT /api/two-factor/policy`. */
export const twoFactorPolicySchema = z.object({ requiredRoles: z.array(z.enum(roleIds)).max(roleIds.length) }).strict();
export type TwoFactorPolicy = z.infer<typeof twoFactorPolicySchema>;
