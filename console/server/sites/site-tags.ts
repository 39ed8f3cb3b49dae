/**
 * A site's tags as operators see them: each tag of its gateways' profiles with the latest reading, and quality
 * judged again by the console — a gateway that went quiet cannot say its own readings are old. Pure functions,
 * so the rules are tested without a database.
 */
import type { AgentPolicy } from '../../../modules/kernel/policy.js';
import type { Quality } from '../../../modules/kernel/telemetry.js';
import { policyAllowsTagWrite } from '../../../modules/kernel/writable-tags.js';
import { commTagName, type Profile } from '../../../modules/modbus/profile.js';
import type { SiteState, SiteTag } from '../../../modules/modbus/site-api.js';

export interface Reading {
  tag: string;
  value: number | boolean | null;
  quality: Quality;
  ts: number;
}

export interface GatewayView {
  hostId: string;
  online: boolean;
  profile: Profile;
  readings: ReadonlyMap<string, Reading>;
  /** The gateway's local policy as last reported; undefined or null when unknown (the gateway enforces it anyway). */
  policy?: AgentPolicy | null;
}

/** Why the gateway's local policy refuses writes to a tag, for the page; undefined when it does not (or is unknown). */
export function writeBlockedBy(policy: AgentPolicy | null | undefined, tag: string): string | undefined {
  if (!policy) return undefined;
  if (policy.modules && !policy.modules.includes('modbus')) return "the gateway's local policy does not serve Modbus";
  if (policy.readOnly) return "the gateway is read-only by its local policy";
  if (!policyAllowsTagWrite(policy.modbusWritableTags, tag)) return "not among the gateway's locally writable tags (modbusWritableTags)";
  return undefined;
}

/**
 * How old a good reading may be before the console calls it stale: a quiet tag is resent every refresh
 * interval (report by exception), so only a reading older than one and a half refreshes (and three polls)
 * means the gateway stopped telling us.
 */
export function staleAfterMs(profile: Profile, pollClass: string): number {
  const pollMs = (profile.pollClasses[pollClass] ?? 5) * 1000;
  return Math.max(pollMs * 3, profile.refreshSeconds * 1500) + 5000;
}

/** The quality to show: the gateway's own, made stale when the reading is old or the gateway is offline. */
export function judgedQuality(reading: Reading | undefined, online: boolean, staleMs: number, now: number): Quality {
  if (!reading || reading.ts === 0) return 'comm-fault';
  if (reading.quality !== 'good') return reading.quality;
  if (!online || now - reading.ts > staleMs) return 'stale';
  return 'good';
}

function row(
  gateway: GatewayView,
  now: number,
  fields: Omit<SiteTag, 'value' | 'quality' | 'ts' | 'hostId'>,
  pollClass: string,
): SiteTag {
  const reading = gateway.readings.get(fields.name);
  const quality = judgedQuality(reading, gateway.online, staleAfterMs(gateway.profile, pollClass), now);
  return {
    ...fields,
    hostId: gateway.hostId,
    // A tag without communication shows no number: a frozen value must never pass for a live one.
    value: quality === 'comm-fault' ? null : (reading?.value ?? null),
    quality,
    ts: reading && reading.ts > 0 ? new Date(reading.ts).toISOString() : '',
  };
}

/** Every tag of the site's gateways, in profile order: device comm status first, then the device's tags. */
export function siteTags(gateways: readonly GatewayView[], now: number): SiteTag[] {
  const tags: SiteTag[] = [];
  for (const gateway of gateways) {
    for (const device of gateway.profile.devices) {
      const base = { device: device.id, deviceName: device.name };
      const fastest = device.tags.reduce((best, t) => ((gateway.profile.pollClasses[t.pollClass] ?? 5) < (gateway.profile.pollClasses[best] ?? 5) ? t.pollClass : best), device.tags[0]?.pollClass ?? 'normal');
      tags.push(row(gateway, now, { ...base, name: commTagName(device.id), description: `${device.name} answering`, unit: '', type: 'bool', derived: true }, fastest));
      for (const tag of device.tags) {
        const blocked = tag.write ? writeBlockedBy(gateway.policy, tag.name) : undefined;
        tags.push(
          row(
            gateway,
            now,
            {
              ...base,
              name: tag.name,
              description: tag.description,
              unit: tag.unit,
              type: tag.type,
              ...(tag.decimals !== undefined ? { decimals: tag.decimals } : {}),
              ...(tag.range ? { range: tag.range } : {}),
              ...(tag.write ? { write: tag.write } : {}),
              ...(blocked ? { writeBlocked: blocked } : {}),
              derived: false,
            },
            tag.pollClass,
          ),
        );
        if (tag.track?.runHours) {
          tags.push(row(gateway, now, { ...base, name: tag.track.runHours, description: `${tag.description || tag.name}: run hours (counted by the gateway)`, unit: 'h', decimals: 1, type: 'float64', derived: true }, tag.pollClass));
        }
        if (tag.track?.starts) {
          tags.push(row(gateway, now, { ...base, name: tag.track.starts, description: `${tag.description || tag.name}: starts (counted by the gateway)`, unit: '', decimals: 0, type: 'uint32', derived: true }, tag.pollClass));
        }
      }
    }
  }
  return tags;
}

/** The site's state at a glance: the worst of its gateways and tags. */
export function siteState(gateways: readonly GatewayView[], tags: readonly SiteTag[]): SiteState {
  if (gateways.length === 0 || tags.length === 0) return 'no-data';
  if (gateways.every((g) => !g.online)) return 'offline';
  if (tags.every((t) => t.ts === '')) return 'no-data';
  if (tags.some((t) => t.quality === 'comm-fault') || gateways.some((g) => !g.online)) return 'comm-fault';
  if (tags.some((t) => t.quality === 'stale')) return 'degraded';
  return 'ok';
}
