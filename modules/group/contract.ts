import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';
import { accountIdSchema, groupNameSchema, userNameSchema } from '../user/names.js';

export const groupSchema = z.object({
  name: z.string().max(64),
  gid: z.number().int().nonnegative(),
  /** Members listed in /etc/group, in file order. */
  members: z.array(z.string().max(64)).max(65_536),
  /** Users whose primary group this is (from /etc/passwd); groupdel refuses while there are any. */
  primaryOf: z.array(z.string().max(64)).max(65_536),
  /** gid below GID_MIN (1000): made by the system or a package. */
  system: z.boolean(),
});
export type GroupAccount = z.infer<typeof groupSchema>;

const groupResult = z.object({ group: groupSchema });

export const contract = defineModule({
  name: 'group',
  title: 'Groups',
  permissions: {
    'group.read': { risk: 'read', summary: 'See the groups on a host and who belongs to them.' },
    'group.manage': { risk: 'change', summary: 'Create and rename groups and set their members.' },
    'group.delete': { risk: 'dangerous', summary: 'Delete groups.' },
  },
  methods: {
    list: {
      summary: 'Every group in /etc/group with its members.',
      permission: 'group.read',
      params: z.object({}).strict().default({}),
      result: z.object({ groups: z.array(groupSchema), sampledAt: z.string() }),
    },
    create: {
      summary: 'Create a group with groupadd.',
      permission: 'group.manage',
      params: z.object({ name: groupNameSchema, gid: accountIdSchema.optional(), system: z.boolean().default(false) }).strict(),
      result: groupResult,
    },
    rename: {
      summary: 'Rename a group with groupmod -n; its gid, members and files stay.',
      permission: 'group.manage',
      params: z.object({ name: groupNameSchema, newName: groupNameSchema }).strict(),
      result: groupResult,
    },
    setMembers: {
      summary: 'Make exactly these users the group’s members (gpasswd -M).',
      permission: 'group.manage',
      params: z.object({ name: groupNameSchema, members: z.array(userNameSchema).max(1024) }).strict(),
      result: groupResult,
    },
    delete: {
      summary: 'Delete a group with groupdel; refused while it is some user’s primary group.',
      permission: 'group.delete',
      params: z.object({ name: groupNameSchema }).strict(),
      result: z.object({ name: z.string() }),
    },
  },
});
