/**
 * What the audit log's hash chain covers: each entry's hash is sha256 of its predecessor's hash and the entry's
 * own fields in canonical JSON, so an edited, deleted, inserted or reordered entry breaks the chain at that point.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../modules/kernel/canonical-json.js';
import type { AuditInput } from './types.js';

/** The prevHash of the first audit entry. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The hash that links an audit entry to its predecessor: sha256(prevHash + '\n' + canonicalJSON(entry)). */
export function auditEntryHash(prevHash: string, entry: AuditInput): string {
  const content = canonicalJson(pickAuditInput(entry));
  return createHash('sha256').update(`${prevHash}\n${content}`).digest('hex');
}

/**
 * Exactly the fields the hash covers, with absent ones as null: extra properties a caller passes along must not
 * change the hash, and undefined must hash the same as the null the database will give back.
 */
export function pickAuditInput(entry: AuditInput): AuditInput {
  return {
    at: entry.at,
    user: entry.user,
    hostId: entry.hostId ?? null,
    hostName: entry.hostName ?? null,
    action: entry.action,
    paramsDigest: entry.paramsDigest ?? null,
    phase: entry.phase,
    result: entry.result,
    detail: entry.detail ?? null,
    address: entry.address ?? null,
  };
}
