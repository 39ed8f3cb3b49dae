import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';
import { parseWhen } from './when.js';

/** `now`, `HH:MM`, `+minutes` or an ISO time with a zone, at most 7 days ahead; checked before any program runs. */
export const whenSchema = z.string().superRefine((value, ctx) => {
  const parsed = parseWhen(value);
  if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
});

export const powerActions = ['reboot', 'poweroff'] as const;
export type PowerAction = (typeof powerActions)[number];

export const scheduledSchema = z.object({
  /** reboot, poweroff, halt, or what systemd wrote (e.g. kexec), bounded. */
  action: z.string().max(32),
  /** ISO 8601 time it will happen. */
  at: z.string(),
});
export type Scheduled = z.infer<typeof scheduledSchema>;

const actionResult = z.object({
  action: z.enum(powerActions),
  /** True when it was started right away; false when scheduled. */
  immediate: z.boolean(),
  /** What is scheduled now, after this call (null for an immediate action). */
  scheduled: scheduledSchema.nullable(),
});

export const contract = defineModule({
  name: 'power',
  title: 'Power',
  permissions: {
    'power.read': { risk: 'read', summary: 'See whether a reboot or shutdown of a host is scheduled, and when.' },
    'power.control': {
      risk: 'dangerous',
      summary: 'Reboot or shut down a host, now or at a time, and cancel a scheduled one. Everything on the host stops.',
    },
  },
  methods: {
    status: {
      summary: 'The scheduled reboot or shutdown, if any, and how the host would do it.',
      permission: 'power.read',
      params: z.object({}).strict().default({}),
      result: z.object({
        scheduled: scheduledSchema.nullable(),
        /** systemd (systemctl/shutdown) or sysvinit (shutdown only). */
        init: z.enum(['systemd', 'other']),
        bootedAt: z.string(),
      }),
    },
    reboot: {
      summary: 'Reboot the host now or at a time (replaces any scheduled shutdown).',
      permission: 'power.control',
      params: z.object({ when: whenSchema }).strict(),
      result: actionResult,
    },
    poweroff: {
      summary: 'Shut the host down (power off) now or at a time (replaces any scheduled shutdown).',
      permission: 'power.control',
      params: z.object({ when: whenSchema }).strict(),
      result: actionResult,
    },
    cancel: {
      summary: 'Cancel a scheduled reboot or shutdown.',
      permission: 'power.control',
      params: z.object({}).strict().default({}),
      result: z.object({ cancelled: scheduledSchema.nullable() }),
    },
  },
});
