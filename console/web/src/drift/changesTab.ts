/**
 * The Changes tab, beside the module tabs: console-level, so an agent host has it whatever modules it serves.
 * Shaped like a module page so the host page's tabs treat it as one.
 */
import type { ModulePage } from '../modulePages.js';
import type { Host } from '../types.js';
import DriftPage from './DriftPage.js';

export const changesTab: ModulePage = { name: 'changes', title: 'Changes', order: 10_000, keepMounted: false, Page: DriftPage };

/** Agent hosts only: a host reached over SSH has no modules to read its facts with. Hidden while offline (nothing to read). */
export function showsChangesTab(host: Host): boolean {
  return host.state === 'approved' && host.connection === 'agent' && host.online;
}
