/**
 * API tokens for scripts and integrations (docs/api.md "API tokens"): what `POST /api/tokens` takes and what the
 * token list shows, declared once for the console and the web app. The token itself appears only in the answer
 * to its creation.
 */
import { z } from 'zod';
import { grantListSchema, grantSchema, roleIdSchema } from './access.js';

/** The longest a token may live: there are no eternal tokens, a forgotten one dies within a year. */
export const apiTokenMaxDays = 365;

/**
 * `POST /api/tokens`: `role` (on the whole fleet) or `grants` (roles on scopes), never both; with neither, the token
 * gets the creator's own grants. A token never holds what its creator does not.
 */
export const apiTokenRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'give the token a name').max(64),
    role: roleIdSchema.optional(),
    grants: grantListSchema.optional(),
    expiresInDays: z.number().int().min(1).max(apiTokenMaxDays),
  })
  .strict()
  .refine((request) => request.role === undefined || request.grants === undefined, 'give a role or a list of grants, not both');
export type ApiTokenRequest = z.infer<typeof apiTokenRequestSchema>;

export const apiTokenStates = ['active', 'expired', 'revoked'] as const;
export type ApiTokenState = (typeof apiTokenStates)[number];

/** A token as lists show it: never the secret nor its hash. */
export const apiTokenViewSchema = z.object({
  /** The token's public part (its selector), also in audit entries made with it. */
  id: z.string(),
  name: z.string(),
  /** The first grant's role, for lists. */
  role: roleIdSchema,
  grants: z.array(grantSchema),
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
