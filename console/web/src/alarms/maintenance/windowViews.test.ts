import { createElement as h, type ReactElement } from 'react';
import { renderToString } from 'react-dom/server';
import { MantineProvider } from '@mantine/core';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { describe, expect, it } from 'vitest';
import { CurrentWindows } from './CurrentWindows.js';
import type { MaintenanceScope, MaintenanceWindow } from './maintenanceApi.js';
import { WindowList } from './WindowList.js';

const now = Date.parse('2026-11-24T12:00:00Z');
const hour = 3_600_000;
const names = { hostName: (id: string) => (id === 'gw1' ? 'Intake gateway' : undefined), siteName: (id: string) => (id === 'plant-1' ? 'Plant 1' : undefined) };
const window = (id: string, scope: MaintenanceScope, from: number, to: number): MaintenanceWindow => ({
  id,
  scope,
  from: new Date(from).toISOString(),
  to: new Date(to).toISOString(),
  reason: 'Pump <b>swap</b>',
  createdBy: 'ana',
  createdAt: new Date(now - 2 * hour).toISOString(),
});

/** The text a page shows, rendered on the server (no browser here), without the markup. */
function text(element: ReactElement): string {
  const router = createMemoryRouter([{ path: '/', element }]);
  const html = renderToString(h(MantineProvider, null, h(RouterProvider, { router })));
  return html.replace(/<style[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
}

describe('maintenance window views', () => {
  it('says plainly that notifications are paused, for what, until when, and offers End now only to managers', () => {
    const running = [window('mw_1', { kind: 'host', hostId: 'gw1' }, now - hour, now + 1.5 * hour)];
    const shown = text(h(CurrentWindows, { windows: running, now, names, endingId: null, onEnd: () => undefined }));
    expect(shown).toContain('In maintenance: notifications paused');
    expect(shown).toContain('Host Intake gateway');
    expect(shown).toContain('1 h 30 min left');
    // The reason is text, never markup.
    expect(shown).toContain('Pump &lt;b&gt;swap&lt;/b&gt;');
    expect(shown).toContain('End now');
    expect(text(h(CurrentWindows, { windows: running, now, names, endingId: null }))).not.toContain('End now');
    expect(text(h(CurrentWindows, { windows: [], now, names, endingId: null }))).toContain('No maintenance running');
  });

  it('lists upcoming windows with when they start, and unknown sites by their id', () => {
    const upcoming = [
      window('mw_2', { kind: 'group', tag: 'chlorine' }, now + hour, now + 2 * hour),
      window('mw_3', { kind: 'site', siteId: 'plant-9' }, now + 3 * hour, now + 3.25 * hour),
    ];
    const shown = text(h(WindowList, { windows: upcoming, now, names, kind: 'upcoming', endingId: null, onEnd: () => undefined }));
    expect(shown).toContain('Hosts tagged chlorine');
    expect(shown).toContain('starts in 1 h');
    expect(shown).toContain('Site plant-9');
    expect(shown).toContain('15 min');
    expect(shown.match(/Cancel/g)).toHaveLength(2);
  });
});
