/**
 * Problem codes shared by the agent, the console and the web app.
 * Short words a program can switch on and a person can read (in the manner of Cockpit's problem codes).
 */
export const problemCodes = [
  'bad-request', // malformed JSON or a frame that is not one of ours
  'invalid-params', // params or a result failed the method's schema
  'unknown-module',
  'unknown-method',
  'unknown-channel',
  'unauthorized', // not logged in / no valid identity
  'forbidden', // logged in, but the role or the agent's policy does not allow it
  'policy-denied', // the agent's local policy refused it (module disabled, outside file roots, read-only)
  'approval-required', // a dangerous action that a second person must approve first (docs/api.md, Approvals)
  'not-found',
  'exists',
  'conflict', // a write named a version that is no longer current
  'too-large',
  'binary-file',
  'not-a-directory',
  'is-a-directory',
  'permission-denied', // the operating system said EACCES/EPERM
  'no-such-process',
  'host-offline',
  'host-pending', // enrolled, waiting for an administrator's approval
  'host-revoked',
  'timeout',
  'rate-limited',
  'cancelled',
  'not-supported',
  'unreachable', // an SSH host did not answer, or refused the connection
  'host-key-changed', // an SSH host presented a key other than the pinned one
  'ssh-auth-failed', // an SSH host refused the console's key or the password
  'internal-error',
] as const;

export type ProblemCode = (typeof problemCodes)[number];

/** An error that carries a problem code, a message for people, and where it happened. */
export class GatehouseError extends Error {
  readonly code: ProblemCode;
  readonly context: Record<string, string | number | undefined>;

  constructor(code: ProblemCode, message: string, context: Record<string, string | number | undefined> = {}) {
    super(message);
    this.name = 'GatehouseError';
    this.code = code;
    this.context = context;
  }

  toJSON(): { code: ProblemCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isProblemCode(value: unknown): value is ProblemCode {
  return typeof value === 'string' && (problemCodes as readonly string[]).includes(value);
}

/** Map an operating-system error (ENOENT, EACCES, …) to a problem; anything else is internal. */
export function problemFromSystemError(err: unknown, context: Record<string, string | number | undefined> = {}): GatehouseError {
  if (err instanceof GatehouseError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  switch (code) {
    case 'ENOENT':
      return new GatehouseError('not-found', 'No such file or directory', context);
    case 'EEXIST':
    case 'ENOTEMPTY':
      return new GatehouseError('exists', code === 'EEXIST' ? 'Already exists' : 'Directory is not empty', context);
    case 'ENOTDIR':
      return new GatehouseError('not-a-directory', 'Not a directory', context);
    case 'EISDIR':
      return new GatehouseError('is-a-directory', 'Is a directory', context);
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new GatehouseError('permission-denied', 'Permission denied by the operating system', context);
    case 'ESRCH':
      return new GatehouseError('no-such-process', 'No such process', context);
    case 'EFBIG':
      return new GatehouseError('too-large', 'File too large', context);
    default:
      return new GatehouseError('internal-error', message, context);
  }
}
