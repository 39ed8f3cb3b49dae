/**
 * The account fields people type, as zod schemas that follow the system's own rules (Debian's shadow tools).
 * Every value a method passes to useradd, usermod, chage, groupadd… is checked here first, so a name like
 * `-rf`, `;reboot` or `../x` never reaches a program. Shared by the user and group modules.
 */
import { z } from 'zod';
import { accountNamePattern } from './names-pattern.js';

export { accountNamePattern };

function accountName(what: 'user' | 'group') {
  return z
    .string()
    .min(1, `a ${what} name is required`)
    .max(32, `a ${what} name has at most 32 characters`)
    .regex(accountNamePattern, `a ${what} name starts with a lower-case letter or _, then lower-case letters, digits, _ or -`);
}

export const userNameSchema = accountName('user');
export const groupNameSchema = accountName('group');

/** The comment (GECOS) field: one line of text without `:` (the passwd field separator). */
export const commentSchema = z
  .string()
  .max(256, 'the comment has at most 256 characters')
  // Control characters and `:` would break /etc/passwd; bidi controls would make the name lie on screen.
  .regex(/^[^\p{Cc}\p{Cf}:]*$/u, 'the comment is one line of text without ":" or control characters');

/** An absolute path without `..`, `//` or anything a shell or a passwd line would read specially. */
const systemPath = (what: string) =>
  z
    .string()
    .max(255, `${what} has at most 255 characters`)
    .regex(/^(\/[A-Za-z0-9._-]+)+$/, `${what} is an absolute path of letters, digits, ".", "_" and "-"`)
    .refine((path) => !path.split('/').some((part) => part === '.' || part === '..'), `${what} may not contain "." or ".." parts`);

export const homeSchema = systemPath('the home directory');
export const shellSchema = systemPath('the shell');

/** A numeric user or group id for new accounts; 0 is root's and 65534 nobody's, so neither is offered. */
export const accountIdSchema = z.number().int().min(1).max(60_000);

/**
 * A new password. It goes to chpasswd on standard input as `name:password`, one line, so line breaks and NUL
 * cannot be allowed; chpasswd splits at the first `:` only, so colons are fine.
 */
export const passwordSchema = z
  .string()
  .min(1, 'the password is empty')
  .max(512, 'the password has at most 512 characters')
  .regex(/^[^\r\n\0]*$/, 'the password is one line');

/** A calendar date, as chage -E takes it. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is written YYYY-MM-DD')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
  }, 'no such date');
