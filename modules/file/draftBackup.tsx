import { useCallback, useEffect, useState } from 'react';

/**
 * Unsaved editor text, kept in this tab's sessionStorage while it differs from the file. If the editor goes
 * away without saving (the session expired and the app went to the login page, the tab reloaded), the
 * next opening of the same file offers the text back instead of losing it.
 */
export interface DraftBackup {
  /** The version the edits were made against; restoring keeps it, so a file changed since then conflicts on save. */
  version: string;
  content: string;
  at: string;
}

function storageKey(hostId: string, path: string): string {
  return `gatehouse.draft.${hostId}:${path}`;
}

function readBackup(key: string): DraftBackup | null {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? (JSON.parse(raw) as DraftBackup) : null;
  } catch {
    return null;
  }
}

export function useDraftBackup(hostId: string, path: string) {
  const key = storageKey(hostId, path);
  // Read once per file: what was left behind before this editor opened.
  const [leftBehind, setLeftBehind] = useState<DraftBackup | null>(() => readBackup(key));

  const keep = useCallback(
    (version: string, content: string) => {
      try {
        sessionStorage.setItem(key, JSON.stringify({ version, content, at: new Date().toISOString() }));
      } catch {
        // Storage full or disabled: the unsaved-changes prompt still guards navigation.
      }
    },
    [key],
  );
  const clear = useCallback(() => {
    sessionStorage.removeItem(key);
    setLeftBehind(null);
  }, [key]);
  const dismiss = useCallback(() => setLeftBehind(null), []);

  return { leftBehind, keep, clear, dismiss };
}

/** Write the backup shortly after typing stops, and drop it once the text matches the file again. */
export function useKeepDraft(
  backup: ReturnType<typeof useDraftBackup>,
  version: string | undefined,
  draft: string,
  modified: boolean,
  holding: boolean,
): void {
  const { keep, clear } = backup;
  useEffect(() => {
    // While an old backup is on offer, leave it alone until the operator restores or discards it.
    if (holding || version === undefined) return;
    if (!modified) {
      clear();
      return;
    }
    const timer = setTimeout(() => keep(version, draft), 400);
    return () => clearTimeout(timer);
  }, [keep, clear, version, draft, modified, holding]);
}
