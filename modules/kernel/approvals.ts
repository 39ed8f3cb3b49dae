/**
 * Approvals for dangerous actions ("four eyes", docs/api.md "Approvals"): what `POST /api/approvals` takes and what
 * the approvals list shows, declared once for the console and the web app.
 */
import { z } from 'zod';

/** `module.method` (or `module.stream`), as in audit entries: `package.remove`, `modbus.write`, `terminal.session`. */
export const approvalActionSchema = z.string().regex(/^[a-z][a-z0-9-]{0,31}\.[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'must be module.method, e.g. package.remove');

/** What a requester asks a second person to let happen: the call exactly as it will be made, and why. */
export const approvalRequestSchema = z
  .object({
    hostId: z.string().min(1).max(64),
    action: approvalActionSchema,
    /** The call's params, stored verbatim and performed exactly so. */
    params: z.record(z.string(), z.unknown()).default({}),
    reason: z.string().trim().min(10, 'say why, in at least 10 characters').max(500),
  })
  .strict();
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>;

export const approvalDecisionSchema = z.object({ comment: z.string().trim().max(500).optional() }).strict();
export const approvalRejectionSchema = z.object({ reason: z.string().trim().min(3, 'say why it is rejected').max(500) }).strict();

/**
 * pending → approved (being performed; for a terminal: one open allowed) → performed | failed;
 * pending → rejected | cancelled | expired; an approved terminal grant left unused also expires.
 */
export const approvalStates = ['pending', 'approved', 'performed', 'failed', 'rejected', 'cancelled', 'expired'] as const;
export type ApprovalState = (typeof approvalStates)[number];

/** What the approval carries to an agent that checks it itself (Modbus writes to `approval: true` tags). */
export const approvalStampSchema = z
  .object({
    id: z.number().int().positive(),
    requester: z.string().min(1).max(64),
    approver: z.string().min(1).max(64),
  })
  .strict();
export type ApprovalStamp = z.infer<typeof approvalStampSchema>;

/** One request as lists show it. `params` is what will be (or was) performed, verbatim. */
export interface ApprovalView {
  id: number;
  state: ApprovalState;
  hostId: string;
  hostName: string;
  action: string;
  params: Record<string, unknown>;
  paramsDigest: string;
  reason: string;
  requester: string;
  createdAt: string;
  /** After this, it can no longer be approved (a terminal grant: no longer used). */
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  /** The approver's comment, or the rejection's reason. */
  comment: string | null;
  /** How the performed call ended: its result (short) or its problem. */
  outcome: { result: unknown } | { error: { code: string; message: string } } | null;
}

/** The `approval-required` problem's extra fields: enough for a page to offer "Request approval". */
export interface ApprovalRequired {
  hostId: string;
  action: string;
  timeLimitMinutes: number;
}
