import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';
import {
  accountIdSchema,
  commentSchema,
  dateSchema,
  groupNameSchema,
  homeSchema,
  passwordSchema,
  shellSchema,
  userNameSchema,
} from './names.js';

const isoTime = z.string().max(40);

/** What a user's password field says, as `passwd -S` puts it: P usable, L locked, NP none at all. */
export const passwordStates = ['usable', 'locked', 'none', 'unknown'] as const;

export const userSchema = z.object({
  name: z.string().max(64),
  uid: z.number().int().nonnegative(),
  gid: z.number().int().nonnegative(),
  /** The primary group's name; empty when the gid has no group line. */
  group: z.string().max(64),
  /** Supplementary groups (from /etc/group member lists), sorted. */
  groups: z.array(z.string().max(64)).max(4096),
  comment: z.string().max(1024),
  home: z.string().max(4096),
  shell: z.string().max(4096),
  /** A system account: uid below UID_MIN of /etc/login.defs (1000), or nobody. */
  system: z.boolean(),
  /** The password is locked (`!` before the hash): no password login, keys still work. */
  locked: z.boolean(),
  password: z.enum(passwordStates),
  /** When the password was last changed; null when unknown, or "must change at next login" (see mustChange). */
  passwordChangedAt: isoTime.nullable(),
  mustChangePassword: z.boolean(),
  /** Days a password stays valid (chage -M); null: forever. */
  passwordMaxDays: z.number().int().nullable(),
  passwordExpiresAt: isoTime.nullable(),
  /** The whole account stops working on this day (chage -E); null: never. */
  accountExpiresAt: isoTime.nullable(),
  accountExpired: z.boolean(),
  /** From /var/log/lastlog; null when the user never logged in or the host keeps no record. */
  lastLogin: z.object({ at: isoTime, from: z.string().max(256), terminal: z.string().max(32) }).nullable(),
});
export type UserAccount = z.infer<typeof userSchema>;

export const authorizedKeySchema = z.object({
  /** 1-based line in authorized_keys. */
  line: z.number().int().positive(),
  type: z.string().max(64),
  /** As `ssh-keygen -lf` prints it: `SHA256:` and unpadded base64. */
  fingerprint: z.string().max(64),
  bits: z.number().int().nullable(),
  comment: z.string().max(1024),
  /** Options before the key (`from="…"`, `command="…"`), as written; empty when none. */
  options: z.string().max(4096),
});
export type AuthorizedKey = z.infer<typeof authorizedKeySchema>;

/** One public key line as people paste it: `type base64 [comment]`, without options. */
export const publicKeyLineSchema = z
  .string()
  .max(16 * 1024, 'a public key line has at most 16 KiB')
  // A pasted .pub file ends with a line break; trimmed first, so only breaks inside the line are refused.
  .trim()
  .regex(/^[\x20-\x7e]+$/, 'a public key is one line of printable ASCII');

const byName = z.object({ name: userNameSchema }).strict();
const userResult = z.object({ user: userSchema });

export const contract = defineModule({
  name: 'user',
  title: 'Users',
  permissions: {
    'user.read': {
      risk: 'read',
      summary: 'See the accounts on a host: ids, groups, shells, password ages, locks, last logins and SSH keys.',
    },
    'user.manage': {
      risk: 'change',
      summary: 'Create accounts, change their shell, home, groups and comment, lock, unlock or expire them, set passwords and manage their SSH keys.',
    },
    'user.delete': { risk: 'dangerous', summary: 'Delete accounts, optionally with their home directories.' },
  },
  methods: {
    list: {
      summary: 'Every account in /etc/passwd with its groups, password state and last login.',
      permission: 'user.read',
      params: z.object({}).strict().default({}),
      result: z.object({ users: z.array(userSchema), sampledAt: isoTime }),
    },
    shells: {
      summary: 'The login shells this host allows (/etc/shells), and nologin.',
      permission: 'user.read',
      params: z.object({}).strict().default({}),
      result: z.object({ shells: z.array(z.string().max(4096)) }),
    },
    create: {
      summary: 'Create an account with useradd, with its home directory unless told otherwise.',
      permission: 'user.manage',
      params: z
        .object({
          name: userNameSchema,
          comment: commentSchema.optional(),
          home: homeSchema.optional(),
          createHome: z.boolean().default(true),
          shell: shellSchema.optional(),
          uid: accountIdSchema.optional(),
          /** An existing group; without it a group of the user's own name is made (Debian's USERGROUPS). */
          primaryGroup: groupNameSchema.optional(),
          groups: z.array(groupNameSchema).max(64).default([]),
          system: z.boolean().default(false),
        })
        .strict(),
      result: userResult,
    },
    modify: {
      summary: 'Change an account’s comment, shell, home (optionally moving it), primary or supplementary groups.',
      permission: 'user.manage',
      params: z
        .object({
          name: userNameSchema,
          comment: commentSchema.optional(),
          shell: shellSchema.optional(),
          home: homeSchema.optional(),
          /** Move the old home's contents to the new home. */
          moveHome: z.boolean().default(false),
          primaryGroup: groupNameSchema.optional(),
          /** The complete list of supplementary groups; groups not listed are left. */
          groups: z.array(groupNameSchema).max(64).optional(),
        })
        .strict()
        .refine(
          (p) => [p.comment, p.shell, p.home, p.primaryGroup, p.groups].some((value) => value !== undefined),
          'give at least one of comment, shell, home, primaryGroup, groups',
        ),
      result: userResult,
    },
    lock: {
      summary: 'Lock the password (usermod -L): no password logins; SSH keys still work unless the account also expires.',
      permission: 'user.manage',
      params: byName,
      result: userResult,
    },
    unlock: {
      summary: 'Unlock the password (usermod -U).',
      permission: 'user.manage',
      params: byName,
      result: userResult,
    },
    expire: {
      summary: 'Set the day the account expires (chage -E; "now" ends it at once, null never), and/or force a new password at next login.',
      permission: 'user.manage',
      params: z
        .object({
          name: userNameSchema,
          accountExpiresOn: z.union([dateSchema, z.literal('now'), z.null()]).optional(),
          forcePasswordChange: z.boolean().optional(),
        })
        .strict()
        .refine((p) => p.accountExpiresOn !== undefined || p.forcePasswordChange === true, 'give accountExpiresOn or forcePasswordChange'),
      result: userResult,
    },
    setPassword: {
      summary: 'Set a new password with chpasswd (given on its standard input, never on a command line or in a log).',
      permission: 'user.manage',
      params: z.object({ name: userNameSchema, password: passwordSchema }).strict(),
      result: userResult,
    },
    delete: {
      summary: 'Delete an account with userdel, optionally with its home directory and mail spool.',
      permission: 'user.delete',
      params: z.object({ name: userNameSchema, removeHome: z.boolean().default(false) }).strict(),
      result: z.object({ name: z.string(), homeRemoved: z.boolean() }),
    },
    keys: {
      summary: 'The public keys in the user’s ~/.ssh/authorized_keys, with their fingerprints.',
      permission: 'user.read',
      params: byName,
      result: z.object({ path: z.string().max(4096), keys: z.array(authorizedKeySchema).max(10_000) }),
    },
    addKey: {
      summary: 'Add a public key to the user’s ~/.ssh/authorized_keys (made with mode 600 if missing).',
      permission: 'user.manage',
      params: z.object({ name: userNameSchema, key: publicKeyLineSchema }).strict(),
      result: z.object({ key: authorizedKeySchema }),
    },
    removeKey: {
      summary: 'Remove every line with this fingerprint from the user’s ~/.ssh/authorized_keys.',
      permission: 'user.manage',
      params: z
        .object({ name: userNameSchema, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint looks like SHA256: and 43 base64 characters') })
        .strict(),
      result: z.object({ removed: z.number().int() }),
    },
  },
});
