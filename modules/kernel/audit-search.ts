/**
 * Searching the audit log: the filters the console's `GET /api/audit` and its exports take, and how an entry's
 * `result` (ok or a problem code) sorts into the three outcomes people filter by. Shared by the console (query
 * string, storage, syslog severity) and the web page, so the three classes mean the same everywhere.
 */
import { z } from 'zod';

/** `ok`; `denied`: refused for who asked (see auditDeniedResults); `error`: any other problem code. */
export const auditResultClasses = ['ok', 'denied', 'error'] as const;
export type AuditResultClass = (typeof auditResultClasses)[number];

/**
 * Problem codes that mean the caller was refused, not that the action failed: no identity, no right, the
 * agent's local policy, or too many attempts. `permission-denied` is the operating system's EACCES on an action
 * that was allowed to run, so it counts as an error.
 */
export const auditDeniedResults = ['unauthorized', 'forbidden', 'policy-denied', 'rate-limited', 'approval-required'] as const;

export function auditResultClass(result: string): AuditResultClass {
  if (result === 'ok') return 'ok';
  return (auditDeniedResults as readonly string[]).includes(result) ? 'denied' : 'error';
}

const instant = z.iso.datetime({ offset: true });

/** The filters, as query-string parameters (all optional; empty strings count as absent). */
export const auditFilterSchema = z
  .object({
    user: z.string().max(128).optional(),
    /** A host id. */
    host: z.string().max(64).optional(),
    /** The action's prefix before the first `.`: `file` matches `file.write`, `file.read`, … */
    module: z
      .string()
      .max(64)
      .regex(/^[A-Za-z0-9_-]*$/, 'a module name is letters, digits, _ and -')
      .optional(),
    /** One exact action, e.g. `process.signal`. */
    action: z.string().max(128).optional(),
    result: z.enum(auditResultClasses).optional(),
    /** Entries at or after this instant (ISO 8601 with an offset or Z). */
    from: instant.optional(),
    /** Entries before this instant. */
    to: instant.optional(),
  })
  .refine((f) => !f.from || !f.to || Date.parse(f.from) < Date.parse(f.to), { message: 'must be after from', path: ['to'] });
export type AuditFilter = z.infer<typeof auditFilterSchema>;
