/**
 * The terminals a browser tab has open on a host, kept in sessionStorage so that reloading the page, or coming
 * back to the Terminal tab, re-attaches to the same shells. sessionStorage rather than localStorage: it belongs
 * to this browser tab (and survives Chrome's "reopen closed tab"), so two tabs never fight over one shell.
 */
import { sessionIdSchema, unixUserSchema } from './contract.js';

export interface RememberedTerminal {
  sessionId: string;
  unixUser: string;
}

const storageKey = (hostId: string) => `gatehouse.terminals.${hostId}`;

/** What was stored, each entry checked: storage is data another version of this page may have written. */
export function rememberedTerminals(hostId: string): RememberedTerminal[] {
  let stored: unknown;
  try {
    stored = JSON.parse(sessionStorage.getItem(storageKey(hostId)) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  const terminals: RememberedTerminal[] = [];
  for (const entry of stored.slice(0, 20)) {
    const sessionId = sessionIdSchema.safeParse((entry as { sessionId?: unknown } | null)?.sessionId);
    const unixUser = unixUserSchema.safeParse((entry as { unixUser?: unknown } | null)?.unixUser);
    if (sessionId.success && unixUser.success && !terminals.some((t) => t.sessionId === sessionId.data)) {
      terminals.push({ sessionId: sessionId.data, unixUser: unixUser.data });
    }
  }
  return terminals;
}

function store(hostId: string, terminals: RememberedTerminal[]): void {
  try {
    if (terminals.length === 0) sessionStorage.removeItem(storageKey(hostId));
    else sessionStorage.setItem(storageKey(hostId), JSON.stringify(terminals));
  } catch {
    // Storage full or disabled: re-attaching then goes through the list of sessions instead.
  }
}

export function rememberTerminal(hostId: string, terminal: RememberedTerminal): void {
  const terminals = rememberedTerminals(hostId);
  const known = terminals.some((t) => t.sessionId === terminal.sessionId);
  store(hostId, known ? terminals.map((t) => (t.sessionId === terminal.sessionId ? terminal : t)) : [...terminals, terminal]);
}

export function forgetTerminal(hostId: string, sessionId: string): void {
  store(hostId, rememberedTerminals(hostId).filter((t) => t.sessionId !== sessionId));
}
