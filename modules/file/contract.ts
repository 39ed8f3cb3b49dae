import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';

/** Largest text file `read` returns; past this the editor is the wrong tool and `download` is the right one. */
export const maxTextFileBytes = 1024 * 1024;

/** An absolute path as typed by a person; decoding, resolving and jailing happen on the agent. */
const path = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/'), 'must be an absolute path')
  .refine((p) => !p.includes('\0'), 'must not contain a NUL byte');

const name = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\0'), 'must be a plain file name');

/** Names a content state of a file: `sha256:<hex>` of its bytes. A write that names an old version fails. */
const version = z.string().regex(/^sha256:[0-9a-f]{64}$/);

const mode = z.number().int().min(0).max(0o7777);
const owner = z.string().min(1).max(32).regex(/^[a-z_][a-z0-9_.-]*\$?$|^[0-9]+$/i);

export const entryTypes = ['file', 'directory', 'symlink', 'socket', 'fifo', 'block-device', 'char-device', 'unknown'] as const;

export const entrySchema = z.object({
  name: z.string().max(1024),
  path: z.string().max(8192),
  type: z.enum(entryTypes),
  size: z.number().nonnegative(),
  /** Permission bits and special bits, e.g. 0o644. */
  mode: z.number().int().nonnegative(),
  user: z.string().max(64),
  group: z.string().max(64),
  uid: z.number().int().nonnegative(),
  gid: z.number().int().nonnegative(),
  modifiedAt: z.string().max(40),
  /** For a symlink: what it points to, as stored in the link. */
  target: z.string().max(8192).optional(),
  /** For a symlink: the type of what it points to, or `broken`. */
  targetType: z.enum([...entryTypes, 'broken']).optional(),
});
export type FileEntry = z.infer<typeof entrySchema>;

export const contract = defineModule({
  name: 'file',
  title: 'Files',
  permissions: {
    'file.read': { risk: 'read', summary: 'Browse directories, read and download files within the agent’s file roots.' },
    'file.write': {
      risk: 'change',
      summary: 'Create, edit, upload, rename and delete files and directories within the agent’s file roots.',
    },
    'file.chown': {
      risk: 'dangerous',
      summary: 'Change the permissions and owner of files, which can grant other accounts access.',
    },
  },
  methods: {
    list: {
      summary: 'List a directory.',
      permission: 'file.read',
      params: z.object({ path, showHidden: z.boolean().default(true) }).strict(),
      result: z.object({ path: z.string(), entries: z.array(entrySchema).max(10_000), truncated: z.boolean() }),
    },
    stat: {
      summary: 'Describe one file or directory.',
      permission: 'file.read',
      params: z.object({ path }).strict(),
      result: entrySchema,
    },
    read: {
      summary: 'Read a text file for the editor (UTF-8, bounded), with its version.',
      permission: 'file.read',
      params: z.object({ path }).strict(),
      result: z.object({ path: z.string(), content: z.string(), version, size: z.number().int().nonnegative(), mode: z.number().int().nonnegative() }),
    },
    write: {
      summary: 'Write a text file atomically; with a version, only if the file is still at that version.',
      permission: 'file.write',
      params: z
        .object({
          path,
          content: z.string().max(maxTextFileBytes),
          /** The version the editor loaded; absent to create a new file or overwrite regardless. */
          version: version.optional(),
          /** Refuse if the file already exists (for "new file"). */
          create: z.boolean().default(false),
        })
        .strict(),
      result: z.object({ path: z.string(), version, size: z.number() }),
    },
    mkdir: {
      summary: 'Make a directory.',
      permission: 'file.write',
      params: z.object({ path, mode: mode.default(0o755) }).strict(),
      result: z.object({ path: z.string() }),
    },
    rename: {
      summary: 'Rename or move a file or directory within the file roots; never replaces an existing target.',
      permission: 'file.write',
      params: z.object({ from: path, to: path }).strict(),
      result: z.object({ from: z.string(), to: z.string() }),
    },
    delete: {
      summary: 'Delete a file, or a directory (recursively only when asked).',
      permission: 'file.write',
      params: z.object({ path, recursive: z.boolean().default(false) }).strict(),
      result: z.object({ path: z.string() }),
    },
    chmod: {
      summary: 'Change permission bits.',
      permission: 'file.chown',
      params: z.object({ path, mode }).strict(),
      result: entrySchema,
    },
    chown: {
      summary: 'Change owner and/or group (names or numeric ids).',
      permission: 'file.chown',
      params: z
        .object({ path, user: owner.optional(), group: owner.optional() })
        .strict()
        .refine((p) => p.user !== undefined || p.group !== undefined, 'give a user, a group or both'),
      result: entrySchema,
    },
  },
  streams: {
    download: {
      summary: 'Download a file as bytes.',
      permission: 'file.read',
      direction: 'download',
      params: z.object({ path }).strict(),
      result: z.object({ path: z.string(), size: z.number(), version }),
    },
    upload: {
      summary: 'Upload bytes to a file atomically (temporary file, then rename).',
      permission: 'file.write',
      direction: 'upload',
      params: z
        .object({
          /** Directory to put the file in plus its name; kept separate so the name is checked as a plain name. */
          directory: path,
          name,
          /** Replace an existing file of that name. */
          overwrite: z.boolean().default(false),
          mode: mode.optional(),
        })
        .strict(),
      result: z.object({ path: z.string(), size: z.number(), version }),
    },
  },
});
