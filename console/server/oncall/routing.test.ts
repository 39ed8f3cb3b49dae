import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../../../modules/kernel/errors.js';
import { parseRouting, routeAlarm, type RoutableAlarm, type RoutingInput } from './routing.js';

const config: RoutingInput = {
  routes: [
    // Managers hear about every critical alarm, and the alarm carries on to the teams below.
    { id: 'managers-digest', match: { priorities: ['critical'] }, team: 'managers', continue: true, groupBy: ['priority'] },
    { id: 'north-chlorine', match: { sites: ['north'], tags: ['north.chlorine.*'] }, team: 'chemists', schedule: 'chem', escalationPolicy: 'critical' },
    { id: 'north', match: { sites: ['north'] }, team: 'north-ops', schedule: 'north', escalationPolicy: 'standard' },
    { id: 'servers', match: { hostGroups: ['servers'], kinds: ['host-offline', 'metric'] }, team: 'it' },
  ],
  fallback: { team: 'control-room' },
};
const routing = parseRouting(config);

const alarm = (over: Partial<RoutableAlarm> & { source?: RoutableAlarm['source'] }): RoutableAlarm => ({
  ruleId: 'r1',
  priority: 'medium',
  kind: 'H',
  source: { siteId: 'north', tag: 'north.pump1.flow' },
  ...over,
});

describe('routeAlarm', () => {
  it('the first matching route wins', () => {
    const decisions = routeAlarm(routing, alarm({ source: { siteId: 'north', tag: 'north.chlorine.free' } }));
    expect(decisions.map((d) => d.route)).toEqual(['north-chlorine']);
    expect(decisions[0]).toMatchObject({ team: 'chemists', schedule: 'chem', escalationPolicy: 'critical' });
  });

  it('a tag pattern with * matches by prefix only; without * exactly', () => {
    expect(routeAlarm(routing, alarm({ source: { siteId: 'north', tag: 'north.chlorinator' } })).map((d) => d.route)).toEqual(['north']);
    const exact = parseRouting({ routes: [{ id: 'x', match: { tags: ['a.b'] }, team: 't' }], fallback: { team: 'f' } });
    expect(routeAlarm(exact, alarm({ source: { tag: 'a.b' } }))[0]?.route).toBe('x');
    expect(routeAlarm(exact, alarm({ source: { tag: 'a.bc' } }))[0]?.route).toBe('fallback');
  });

  it('continue sends the alarm on to the next matching route as well', () => {
    const decisions = routeAlarm(routing, alarm({ priority: 'critical' }));
    expect(decisions.map((d) => [d.route, d.team])).toEqual([
      ['managers-digest', 'managers'],
      ['north', 'north-ops'],
    ]);
  });

  it('a continue route with nothing after it matching still counts: no fallback', () => {
    const decisions = routeAlarm(routing, alarm({ priority: 'critical', source: { siteId: 'south' } }));
    expect(decisions.map((d) => d.route)).toEqual(['managers-digest']);
  });

  it('all given fields must match; any listed value within a field will do', () => {
    const server = alarm({ kind: 'host-offline', source: { hostId: 'h7', siteId: 'south' } });
    expect(routeAlarm(routing, server, ['office', 'servers'])[0]?.route).toBe('servers');
    expect(routeAlarm(routing, server, ['office'])[0]?.route).toBe('fallback');
    expect(routeAlarm(routing, { ...server, kind: 'drift' }, ['servers'])[0]?.route).toBe('fallback');
  });

  it('an alarm no route takes goes to the fallback', () => {
    expect(routeAlarm(routing, alarm({ source: { siteId: 'south' } }))).toEqual([
      expect.objectContaining({ route: 'fallback', team: 'control-room' }),
    ]);
  });

  it('gives a group key from the route\'s groupBy fields, encoded so values cannot pose as other fields', () => {
    expect(routeAlarm(routing, alarm({}))[0]?.groupKey).toBe('site=north rule=r1');
    expect(routeAlarm(routing, alarm({ priority: 'critical' }))[0]?.groupKey).toBe('priority=critical');
    expect(routeAlarm(routing, alarm({ source: { siteId: 'a rule=b' } }))[0]?.groupKey).toBe('site=a%20rule%3Db rule=r1');
  });

  it('fills the grouping timing defaults', () => {
    expect(routeAlarm(routing, alarm({}))[0]?.grouping).toEqual({ groupWaitSeconds: 30, groupIntervalSeconds: 300, repeatIntervalSeconds: 14_400 });
  });
});

describe('hostile routing', () => {
  const expectInvalid = (input: unknown, key: string): void => {
    let caught: unknown;
    try {
      parseRouting(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(GatehouseError);
    expect((caught as GatehouseError).code).toBe('invalid-params');
    expect((caught as GatehouseError).context.key).toBe(key);
    expect((caught as GatehouseError).message.length).toBeLessThan(300);
  };
  const withRoute = (route: Record<string, unknown>): unknown => ({ routes: [{ id: 'x', team: 't', ...route }], fallback: { team: 'f' } });

  it('refuses an unknown priority', () => expectInvalid(withRoute({ match: { priorities: ['urgent'] } }), 'routes.0.match.priorities.0'));
  it('refuses a 10 kB team name', () => expectInvalid(withRoute({ team: 'x'.repeat(10_000) }), 'routes.0.team'));
  it('refuses a 10 kB site', () => expectInvalid(withRoute({ match: { sites: ['x'.repeat(10_000)] } }), 'routes.0.match.sites.0'));
  it('refuses a tag pattern with * in the middle', () => expectInvalid(withRoute({ match: { tags: ['a*b'] } }), 'routes.0.match.tags.0'));
  it('refuses a negative group wait', () => expectInvalid(withRoute({ grouping: { groupWaitSeconds: -5 } }), 'routes.0.grouping.groupWaitSeconds'));
  it('refuses duplicate route ids', () =>
    expectInvalid({ routes: [{ id: 'a', team: 't' }, { id: 'a', team: 'u' }], fallback: { team: 'f' } }, 'routes.1.id'));
  it('refuses a misspelt key', () => expectInvalid(withRoute({ contine: true }), 'routes.0.contine'));
  it('needs a fallback', () => expectInvalid({ routes: [] }, 'fallback'));
});
