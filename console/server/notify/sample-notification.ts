import type { Alarm } from '../../../modules/kernel/alarm-model.js';
import type { NotificationInput } from './notification.js';

/** A realistic alarm message for the notify tests: a high-high tank level at 03:12 in Berlin. */
export function sampleNotification(overrides: Omit<Partial<NotificationInput>, 'alarm'> & { alarm?: Partial<Alarm> } = {}): NotificationInput {
  const { alarm, ...rest } = overrides;
  return {
    id: 'n-1',
    event: 'raised',
    recipient: { name: 'Ana (on call)', channel: 'email', address: 'ana@example.org' },
    site: { name: 'North water works', timeZone: 'Europe/Berlin' },
    hostName: 'plc-gateway-1',
    ack: { url: 'https://console.example:8443/ack/AAAAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBB', expiresAt: Date.parse('2026-11-24T06:12:00Z') },
    createdAt: Date.parse('2026-11-24T02:12:00Z'),
    alarm: {
      id: 'alarm-42',
      ruleId: 'rule-lt101-hh',
      state: 'unacknowledged',
      active: true,
      priority: 'critical',
      kind: 'HH',
      source: { hostId: 'h-1', siteId: 's-north', tag: 'LT-101' },
      message: 'Clear water tank level high high',
      value: 4.82,
      limit: 4.5,
      raisedAt: '2026-11-24T02:12:05.000Z',
      clearedAt: null,
      acknowledgedAt: null,
      acknowledgedBy: null,
      shelvedUntil: null,
      ...alarm,
    },
    ...rest,
  };
}
