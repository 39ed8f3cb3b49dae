import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../test/support/client.js';
import { startTestConsole, waitFor, type TestConsole } from '../test/support/console.js';
import { simTagName, startFleetSim, type FleetSim } from './fleet-sim.js';

// The simulator against a real console process: its gateways must look like real agents (enrolled, signed in,
// given their profile through modbus.status/apply), and their telemetry must reach the site's tag view.
describe('fleet simulator', () => {
  let console_: TestConsole;
  let api: ApiClient;
  let fleet: FleetSim | undefined;

  beforeAll(async () => {
    console_ = await startTestConsole();
    api = await ApiClient.forConsole(console_.url, console_.dataDir);
    await api.login();
  });

  afterAll(async () => {
    await fleet?.stop();
    await console_?.stop();
  });

  it('enrolls its gateways, takes their profiles, and their readings arrive in the sites’ tags', async () => {
    fleet = await startFleetSim({ consoleUrl: console_.url, api, gateways: 3, tagsPerGateway: 4, periodMs: 500, gatewaysPerSite: 2, sitePrefix: 'sim' });
    expect(fleet.sites.map((s) => s.id)).toEqual(['sim-000', 'sim-001']);
    expect(fleet.sites.map((s) => s.hostIds.length)).toEqual([2, 1]);
    expect(fleet.stats().profilesApplied).toBe(3);

    for (const gateway of fleet.gateways) {
      const host = await api.get(`/api/hosts/${gateway.hostId}`);
      expect(host.status).toBe(200);
      expect(host.body).toMatchObject({ online: true, name: gateway.name });
    }

    // Every tag of every gateway shows a good, fresh reading, and keeps moving.
    const firstSeen = new Map<string, string>();
    for (const site of fleet.sites) {
      const mine = fleet.gateways.filter((g) => g.siteId === site.id).flatMap((g) => g.tags);
      const tags = await waitFor(`readings at ${site.id}`, async () => {
        const res = await api.get(`/api/sites/${site.id}/tags`);
        const shown = (res.body as Array<{ name: string; quality: string; value: unknown; ts: string }>).filter((t) => mine.includes(t.name));
        return shown.length === mine.length && shown.every((t) => t.quality === 'good' && typeof t.value === 'number') && shown;
      }, 30_000);
      for (const tag of tags) firstSeen.set(tag.name, tag.ts);
    }
    expect([...firstSeen.keys()]).toContain(simTagName(2, 3));
    await waitFor('newer readings', async () => {
      const res = await api.get(`/api/sites/${fleet!.sites[0]!.id}/tags`);
      const tag = (res.body as Array<{ name: string; ts: string }>).find((t) => t.name === simTagName(0, 0));
      return tag !== undefined && Date.parse(tag.ts) > Date.parse(firstSeen.get(simTagName(0, 0))!);
    }, 30_000);

    // The console acknowledged what it stored, and nothing had to be dropped.
    await waitFor('acknowledgements', () => fleet!.stats().batchesAcked >= 6, 30_000);
    const stats = fleet.stats();
    expect(stats.droppedBatches).toBe(0);
    expect(stats.samplesAcked).toBe(stats.batchesAcked * 4);
    expect(fleet.takeAckLags().length).toBe(stats.batchesAcked);
  });
});
