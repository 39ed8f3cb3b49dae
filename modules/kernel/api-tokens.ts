/**
 * API tokens for scripts and integrations (docs/api.md "API tokens"): what `POST /api/tokens` takes and what the
 * token list shows, declared once for the console and the web app. The token itself appears only in the answer
 * to its creation.
 */
import { z } from 'zod';
import { roleIds } from './console-api.js';

/**
 * Where a grant holds. Only the whole fleet exists today; sites, host groups and hosts join this union when
 * scopes arrive, and the stored grants (a JSON column) need no migration for it.
 */
export const apiTokenScopeSchema = z.discriminatedUnion('kind', [z.object({ kind: z.literal('fleet') }).strict()]);
export type ApiTokenScope = z.infer<typeof apiTokenScopeSchema>;

export const apiTokenGrantSchema = z.object({ role: z.enum(roleIds), scope: apiTokenScopeSchema }).strict();
export type ApiTokenGrant = z.infer<typeof apiTokenGrantSchema>;

/** The longest a token may live: there are no eternal tokens, a forgotten one dies within a year. */
export const apiTokenMaxDays = 365;

/** `POST /api/tokens`. Without `role`, the token gets the creator's own role. */
export const apiTokenRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'give the token a name').max(64),
    role: z.enum(roleIds).optional(),
    expiresInDays: z.number().int().min(1).max(apiTokenMaxDays),
  })
  .strict();
export type ApiTokenRequest = z.infer<typeof apiTokenRequestSchema>;

export const apiTokenStates = ['active', 'expired', 'revoked'] as const;
export type ApiTokenState = (typeof apiTokenStates)[number];

/** A token as lists show it: never the secret nor its hash. */
export const apiTokenViewSchema = z.object({
  /** The token's public part (its selector), also in audit entries made with it. */
  id: z.string(),
  name: z.string(),
  /** The role the token acts with on the whole fleet (the first grant's, while scopes do not exist). */
  role: z.enum(roleIds),
  grants: z.array(apiTokenGrantSchema),
  owner: z.object({ id: z.string(), username: z.string() }),
  createdAt: z.string(),
  expiresAt: z.string(),
  /** Updated at most once a minute. */
  lastUsedAt: z.string().nullable(),
  lastUsedFrom: z.string().nullable(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  state: z.enum(apiTokenStates),
});
export type ApiTokenView = z.infer<typeof apiTokenViewSchema>;

/** The answer to `POST /api/tokens`: the view plus the token, shown this once and never again. */
export const issuedApiTokenSchema = apiTokenViewSchema.extend({ token: z.string() });
export type IssuedApiToken = z.infer<typeof issuedApiTokenSchema>;

/**
 * The roles a person holding `role` may put on a token: an administrator any, everyone else their own or
 * `viewer`. A token never does more than its creator could (roles are not ordered, so "lower" is not enough).
 */
export function grantableRoles(role: (typeof roleIds)[number]): (typeof roleIds)[number][] {
  if (role === 'administrator') return [...roleIds];
  return role === 'viewer' ? ['viewer'] : [role, 'viewer'];
}
