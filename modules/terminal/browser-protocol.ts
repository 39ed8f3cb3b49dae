/**
 * The browser's terminal socket (`/api/hosts/:id/terminal`), between the web page and the console.
 * Binary frames are raw bytes: keystrokes from the browser, screen output to it. Text frames are these JSON
 * messages. The browser acknowledges output once xterm.js has drawn it, and the console sends no more than a
 * window ahead of the acknowledgements, so a flood cannot fill the browser's memory and Ctrl-C stays prompt.
 */
import { z } from 'zod';
import { terminalEventSchema } from './contract.js';

/** Bytes of output the console may send beyond what the browser has acknowledged. */
export const browserOutputWindowBytes = 512 * 1024;

export const browserToConsoleMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resize'), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(500) }),
  /** Output bytes the browser has drawn since its last ack. */
  z.object({ type: z.literal('ack'), bytes: z.number().int().positive().max(64 * 1024 * 1024) }),
]);
export type BrowserToConsoleMessage = z.infer<typeof browserToConsoleMessage>;

export const consoleToBrowserMessage = z.union([
  terminalEventSchema,
  /** The shell exited (the session is over), or the channel closed and the shell lives on detached. */
  z.object({ type: z.literal('ended'), detached: z.boolean(), exitCode: z.number().int().nullable() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** The console records this session; shown to the user, as people should know they are recorded. */
  z.object({ type: z.literal('recording'), recordingId: z.string(), input: z.boolean() }),
  /** The recording failed and this host's policy lets the session go on unrecorded; an alarm was raised. */
  z.object({ type: z.literal('recording-failed'), message: z.string() }),
]);
export type ConsoleToBrowserMessage = z.infer<typeof consoleToBrowserMessage>;
