/**
 * Drift for one host: gather its facts now through its own modules (with the asking user's rights, so a role
 * that may not read users does not see them here either), compare them with the approved baseline, and approve
 * the facts an administrator has looked at.
 */
import { createHash } from 'node:crypto';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import type { AuditTrail } from '../audit.js';
import type { Caller, Relay } from '../relay.js';
import { canonicalJson } from '../../../modules/kernel/canonical-json.js';
import type { Storage } from '../storage/types.js';
import { compareFacts, driftCount, factCategories, factReaders, hostFactsSchema, type Drift, type FactCategory, type HostFacts } from './facts.js';

export interface DriftReport {
  hostId: string;
  current: HostFacts;
  /** Digest of `current.facts`: what an approval of this report must name. */
  digest: string;
  baseline: { facts: HostFacts; approvedBy: string; approvedAt: string } | null;
  /** Empty when there is no baseline yet. */
  drift: Drift;
  changes: number;
  /** Categories that could not be read now, and why (a module the host does not serve, a refusal, an error). */
  unavailable: Array<{ category: FactCategory; code: string; message: string }>;
}

export class Baselines {
  readonly #storage: Storage;
  readonly #relay: Relay;
  readonly #audit: AuditTrail;

  constructor(options: { storage: Storage; relay: Relay; audit: AuditTrail }) {
    this.#storage = options.storage;
    this.#relay = options.relay;
    this.#audit = options.audit;
  }

  async report(caller: Caller, hostId: string): Promise<DriftReport> {
    const { facts, unavailable } = await this.#collect(caller, hostId);
    const stored = await this.#storage.findBaseline(hostId);
    const baselineFacts = stored ? hostFactsSchema.parse(JSON.parse(stored.facts)) : null;
    const drift = baselineFacts ? compareFacts(baselineFacts.facts, facts.facts) : {};
    return {
      hostId,
      current: facts,
      digest: digestOf(facts),
      baseline: stored && baselineFacts ? { facts: baselineFacts, approvedBy: stored.approvedBy, approvedAt: stored.approvedAt } : null,
      drift,
      changes: driftCount(drift),
      unavailable,
    };
  }

  /**
   * Approve the host's facts as they are now, provided they are the ones the approver saw (`digest` from their
   * report): a port opened in between is not approved unseen.
   */
  async approve(caller: Caller, hostId: string, digest: string): Promise<DriftReport> {
    const before = await this.report(caller, hostId);
    // A category the host's policy withholds for good is left out of the baseline; one that failed just now
    // (a timeout) would silently drop out of the comparison, so that waits for a read that works.
    const transient = before.unavailable.filter((u) => !['policy-denied', 'unknown-module', 'unknown-method'].includes(u.code));
    if (transient.length > 0) {
      throw new GatehouseError('conflict', `cannot approve while ${transient.map((u) => `${u.category} (${u.code})`).join(', ')} cannot be read; try again`);
    }
    if (before.digest !== digest) {
      throw new GatehouseError('conflict', 'the host changed since you looked; review the new state and approve again');
    }
    const approvedAt = new Date().toISOString();
    await this.#storage.saveBaseline({ hostId, facts: JSON.stringify(before.current), digest, approvedBy: caller.user.username, approvedAt });
    await this.#audit.record({
      user: caller.user.username,
      address: caller.address,
      hostId,
      action: 'drift.approve',
      phase: 'event',
      result: 'ok',
      detail: before.baseline ? `approved ${before.changes} change(s) since ${before.baseline.approvedAt}` : 'first baseline approved',
    });
    return this.report(caller, hostId);
  }

  async #collect(caller: Caller, hostId: string): Promise<{ facts: HostFacts; unavailable: DriftReport['unavailable'] }> {
    const facts: HostFacts['facts'] = {};
    const unavailable: DriftReport['unavailable'] = [];
    await Promise.all(
      factCategories.map(async (category) => {
        const reader = factReaders[category];
        try {
          facts[category] = reader.read(await this.#relay.call(caller, hostId, reader.module, reader.method, {}));
        } catch (err) {
          const problem = err instanceof GatehouseError ? err : new GatehouseError('internal-error', (err as Error).message);
          // Host-wide problems (offline, unknown host) are the whole answer, not a missing category.
          if (['not-found', 'host-offline', 'host-pending', 'host-revoked'].includes(problem.code)) throw problem;
          unavailable.push({ category, code: problem.code, message: problem.message });
        }
      }),
    );
    unavailable.sort((a, b) => a.category.localeCompare(b.category));
    return { facts: { collectedAt: new Date().toISOString(), facts }, unavailable };
  }
}

function digestOf(facts: HostFacts): string {
  return `sha256:${createHash('sha256').update(canonicalJson(facts.facts)).digest('hex')}`;
}
