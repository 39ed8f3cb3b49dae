/**
 * Problems as HTTP answers: a status a client can branch on and `{ error: { code, message } }` a person can read.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { GatehouseError, type ProblemCode } from '../../../modules/kernel/errors.js';

const statusOf: Record<ProblemCode, ContentfulStatusCode> = {
  'bad-request': 400,
  'invalid-params': 400,
  'unknown-module': 404,
  'unknown-method': 404,
  'unknown-channel': 400,
  unauthorized: 401,
  forbidden: 403,
  'policy-denied': 403,
  // 428 Precondition Required: the request is well-formed and allowed, but needs an approval first.
  'approval-required': 428,
  'not-found': 404,
  exists: 409,
  conflict: 409,
  'too-large': 413,
  'binary-file': 422,
  'not-a-directory': 422,
  'is-a-directory': 422,
  'permission-denied': 422,
  'no-such-process': 422,
  'host-offline': 503,
  'host-pending': 409,
  'host-revoked': 409,
  timeout: 504,
  'rate-limited': 429,
  cancelled: 409,
  'not-supported': 422,
  unreachable: 502,
  'host-key-changed': 409,
  'ssh-auth-failed': 422,
  'internal-error': 500,
};

export function httpStatusOf(code: ProblemCode): ContentfulStatusCode {
  return statusOf[code];
}

export function problemResponse(c: Context, code: ProblemCode, message: string, headers?: Record<string, string>): Response {
  return c.json({ error: { code, message } }, httpStatusOf(code), headers);
}

export function errorResponse(c: Context, err: GatehouseError): Response {
  return problemResponse(c, err.code, err.message);
}
