/**
 * Whether a gateway's tag asks for approval on every write (`write.approval: true` in the site's device profile).
 * The console asks so it can offer "Request approval" before the write reaches the gateway; the gateway checks
 * its own copy of the profile regardless (modbus/setpoint-writer.ts).
 */
import type { SiteStore } from '../sites/store.js';
import type { TagApprovalLookup } from './gate.js';

export function tagApprovalFromProfiles(store: Pick<SiteStore, 'findGateway'>): TagApprovalLookup {
  return async (hostId, tagName) => {
    const gateway = await store.findGateway(hostId);
    for (const device of gateway?.profile.devices ?? []) {
      const tag = device.tags.find((t) => t.name === tagName);
      if (tag) return tag.write?.approval === true;
    }
    return false;
  };
}
