/**
 * The hosts where someone may use a code, for filtering stored entries (audit, recordings) in the database:
 * undefined when they may on the whole fleet (no filter, and entries about no host included), else the list.
 */
import { fleetPlace, type Access } from './access.js';
import type { AccessControl } from './service.js';

export async function hostsAllowing(access: Access, code: string, control: AccessControl, hosts: { list(): Promise<Array<{ id: string }>> }): Promise<string[] | undefined> {
  if (access.may(code, fleetPlace)) return undefined;
  return (await hosts.list()).filter((host) => access.may(code, control.hostPlace(host.id))).map((host) => host.id);
}
