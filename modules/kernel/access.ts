/**
 * Who may do what, where (docs/api.md "Roles and grants"): a role is a set of permission codes, allowed or denied;
 * a grant puts a role on a scope (the whole fleet, a site, a host group, one host); a person holds grants. Declared
 * once for the console, the web app and API clients.
 */
import { z } from 'zod';

/** The built-in roles' ids: stable, other checks rely on them. */
export const roleIds = ['administrator', 'system-operator', 'plant-operator', 'on-call', 'auditor', 'viewer'] as const;
export type RoleId = (typeof roleIds)[number];

/** Role ids: the six built-in ones, and those administrators make (lower-case words joined by '-'). */
export const roleIdSchema = z
  .string()
  .min(2)
  .max(40)
  .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'lower-case letters and digits, words joined by "-"');

export function isBuiltInRole(id: string): id is RoleId {
  return (roleIds as readonly string[]).includes(id);
}

/** Host groups are host tags (`field-gateway`, `plant-north`): the same spelling as PATCH /api/hosts/:id {tags}. */
const groupTagSchema = z.string().min(1).max(32).regex(/^[a-z0-9][a-z0-9._-]*$/, 'a host tag: lower-case letters, digits, ".", "_" and "-"');
const idSchema = z.string().min(1).max(128);

/** Where a grant holds. A site holds its gateways; a group holds every host with that tag. */
export const scopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fleet') }).strict(),
  z.object({ kind: z.literal('site'), siteId: idSchema }).strict(),
  z.object({ kind: z.literal('group'), tag: groupTagSchema }).strict(),
  z.object({ kind: z.literal('host'), hostId: idSchema }).strict(),
]);
export type Scope = z.infer<typeof scopeSchema>;
export const scopeKinds = ['fleet', 'site', 'group', 'host'] as const;

export const grantSchema = z.object({ role: roleIdSchema, scope: scopeSchema }).strict();
export type Grant = z.infer<typeof grantSchema>;

/** A grant as lists show it: with the names people read. */
export const grantViewSchema = grantSchema.extend({ roleName: z.string(), scopeName: z.string() });
export type GrantView = z.infer<typeof grantViewSchema>;

/** Permission codes: module codes (`process.signal`) and the console's own (`account.manage`). */
export const permissionCodeSchema = z.string().min(3).max(64).regex(/^[a-z][a-z0-9-]*\.[a-z][a-z0-9.-]*$/, 'a permission code such as process.read');

/** `POST /api/roles` and `PUT /api/roles/:id`: a role of the administrators' own, from the catalogue. */
export const customRoleRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'give the role a name').max(64),
    summary: z.string().trim().max(300).default(''),
    /** Codes the role allows. */
    allow: z.array(permissionCodeSchema).max(500),
    /** Codes the role denies: wherever this role holds, no other grant of the same person allows them. */
    deny: z.array(permissionCodeSchema).max(500).default([]),
  })
  .strict();
export type CustomRoleRequest = z.input<typeof customRoleRequestSchema>;

/** A role as GET /api/roles lists it: built-in or custom, with the codes it allows and denies. */
export const roleViewSchema = z.object({
  id: roleIdSchema,
  name: z.string(),
  summary: z.string(),
  builtIn: z.boolean(),
  allow: z.array(z.string()),
  deny: z.array(z.string()),
  /** How many grants use it (a role in use cannot be deleted). */
  grantCount: z.number().int().min(0),
});
export type RoleView = z.infer<typeof roleViewSchema>;

/** Grants given with an account or a token: at least one, not absurdly many. */
export const grantListSchema = z.array(grantSchema).min(1, 'give at least one grant').max(100);

/** The same scope, said the same way (for comparing and de-duplicating grants). */
export function scopeKey(scope: Scope): string {
  switch (scope.kind) {
    case 'fleet':
      return 'fleet';
    case 'site':
      return `site:${scope.siteId}`;
    case 'group':
      return `group:${scope.tag}`;
    case 'host':
      return `host:${scope.hostId}`;
  }
}

/** A console account as GET /api/users lists it: never the password hash. `role` is the first grant's, for lists. */
export const accountViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: roleIdSchema,
  grants: z.array(grantViewSchema),
  disabled: z.boolean(),
  createdAt: z.string(),
});
export type AccountView = z.infer<typeof accountViewSchema>;

/** GET /api/scopes: where the caller may give grants (their own reach for account.manage), with names for pickers. */
export const grantableScopesSchema = z.object({
  fleet: z.boolean(),
  sites: z.array(z.object({ id: z.string(), name: z.string() })),
  groups: z.array(z.string()),
  hosts: z.array(z.object({ id: z.string(), name: z.string(), siteId: z.string().nullable() })),
  /** Roles the caller may give somewhere (never more than they hold there; the server checks per scope). */
  roles: z.array(z.object({ id: roleIdSchema, name: z.string() })),
});
export type GrantableScopes = z.infer<typeof grantableScopesSchema>;
