/**
 * Alarm rules for the demo plant, so a new user sees alarms work without writing a rule: comm loss for each PLC
 * (a device that stops answering raises at once, from the gateway's `<device>.comm` tag), the clear-water tank's
 * low-low and high-high levels, and the intake pumps' trips. Added once: rules an engineer has edited or deleted
 * since are left as they are.
 */
import type { AlarmRuleInput } from '../modules/kernel/alarm-rules.js';
import { parseProfile } from '../modules/modbus/profile-text.js';
import { commTagName } from '../modules/modbus/profile.js';
import type { Services } from '../console/server/services.js';

const system = { username: 'system', address: null };

export function demoAlarmRules(siteId: string, profileText: string): AlarmRuleInput[] {
  const profile = parseProfile(profileText, 'yaml');
  const target = { siteId };
  const commLoss: AlarmRuleInput[] = profile.devices.map((device) => ({
    id: `${siteId}-${device.id}-comm`,
    type: 'comm-loss',
    message: `${device.name} not answering`,
    priority: 'high',
    target,
    commTag: commTagName(device.id),
    tags: device.tags.map((t) => t.name),
    // Report by exception refreshes every tag at least each refreshSeconds: silence longer than two of those
    // means the gateway itself stopped reporting.
    periodS: profile.refreshSeconds,
    periods: 2,
  }));
  return [
    ...commLoss,
    { id: `${siteId}-tank-low-low`, type: 'limit', tag: 'LT-201.level', limit: 'LL', setpoint: 0.8, deadband: 0.1, onDelayS: 5, priority: 'critical', message: 'Clear-water tank low low: supply to town at risk', target },
    { id: `${siteId}-tank-high-high`, type: 'limit', tag: 'LT-201.level', limit: 'HH', setpoint: 4.6, deadband: 0.1, onDelayS: 5, priority: 'high', message: 'Clear-water tank high high: overflow risk', target },
    { id: `${siteId}-p101-trip`, type: 'digital', tag: 'P-101.fault', alarmWhen: true, priority: 'high', message: 'Intake pump P-101 tripped', target },
    { id: `${siteId}-p102-trip`, type: 'digital', tag: 'P-102.fault', alarmWhen: true, priority: 'high', message: 'Intake pump P-102 tripped', target },
  ];
}

export async function ensureDemoAlarmRules(services: Services, siteId: string, profileText: string): Promise<void> {
  const existing = new Set(services.alarms.ruleViews().map((v) => v.rule.id));
  for (const rule of demoAlarmRules(siteId, profileText)) {
    if (!existing.has(rule.id)) await services.alarms.saveRule(system, rule.id, rule);
  }
}
