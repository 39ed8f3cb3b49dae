/**
 * Conditions the console notices that people must hear about, published for whoever raises alarms (the alarms
 * issue subscribes its rule sources here). Each is also in the audit log, where it is kept whether or not
 * anything listens.
 */
import { EventEmitter } from 'node:events';
import type { ApprovalView } from '../../modules/kernel/approvals.js';

export interface RecordingFailure {
  hostId: string;
  hostName: string;
  /** The console user whose terminal went unrecorded. */
  user: string;
  recordingId: string;
  terminalSessionId: string;
  /** `refused`: the session was closed (fail-closed); `continued`: it went on unrecorded. */
  outcome: 'refused' | 'continued';
  message: string;
  at: string;
}

/** A login attempt that did not get in: a wrong password, an unknown or disabled account, or one held back by the rate limit. */
export interface LoginFailure {
  username: string;
  address: string;
  reason: 'unauthorized' | 'rate-limited';
  at: string;
}

/** A login that got in outside the configured working hours (config `loginHours`). */
export interface OffHoursLogin {
  username: string;
  address: string;
  at: string;
}

export class ConsoleEvents extends EventEmitter<{
  'recording-failed': [RecordingFailure];
  'login-failed': [LoginFailure];
  'login-off-hours': [OffHoursLogin];
  /** Someone asked for a dangerous action to be approved (approvals/service.ts): approvers should hear of it. */
  'approval-requested': [ApprovalView];
}> {}
