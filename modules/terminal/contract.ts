import { z } from 'zod';
import { defineModule } from '../kernel/contract.js';

/** A Unix account name as `useradd` accepts it (checked before anything reaches the OS). */
export const unixUserSchema = z.string().regex(/^[a-z_][a-z0-9_-]{0,31}\$?$/, 'not a valid Unix user name');

const size = { cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) };

export const sessionIdSchema = z.string().regex(/^t_[a-z0-9]{16}$/);

export const terminalSessionSchema = z.object({
  id: sessionIdSchema,
  unixUser: z.string().max(32),
  /** The console user who opened it; only they may re-attach. */
  owner: z.string().max(128),
  startedAt: z.string(),
  lastActivityAt: z.string(),
  attached: z.boolean(),
  cols: z.number().int(),
  rows: z.number().int(),
  /** The window title the shell set (OSC 0/2), bounded; empty when none. */
  title: z.string().max(200),
  /** When a detached session will be closed if nobody re-attaches; null while attached. */
  expiresAt: z.string().nullable(),
});
export type TerminalSession = z.infer<typeof terminalSessionSchema>;

/** Console → agent messages beside the terminal's bytes. */
export const terminalControlSchema = z.discriminatedUnion('type', [z.object({ type: z.literal('resize'), ...size })]);

/** Agent → console messages beside the terminal's bytes. */
export const terminalEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('attached'),
    sessionId: sessionIdSchema,
    /** True when this re-attached to a running session: the screen that follows is the restored one. */
    restored: z.boolean(),
    unixUser: z.string().max(32),
    ...size,
  }),
  z.object({ type: z.literal('title'), title: z.string().max(200) }),
]);
export type TerminalEvent = z.infer<typeof terminalEventSchema>;

export const contract = defineModule({
  name: 'terminal',
  title: 'Terminal',
  permissions: {
    'terminal.open': {
      risk: 'dangerous',
      summary: 'Open an interactive shell on a host as one of the Unix users your role allows, and re-attach to your own detached shells.',
    },
  },
  methods: {
    sessions: {
      summary: 'List the terminal sessions running on the host, attached or detached.',
      permission: 'terminal.open',
      params: z.object({}).strict().default({}),
      result: z.object({ sessions: z.array(terminalSessionSchema).max(1000) }),
    },
    close: {
      summary: 'End a terminal session: its shell is hung up and then killed.',
      permission: 'terminal.open',
      params: z.object({ id: sessionIdSchema }).strict(),
      result: z.object({ id: sessionIdSchema }),
    },
  },
  streams: {
    session: {
      summary: 'A terminal: a new login shell, or a re-attachment to a detached one; keystrokes in, screen out.',
      permission: 'terminal.open',
      direction: 'duplex',
      params: z
        .object({
          /** Re-attach to this session; absent to start a new shell. */
          sessionId: sessionIdSchema.optional(),
          unixUser: unixUserSchema.default('root'),
          ...size,
        })
        .strict(),
      control: terminalControlSchema,
      event: terminalEventSchema,
      result: z.object({
        sessionId: sessionIdSchema,
        /** True when the channel ended but the shell lives on, detached, waiting to be re-attached. */
        detached: z.boolean(),
        exitCode: z.number().int().nullable(),
      }),
    },
  },
});

export type TerminalSessionParams = z.output<typeof contract.streams.session.params>;
