/**
 * How a site's tags read on screen: which equipment a tag belongs to, what kind of equipment that is, how its
 * value, quality and age are put in words. Pure functions, so the rules an operator relies on ("a value without
 * communication is never shown as a number") are tested without a browser.
 */
import { formatDuration } from '../format.js';
import type { SiteTag } from '../../../../modules/modbus/site-api.js';

export type TagQuality = SiteTag['quality'];
export type TagValue = SiteTag['value'];

/** Equipment kinds, from the ISA-style prefix of the equipment's name (P-101, LT-201, AIT-401 …). */
export type EquipmentKind = 'pump' | 'tank' | 'flow' | 'pressure' | 'analyser' | 'other';

/** P-101.running → P-101; a name without a dot is its own equipment. */
export function equipmentOf(tagName: string): string {
  const dot = tagName.indexOf('.');
  return dot === -1 ? tagName : tagName.slice(0, dot);
}

/** P-101.speed-setpoint → speed-setpoint: the signal within the equipment. */
export function signalOf(tagName: string): string {
  const dot = tagName.indexOf('.');
  return dot === -1 ? tagName : tagName.slice(dot + 1);
}

const kindPrefixes: [RegExp, EquipmentKind][] = [
  [/^(P|DP)-/i, 'pump'],
  [/^LT-/i, 'tank'],
  [/^FT-/i, 'flow'],
  [/^PT-/i, 'pressure'],
  [/^AIT-/i, 'analyser'],
];

export function kindOf(equipment: string): EquipmentKind {
  for (const [prefix, kind] of kindPrefixes) if (prefix.test(equipment)) return kind;
  return 'other';
}

export const kindLabel: Record<EquipmentKind, string> = {
  pump: 'Pump',
  tank: 'Tank',
  flow: 'Flow',
  pressure: 'Pressure',
  analyser: 'Analyser',
  other: 'Measurement',
};

/** The order of sections on the site page: the way water moves through a works, then everything else. */
export const kindOrder: EquipmentKind[] = ['pump', 'flow', 'tank', 'pressure', 'analyser', 'other'];

export const kindSectionTitle: Record<EquipmentKind, string> = {
  pump: 'Pumps',
  flow: 'Flows',
  tank: 'Tanks',
  pressure: 'Pressures',
  analyser: 'Water quality',
  other: 'Other measurements',
};

export interface Equipment<T extends Pick<SiteTag, 'name'> = SiteTag> {
  id: string;
  kind: EquipmentKind;
  /** In the order the site lists them. */
  tags: T[];
}

/** A device's communication tag (`<device>.comm`), shown in the header strip rather than as equipment. */
export function isCommTag(tag: Pick<SiteTag, 'name' | 'device'>): boolean {
  return tag.name === `${tag.device}.comm`;
}

export interface SiteLayout<T extends Pick<SiteTag, 'name' | 'device'> = SiteTag> {
  /** One comm tag per device, in the order the site lists them. */
  devices: T[];
  /** Equipment sorted by section, then by name (P-101 before P-102). */
  equipment: Equipment<T>[];
}

/** Group a site's tags into equipment by the part of the name before the first '.', and pick out comm tags. */
export function groupEquipment<T extends Pick<SiteTag, 'name' | 'device'>>(tags: readonly T[]): SiteLayout<T> {
  const devices: T[] = [];
  const byId = new Map<string, Equipment<T>>();
  for (const tag of tags) {
    if (isCommTag(tag)) {
      devices.push(tag);
      continue;
    }
    const id = equipmentOf(tag.name);
    let entry = byId.get(id);
    if (!entry) {
      entry = { id, kind: kindOf(id), tags: [] };
      byId.set(id, entry);
    }
    entry.tags.push(tag);
  }
  const equipment = [...byId.values()].sort(
    (a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind) || loopNumber(a.id) - loopNumber(b.id) || a.id.localeCompare(b.id, undefined, { numeric: true }),
  );
  return { devices, equipment };
}

/** The loop number of an ISA tag (P-101 → 101, DP-401 → 401), so equipment sorts along the process, not by letter. */
function loopNumber(id: string): number {
  const digits = /\d+/.exec(id);
  return digits ? Number(digits[0]) : Number.MAX_SAFE_INTEGER;
}

/** The tag of `equipment` whose signal is one of `signals` (first match in that order). */
export function findSignal<T extends Pick<SiteTag, 'name'>>(equipment: Equipment<T>, ...signals: string[]): T | undefined {
  for (const signal of signals) {
    const tag = equipment.tags.find((t) => signalOf(t.name) === signal);
    if (tag) return tag;
  }
  return undefined;
}

/** Words for a bool by what the signal means: a pump runs or stands, an alarm is active or not. */
export function boolWords(signal: string): [whenTrue: string, whenFalse: string] {
  if (signal === 'running') return ['running', 'stopped'];
  if (signal === 'fault' || signal === 'trip') return ['tripped', 'no fault'];
  if (/alarm$/.test(signal)) return ['alarm', 'normal'];
  if (signal === 'comm') return ['answering', 'not answering'];
  if (/call$/.test(signal)) return ['calling', 'idle'];
  return ['on', 'off'];
}

/** A number with the tag's decimal places (or a sensible default), never "-0". */
export function formatNumber(value: number, decimals?: number): string {
  const places = decimals ?? (Number.isInteger(value) ? 0 : Math.abs(value) >= 100 ? 1 : 2);
  const text = value.toFixed(places);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/**
 * The value as text, without its unit. A tag without communication has no number to show: an em dash, so a
 * frozen figure can never pass for a current one.
 */
export function formatTagValue(tag: Pick<SiteTag, 'name' | 'value' | 'quality' | 'decimals'>): string {
  if (tag.quality === 'comm-fault' || tag.value === null) return '—';
  if (typeof tag.value === 'boolean') {
    const [yes, no] = boolWords(signalOf(tag.name));
    return tag.value ? yes : no;
  }
  return formatNumber(tag.value, tag.decimals);
}

/** Units as people write them: m3/h → m³/h. */
export function formatUnit(unit: string): string {
  return unit.replace(/m3/g, 'm³').replace(/m2/g, 'm²').replace(/deg ?C/gi, '°C');
}

/** The value with its unit, for dialogs and tooltips: "45.2 %", "running", "—". */
export function formatWithUnit(tag: Pick<SiteTag, 'name' | 'value' | 'quality' | 'decimals' | 'unit'>): string {
  const text = formatTagValue(tag);
  return typeof tag.value === 'number' && text !== '—' && tag.unit ? `${text} ${formatUnit(tag.unit)}` : text;
}

/** "4 s", "2 min", "3 h": how old a reading is, in its largest unit. */
export function formatAge(ageMs: number): string {
  return formatDuration(Math.max(0, ageMs) / 1000).split(' ').slice(0, 2).join(' ');
}

/** Milliseconds since the reading, or undefined when there has been none. */
export function readingAge(ts: string, now: number): number | undefined {
  if (!ts) return undefined;
  const at = Date.parse(ts);
  return Number.isNaN(at) ? undefined : Math.max(0, now - at);
}

/**
 * What the page should make of a tag: its quality, made worse where the page knows better than the last reading
 * — the gateway that reports it is offline, or the browser has lost the live connection for a while.
 */
export interface ShownQuality {
  quality: TagQuality;
  /** Short words under the value: "4 s ago", "stale · 2 min old", "no communication". */
  text: string;
}

export function shownQuality(
  tag: Pick<SiteTag, 'quality' | 'ts'>,
  now: number,
  options: { gatewayOnline?: boolean } = {},
): ShownQuality {
  const age = readingAge(tag.ts, now);
  if (tag.quality === 'comm-fault') return { quality: 'comm-fault', text: 'no communication' };
  if (age === undefined) return { quality: 'comm-fault', text: 'no reading yet' };
  if (options.gatewayOnline === false) return { quality: 'stale', text: `gateway offline · ${formatAge(age)} old` };
  if (tag.quality === 'stale') return { quality: 'stale', text: `stale · ${formatAge(age)} old` };
  return { quality: 'good', text: age < 10_000 ? 'just now' : `${formatAge(age)} ago` };
}

/** True when a numeric reading lies outside the tag's expected range (a sensor fault or a real excursion). */
export function outOfRange(tag: Pick<SiteTag, 'value' | 'range' | 'quality'>): boolean {
  if (!tag.range || typeof tag.value !== 'number' || tag.quality === 'comm-fault') return false;
  return tag.value < tag.range.min || tag.value > tag.range.max;
}

/** Where a value lies in its range, 0–100, clamped (for bars); undefined without a range or a number. */
export function percentOfRange(tag: Pick<SiteTag, 'value' | 'range'>): number | undefined {
  if (!tag.range || typeof tag.value !== 'number' || tag.range.max === tag.range.min) return undefined;
  const share = ((tag.value - tag.range.min) / (tag.range.max - tag.range.min)) * 100;
  return Math.min(100, Math.max(0, share));
}

/**
 * Tags merged with other readings of them (live pushes, or what was shown before a refetch): the newest reading
 * wins. On a tie `readings` win unless `ties` is 'keep' — a live push at the same time changes a quality in place,
 * while a refetch's own judgement (the console marking an old reading stale) must not be undone by the cache.
 */
export function mergeReadings<T extends Pick<SiteTag, 'name' | 'value' | 'quality' | 'ts'>>(
  tags: readonly T[],
  readings: readonly Pick<SiteTag, 'name' | 'value' | 'quality' | 'ts'>[],
  ties: 'take' | 'keep' = 'take',
): T[] {
  if (readings.length === 0) return tags as T[];
  const byName = new Map(readings.map((r) => [r.name, r]));
  let changed = false;
  const merged = tags.map((tag) => {
    const reading = byName.get(tag.name);
    if (!reading || isOlder(reading.ts, tag.ts) || (ties === 'keep' && reading.ts === tag.ts)) return tag;
    if (reading.value === tag.value && reading.quality === tag.quality && reading.ts === tag.ts) return tag;
    changed = true;
    return { ...tag, value: reading.value, quality: reading.quality, ts: reading.ts };
  });
  return changed ? merged : (tags as T[]);
}

/** A reading time strictly before another; equal times count as newer, since a quality can change in place. */
function isOlder(ts: string, than: string): boolean {
  if (!than) return false;
  if (!ts) return true;
  return Date.parse(ts) < Date.parse(than);
}
