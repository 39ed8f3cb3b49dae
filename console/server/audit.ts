/**
 * The audit trail: every action a person takes lands here, hash-chained by the storage, and is published to
 * the live socket of those allowed to read it.
 */
import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import type { AuditEntry, AuditInput, Storage } from './storage/types.js';
import { canonicalJson } from '../../modules/kernel/canonical-json.js';
import { currentApiTokenId } from './tokens/current-token.js';

export type AuditRecord = Omit<AuditInput, 'at' | 'paramsDigest' | 'detail' | 'address' | 'hostId' | 'hostName'> &
  Partial<Pick<AuditInput, 'paramsDigest' | 'detail' | 'address' | 'hostId' | 'hostName'>>;

export class AuditTrail extends EventEmitter<{ appended: [AuditEntry] }> {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    super();
    this.#storage = storage;
  }

  async record(record: AuditRecord): Promise<AuditEntry> {
    // A person acting through an API token is named as themselves; the token's id says which script it was.
    const tokenId = currentApiTokenId();
    const via = tokenId === undefined ? {} : { detail: record.detail ? `${record.detail} (via API token ${tokenId})` : `via API token ${tokenId}` };
    const entry = await this.#storage.appendAudit({
      at: new Date().toISOString(),
      hostId: null,
      hostName: null,
      paramsDigest: null,
      detail: null,
      address: null,
      ...record,
      ...via,
    });
    this.emit('appended', entry);
    return entry;
  }
}

/** A digest of a call's params: enough to tell two calls apart, without storing file contents or secrets. */
export function paramsDigest(params: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(params ?? null)).digest('hex')}`;
}
