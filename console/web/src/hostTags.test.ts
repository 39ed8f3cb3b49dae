import { describe, expect, it } from 'vitest';
import { hostMatches } from './components/hosts/hostColumns.js';
import { knownTags, parseTagFilter, tagFilter, tagMeaning } from './hostTags.js';
import type { Host } from './types.js';

function host(name: string, tags: string[]): Host {
  return {
    id: `h_${name}`,
    name,
    online: true,
    state: 'approved',
    status: null,
    enrolledAt: '2025-01-01T00:00:00.000Z',
    lastSeenAt: null,
    address: null,
    modules: [],
    agentVersion: null,
    policy: null,
    policyReportedAt: null,
    connection: 'agent',
    tags,
    ssh: null,
  };
}

describe('host tags in the host list filter', () => {
  const gateway = host('pump-station-3', ['field-gateway', 'plant-north']);
  const north = host('plant-north-historian', []);
  const web = host('web-01', ['dmz']);

  it('matches a typed tag like any other word', () => {
    expect([gateway, north, web].filter((h) => hostMatches(h, 'gateway')).map((h) => h.name)).toEqual(['pump-station-3']);
    expect([gateway, north, web].filter((h) => hostMatches(h, 'DMZ')).map((h) => h.name)).toEqual(['web-01']);
  });

  it('matches only the tag itself for a clicked tag, not names that contain it', () => {
    const filter = tagFilter('plant-north');
    expect(parseTagFilter(filter)).toBe('plant-north');
    expect([gateway, north, web].filter((h) => hostMatches(h, filter)).map((h) => h.name)).toEqual(['pump-station-3']);
    expect([gateway, north, web].filter((h) => hostMatches(h, 'plant-north')).map((h) => h.name)).toEqual([
      'pump-station-3',
      'plant-north-historian',
    ]);
  });

  it('shows every host while a tag filter is still empty', () => {
    expect([gateway, north, web].filter((h) => hostMatches(h, 'tag:'))).toHaveLength(3);
    expect(parseTagFilter('web')).toBeNull();
  });

  it('suggests the tags in use and the ones with a policy', () => {
    expect(knownTags([web, gateway])).toEqual(['dmz', 'field-gateway', 'plant-north']);
    expect(knownTags(undefined)).toEqual(['field-gateway']);
    expect(tagMeaning('field-gateway')).toMatch(/refuse to run unrecorded/);
    expect(tagMeaning('dmz')).toBeNull();
  });
});
