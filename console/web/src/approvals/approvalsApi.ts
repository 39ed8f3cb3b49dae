/**
 * Approvals (docs/api.md "Approvals") as the pages use them. Shapes come from modules/kernel/approvals.ts; only
 * types cross over, so zod stays out of the bundle.
 */
import { api, isApiError } from '../api.js';
import type { ApprovalView } from '../../../../modules/kernel/approvals.js';

export type { ApprovalState, ApprovalView } from '../../../../modules/kernel/approvals.js';

export const approvalsQueryKey = ['approvals'] as const;

/** Whether a failed call was refused only because a second person must approve it first. */
export function isApprovalRequired(error: unknown): boolean {
  return isApiError(error, 'approval-required');
}

export async function listApprovals(): Promise<ApprovalView[]> {
  return (await api.get<{ requests: ApprovalView[] }>('/api/approvals')).requests;
}

export function requestApproval(body: { hostId: string; action: string; params: Record<string, unknown>; reason: string }): Promise<ApprovalView> {
  return api.post<ApprovalView>('/api/approvals', body);
}

export function approve(id: number, comment: string): Promise<ApprovalView> {
  return api.post<ApprovalView>(`/api/approvals/${id}/approve`, comment ? { comment } : {});
}

export function reject(id: number, reason: string): Promise<ApprovalView> {
  return api.post<ApprovalView>(`/api/approvals/${id}/reject`, { reason });
}

export function cancel(id: number): Promise<ApprovalView> {
  return api.post<ApprovalView>(`/api/approvals/${id}/cancel`, {});
}
