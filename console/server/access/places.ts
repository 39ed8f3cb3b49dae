/** Where things that are not hosts are, for grants: an alarm is where its host is, else where its site is. */
import type { AlarmSource } from '../../../modules/kernel/alarm-model.js';
import { fleetPlace, type Place } from './access.js';

export interface PlaceLookup {
  hostPlace(hostId: string): Place;
  sitePlace(siteId: string): Place;
}

export function alarmPlace(alarm: { source: AlarmSource }, places: PlaceLookup): Place {
  if (alarm.source.hostId !== undefined) {
    const place = places.hostPlace(alarm.source.hostId);
    // A tag alarm names its site too; the site holds it even before the gateway's site is known here.
    return place.kind === 'host' && place.siteId === null && alarm.source.siteId !== undefined ? { ...place, siteId: alarm.source.siteId } : place;
  }
  return alarm.source.siteId !== undefined ? places.sitePlace(alarm.source.siteId) : fleetPlace;
}
