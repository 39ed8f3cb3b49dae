/**
 * The local policy's `modbusWritableTags`: which Modbus tags the gateway owner lets anybody write, whatever the
 * console's device profile says. A pattern is a tag name whose dotted segments may each be `*` (any one segment):
 * `pump1.speed.setpoint`, `pump*` is refused, `*.speed.setpoint` matches every pump's. Patterns are compared
 * segment by segment as plain text — never compiled into a regular expression, never evaluated.
 */
import { z } from 'zod';

/** As long as a tag name may be (modules/modbus/profile.ts `profileName`). */
export const maxTagPatternLength = 64;
/** Enough for any gateway's setpoints; a longer list is a mistake, not a policy. */
export const maxTagPatterns = 1000;

/** The characters of one segment of a tag name (profileName without the dot that separates segments). */
const segmentCharacters = /^[A-Za-z0-9_-]+$/;

/** Why a pattern is not one, in words for the gateway owner; undefined when it is fine. */
export function tagPatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'is empty (write a tag name such as pump1.speed.setpoint)';
  if (pattern.length > maxTagPatternLength) return `is longer than ${maxTagPatternLength} characters (no tag name is)`;
  const segments = pattern.split('.');
  for (const [i, segment] of segments.entries()) {
    if (segment === '') return `"${pattern}" has an empty segment ${i + 1} (a leading, trailing or doubled dot)`;
    if (segment === '*') continue;
    if (segment.includes('*')) return `"${pattern}": * stands for one whole segment between dots (write pump1.*, not pump*)`;
    if (!segmentCharacters.test(segment)) return `"${pattern}": tag names are letters, digits, _ - and dots (${JSON.stringify(segment)} is not)`;
  }
  return undefined;
}

export const tagPatternSchema = z.string().superRefine((pattern, ctx) => {
  const problem = tagPatternProblem(pattern);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/** Whether one pattern names the tag: same number of segments, each equal or `*`. */
export function tagMatches(pattern: string, tag: string): boolean {
  // A pattern the schema would refuse matches nothing, so a list that skipped the schema still fails closed.
  if (tagPatternProblem(pattern) !== undefined) return false;
  const want = pattern.split('.');
  const have = tag.split('.');
  if (want.length !== have.length) return false;
  return want.every((segment, i) => segment === '*' ? have[i] !== '' : segment === have[i]);
}

/**
 * Whether the local policy lets the tag be written: absent means the device profile's write rules decide alone;
 * a list (even empty) means only the tags it names, and then still only within the profile's write rule.
 */
export function policyAllowsTagWrite(writableTags: readonly string[] | undefined, tag: string): boolean {
  if (writableTags === undefined) return true;
  return writableTags.some((pattern) => tagMatches(pattern, tag));
}

/** The refusal the gateway answers and the console shows, one wording for both. */
export function tagNotWritableMessage(tag: string): string {
  return `tag ${tag} is not writable under this gateway's local policy (modbusWritableTags)`;
}
