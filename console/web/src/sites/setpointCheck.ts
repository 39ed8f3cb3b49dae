/**
 * The check a setpoint dialog shows before sending: the step from the current value, and whether the new value
 * keeps within the tag's write rule. Only a preview — the gateway checks again against its own read-back and
 * refuses for real — but an engineer should see "+12 %, more than the 10 % allowed" before pressing Send.
 */
import type { SiteTag } from '../../../../modules/modbus/site-api.js';
import { formatNumber, formatUnit } from './tagState.js';

type WriteRule = NonNullable<SiteTag['write']>;

export interface SetpointCheck {
  /** "45.0 % → 50.0 % (+5.0 %)", or "off → on". */
  change: string;
  /** Reasons the gateway will refuse; Send stays disabled while there are any. */
  problems: string[];
  /** Worth saying but not a refusal: no change, an unknown current value. */
  notes: string[];
}

export function describeRule(rule: WriteRule, tag: Pick<SiteTag, 'type' | 'unit' | 'decimals'>): string[] {
  const unit = tag.unit ? ` ${formatUnit(tag.unit)}` : '';
  const lines: string[] = [];
  if (tag.type !== 'bool') {
    lines.push(`Limits ${formatNumber(rule.min, tag.decimals)} – ${formatNumber(rule.max, tag.decimals)}${unit}`);
    if (rule.maxStep !== undefined) lines.push(`At most ${formatNumber(rule.maxStep, tag.decimals)}${unit} per change`);
  }
  lines.push(`At most one change every ${rule.minIntervalSeconds} s`);
  if (rule.approval) lines.push('A second person must approve the change');
  return lines;
}

/** Check `requested` against `tag`'s rule and current value; `requested` undefined means nothing typed yet. */
export function checkSetpoint(
  tag: Pick<SiteTag, 'type' | 'unit' | 'decimals' | 'value' | 'quality' | 'write'>,
  requested: number | boolean | undefined,
): SetpointCheck {
  const rule = tag.write;
  const problems: string[] = [];
  const notes: string[] = [];
  const unit = tag.unit ? ` ${formatUnit(tag.unit)}` : '';
  const show = (v: number) => `${formatNumber(v, tag.decimals)}${unit}`;
  const current = tag.quality === 'comm-fault' ? null : tag.value;

  if (!rule) return { change: '', problems: ['This tag cannot be written'], notes };
  if (requested === undefined) return { change: '', problems: ['Enter the new value'], notes };

  if (typeof requested === 'boolean') {
    const from = typeof current === 'boolean' ? (current ? 'on' : 'off') : 'unknown';
    if (current === requested) notes.push('That is the value it has now.');
    if (current === null) notes.push('The current value is unknown: the device is not answering.');
    return { change: `${from} → ${requested ? 'on' : 'off'}`, problems, notes };
  }

  if (!Number.isFinite(requested)) return { change: '', problems: ['Enter a number'], notes };
  if (requested < rule.min || requested > rule.max) problems.push(`${show(requested)} is outside the limits ${show(rule.min)} – ${show(rule.max)}`);

  if (typeof current === 'number') {
    const step = requested - current;
    const sign = step > 0 ? '+' : step < 0 ? '−' : '±';
    const change = `${show(current)} → ${show(requested)} (${sign}${show(Math.abs(step))})`;
    // Tolerance for the decimal places shown: 10.0 → 20.0 with a 10.0 step is allowed, as the gateway rounds the same way.
    if (rule.maxStep !== undefined && Math.abs(step) > rule.maxStep + 1e-9) {
      problems.push(`A change of ${show(Math.abs(step))} is more than the ${show(rule.maxStep)} allowed in one step`);
    }
    if (step === 0) notes.push('That is the value it has now.');
    if (tag.quality === 'stale') notes.push('The current value is stale; the gateway checks the step against a fresh read-back.');
    return { change, problems, notes };
  }

  notes.push('The current value is unknown; the gateway checks the step against what the device reads back.');
  return { change: `unknown → ${show(requested)}`, problems, notes };
}
