/**
 * Approval requests in the console's database (migration 013-approvals). Every change of state is one
 * conditional UPDATE (`WHERE state = <expected>`), so two approvers clicking at once cannot both win: the
 * second finds nothing to update and is told so.
 */
import type { Kysely } from 'kysely';
import type { ApprovalState, ApprovalView } from '../../../modules/kernel/approvals.js';

interface ApprovalTables {
  approval_requests: {
    id: number;
    state: string;
    host_id: string;
    host_name: string;
    action: string;
    params: string;
    params_digest: string;
    reason: string;
    requester: string;
    created_at: string;
    expires_at: string;
    decided_by: string | null;
    decided_at: string | null;
    comment: string | null;
    outcome: string | null;
  };
}

type Row = ApprovalTables['approval_requests'];

/** What a new request stores: the view's fields that exist before anyone decides. */
export type NewApproval = Pick<ApprovalView, 'hostId' | 'hostName' | 'action' | 'params' | 'paramsDigest' | 'reason' | 'requester' | 'createdAt' | 'expiresAt'>;

export interface ApprovalFilter {
  states?: readonly ApprovalState[];
  requester?: string;
  hostId?: string;
  limit?: number;
}

export class ApprovalStore {
  readonly #db: Kysely<ApprovalTables>;

  constructor(db: Kysely<any>) {
    this.#db = db as Kysely<ApprovalTables>;
  }

  async create(request: NewApproval): Promise<ApprovalView> {
    const row = await this.#db
      .insertInto('approval_requests')
      .values({
        state: 'pending',
        host_id: request.hostId,
        host_name: request.hostName,
        action: request.action,
        params: JSON.stringify(request.params),
        params_digest: request.paramsDigest,
        reason: request.reason,
        requester: request.requester,
        created_at: request.createdAt,
        expires_at: request.expiresAt,
        decided_by: null,
        decided_at: null,
        comment: null,
        outcome: null,
      } as Omit<Row, 'id'> as Row)
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(row);
  }

  async find(id: number): Promise<ApprovalView | undefined> {
    const row = await this.#db.selectFrom('approval_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toView(row) : undefined;
  }

  async list(filter: ApprovalFilter = {}): Promise<ApprovalView[]> {
    let query = this.#db.selectFrom('approval_requests').selectAll();
    if (filter.states?.length) query = query.where('state', 'in', [...filter.states]);
    if (filter.requester !== undefined) query = query.where('requester', '=', filter.requester);
    if (filter.hostId !== undefined) query = query.where('host_id', '=', filter.hostId);
    const rows = await query.orderBy('id', 'desc').limit(filter.limit ?? 200).execute();
    return rows.map(toView);
  }

  /** Move one request from `from` to `to`; false when it was not in `from` any more (someone else got there first). */
  async transition(id: number, from: ApprovalState, to: ApprovalState, fields: { decidedBy?: string; decidedAt?: string; comment?: string | null; expiresAt?: string } = {}): Promise<boolean> {
    const result = await this.#db
      .updateTable('approval_requests')
      .set({
        state: to,
        ...(fields.decidedBy !== undefined ? { decided_by: fields.decidedBy } : {}),
        ...(fields.decidedAt !== undefined ? { decided_at: fields.decidedAt } : {}),
        ...(fields.comment !== undefined ? { comment: fields.comment } : {}),
        ...(fields.expiresAt !== undefined ? { expires_at: fields.expiresAt } : {}),
      })
      .where('id', '=', id)
      .where('state', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Record how the performed call ended; `performed` or `failed`. */
  async finish(id: number, state: 'performed' | 'failed', outcome: ApprovalView['outcome']): Promise<void> {
    await this.#db
      .updateTable('approval_requests')
      .set({ state, outcome: JSON.stringify(outcome) })
      .where('id', '=', id)
      .where('state', '=', 'approved')
      .execute();
  }

  async setOutcome(id: number, outcome: ApprovalView['outcome']): Promise<void> {
    await this.#db.updateTable('approval_requests').set({ outcome: JSON.stringify(outcome) }).where('id', '=', id).execute();
  }

  /** Requests still waiting (or approved terminal grants still unused) whose time is up. */
  async due(nowIso: string): Promise<ApprovalView[]> {
    const rows = await this.#db
      .selectFrom('approval_requests')
      .selectAll()
      .where('expires_at', '<=', nowIso)
      .where((eb) => eb.or([eb('state', '=', 'pending'), eb.and([eb('state', '=', 'approved'), eb('action', '=', 'terminal.session')])]))
      .execute();
    return rows.map(toView);
  }

  /** Approved, unused terminal grants for this person, host and Unix user, still within their time. */
  async terminalGrants(requester: string, hostId: string, nowIso: string): Promise<ApprovalView[]> {
    const rows = await this.#db
      .selectFrom('approval_requests')
      .selectAll()
      .where('state', '=', 'approved')
      .where('action', '=', 'terminal.session')
      .where('requester', '=', requester)
      .where('host_id', '=', hostId)
      .where('expires_at', '>', nowIso)
      .orderBy('id')
      .execute();
    return rows.map(toView);
  }
}

function toView(row: Row): ApprovalView {
  return {
    id: row.id,
    state: row.state as ApprovalState,
    hostId: row.host_id,
    hostName: row.host_name,
    action: row.action,
    params: JSON.parse(row.params) as Record<string, unknown>,
    paramsDigest: row.params_digest,
    reason: row.reason,
    requester: row.requester,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    comment: row.comment,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as ApprovalView['outcome']),
  };
}
