import { describe, expect, it } from 'vitest';
import { LoginTickets, TICKET_LIFETIME_MS, TICKET_MAX_FAILURES } from './tickets.js';

function tickets() {
  const clock = { now: Date.parse('2026-11-24T08:00:00Z') };
  return { clock, tickets: new LoginTickets({ now: () => clock.now }) };
}

describe('login tickets', () => {
  it('stand for their user, purpose and address until they expire', () => {
    const { clock, tickets: t } = tickets();
    const ticket = t.issue('ana', 'second-factor', '10.0.0.5');
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(t.find(ticket, 'second-factor', '10.0.0.5')).toMatchObject({ userId: 'ana' });
    expect(t.find(ticket, 'enrolment', '10.0.0.5')).toBeUndefined();
    expect(t.find(ticket, 'second-factor', '10.0.0.6')).toBeUndefined();
    clock.now += TICKET_LIFETIME_MS - 1;
    expect(t.find(ticket, 'second-factor', '10.0.0.5')).toBeDefined();
    clock.now += 1;
    expect(t.find(ticket, 'second-factor', '10.0.0.5')).toBeUndefined();
  });

  it('are spent once', () => {
    const { tickets: t } = tickets();
    const ticket = t.issue('ana', 'second-factor', '10.0.0.5');
    expect(t.spend(ticket)).toBe(true);
    expect(t.spend(ticket)).toBe(false);
    expect(t.find(ticket, 'second-factor', '10.0.0.5')).toBeUndefined();
  });

  it('survive a few wrong codes, not more', () => {
    const { tickets: t } = tickets();
    const ticket = t.issue('ana', 'second-factor', '10.0.0.5');
    for (let i = 1; i < TICKET_MAX_FAILURES; i++) {
      t.fail(ticket);
      expect(t.find(ticket, 'second-factor', '10.0.0.5')).toBeDefined();
    }
    t.fail(ticket);
    expect(t.find(ticket, 'second-factor', '10.0.0.5')).toBeUndefined();
  });

  it('one login in flight per user: a new ticket voids the older one', () => {
    const { tickets: t } = tickets();
    const first = t.issue('ana', 'second-factor', '10.0.0.5');
    const other = t.issue('bob', 'second-factor', '10.0.0.5');
    const second = t.issue('ana', 'second-factor', '10.0.0.5');
    expect(t.find(first, 'second-factor', '10.0.0.5')).toBeUndefined();
    expect(t.find(second, 'second-factor', '10.0.0.5')).toBeDefined();
    expect(t.find(other, 'second-factor', '10.0.0.5')).toBeDefined();
    t.revokeUser('bob');
    expect(t.find(other, 'second-factor', '10.0.0.5')).toBeUndefined();
  });

  it('refuse what they never issued', () => {
    const { tickets: t } = tickets();
    t.issue('ana', 'second-factor', '10.0.0.5');
    expect(t.find('A'.repeat(43), 'second-factor', '10.0.0.5')).toBeUndefined();
  });
});
