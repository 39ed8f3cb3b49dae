/**
 * Which actions need a second person (config key `approvals`, docs/api.md "Approvals"). A rule names an action
 * (`module.method`, or a permission code standing for every method that needs it), optionally host tags (any of
 * them) and, for terminals, Unix users. Modbus tags whose write rule says `approval: true` need approval whatever
 * the rules say: that comes from the site's device profile, and the gateway checks it too.
 */
import { z } from 'zod';
import { hostTagSchema } from '../../../modules/kernel/console-api.js';
import { unixUserSchema } from '../../../modules/terminal/contract.js';

export const defaultTimeLimitMinutes = 30;

/** From five seconds (a drill, a test) to a week. */
const timeLimitSchema = z.number().min(5 / 60).max(7 * 24 * 60);

export const approvalRuleSchema = z
  .object({
    /** `package.remove`, `user.delete`, `power.reboot`, or a permission code such as `power.control`. */
    action: z.string().regex(/^[a-z][a-z0-9-]{0,31}\.[a-zA-Z][a-zA-Z0-9]{0,63}$/, 'must be module.method or a permission code'),
    /** Only hosts carrying one of these tags; absent: every host. */
    hostTags: z.array(hostTagSchema).min(1).max(50).optional(),
    /** terminal.session only: the Unix users a terminal needs approval for (e.g. root); absent: any. */
    unixUsers: z.array(unixUserSchema).min(1).max(50).optional(),
    /** How long a request waits for an approver; default the block's `timeLimitMinutes`. Fractions are fine (0.5: 30 s). */
    timeLimitMinutes: timeLimitSchema.optional(),
  })
  .strict();
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;

/** The examples: removing packages, deleting Unix users, rebooting or powering off a field gateway, root on one. */
export const defaultApprovalRules: readonly ApprovalRule[] = [
  { action: 'package.remove' },
  { action: 'user.delete' },
  { action: 'power.reboot', hostTags: ['field-gateway'] },
  { action: 'power.poweroff', hostTags: ['field-gateway'] },
  { action: 'terminal.session', hostTags: ['field-gateway'], unixUsers: ['root'] },
];

/**
 * Config `approvals`: `{ "timeLimitMinutes": 30, "rules": [...] }`. `rules` replaces the built-in list (write the
 * built-ins again to keep them); `[]` leaves only the Modbus tags that ask for approval in their write rule.
 */
export const approvalsConfigSchema = z
  .object({
    timeLimitMinutes: timeLimitSchema.default(defaultTimeLimitMinutes),
    rules: z.array(approvalRuleSchema).max(200).default([...defaultApprovalRules]),
  })
  .strict();
export type ApprovalsConfig = z.output<typeof approvalsConfigSchema>;

export const defaultApprovalsConfig: ApprovalsConfig = { timeLimitMinutes: defaultTimeLimitMinutes, rules: [...defaultApprovalRules] };

/** A call as the policy sees it. */
export interface PolicyCall {
  /** `module.method` */
  action: string;
  /** The method's permission code. */
  permission: string;
  hostTags: readonly string[];
  /** terminal.session: the Unix user the shell runs as. */
  unixUser?: string | undefined;
  /** modbus.write: whether the tag's write rule asks for approval (from the site's device profile). */
  tagNeedsApproval?: boolean | undefined;
}

/** Whether the call needs approval, and within how many minutes it must be given; undefined when it does not. */
export function approvalNeeded(config: ApprovalsConfig, call: PolicyCall): { timeLimitMinutes: number } | undefined {
  if (call.action === 'modbus.write' && call.tagNeedsApproval) return { timeLimitMinutes: config.timeLimitMinutes };
  const rule = config.rules.find((r) => ruleMatches(r, call));
  return rule ? { timeLimitMinutes: rule.timeLimitMinutes ?? config.timeLimitMinutes } : undefined;
}

export function ruleMatches(rule: ApprovalRule, call: PolicyCall): boolean {
  if (rule.action !== call.action && rule.action !== call.permission) return false;
  if (rule.hostTags && !rule.hostTags.some((tag) => call.hostTags.includes(tag))) return false;
  // A rule naming Unix users holds only for a terminal whose user is known and named.
  if (rule.unixUsers && (call.unixUser === undefined || !rule.unixUsers.includes(call.unixUser))) return false;
  return true;
}
