/**
 * One terminal: xterm.js fitted to its box, its connection to the shell, and what the operator must know about
 * it (connected, restored, recorded or not, detached, ended). Panes stay mounted while another tab is in front, so
 * their shells keep streaming (and the whole workspace stays mounted while another page of the host is open).
 */
import { useEffect, useRef, useState } from 'react';
import { Box, Stack } from '@mantine/core';
import type { Terminal } from '@xterm/xterm';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import { useLiveStatus } from '../../console/web/src/live.js';
import { createTerminal, fitTerminal, type TerminalHandle } from '../../console/web/src/terminal/xterm.js';
import { TerminalConnection, type TerminalState } from './connection.js';
import { KeyBar } from './KeyBar.js';
import { UnrecordedNotice, unrecordedNoticeHeight, useUnrecordedNotice } from './RecordingBadge.js';
import { Interruption, StatusLine } from './TerminalStatus.js';

export interface TerminalTab {
  /** Stable key for React and the tab bar; not the session id, which is known only once attached. */
  key: string;
  unixUser: string;
  /** Opened over SSH (a host without an agent): fixed when the tab opens, even if the host gets its agent later. */
  viaSsh: boolean;
  /** Re-attach to this session when the pane opens; null starts a new shell. */
  sessionId: string | null;
  /** That session's size as the host last listed it, when known. */
  sessionSize: { cols: number; rows: number } | null;
  /** Bumped to ask the pane to connect again (Re-attach from the session list). */
  attachRequest: number;
}

/** Refit after the box stops changing size; each fit that changes the grid sends one resize. */
const fitDelayMs = 60;

export function TerminalPane({
  hostId,
  hostName,
  hostOnline,
  tab,
  active,
  onState,
  onClose,
  onReattach,
  onReviewKey,
  pinnedFingerprint,
}: {
  hostId: string;
  hostName: string;
  hostOnline: boolean;
  tab: TerminalTab;
  active: boolean;
  onState: (key: string, state: TerminalState) => void;
  onClose: (key: string) => void;
  /** The operator asked to re-attach from this pane (the workspace brings it into view). */
  onReattach: (key: string) => void;
  /** The host's SSH key changed: look at the new one (for those who may pin it). */
  onReviewKey?: () => void;
  /** The SSH host key the console trusts (SSH hosts). */
  pinnedFingerprint?: string;
}) {
  const screenRef = useRef<HTMLDivElement>(null);
  const handleRef = useRef<TerminalHandle | null>(null);
  const connectionRef = useRef<TerminalConnection | null>(null);
  const [state, setState] = useState<TerminalState | null>(null);
  const [size, setSize] = useState({ cols: 80, rows: 24 });
  const [term, setTerm] = useState<Terminal | null>(null);
  const phone = usePhone();
  const latestOnState = useRef(onState);
  latestOnState.current = onState;
  const activeRef = useRef(active);
  activeRef.current = active;

  // The terminal and its connection live as long as the pane; the tab's first session id decides new or re-attach.
  useEffect(() => {
    const screen = screenRef.current;
    if (!screen) return;
    const handle = createTerminal(screen);
    handleRef.current = handle;
    setTerm(handle.term);
    fitTerminal(handle);
    setSize({ cols: handle.term.cols, rows: handle.term.rows });
    const sizeSubscription = handle.term.onResize(({ cols, rows }) => setSize({ cols, rows }));
    const options = {
      unixUser: tab.unixUser,
      viaSsh: tab.viaSsh,
      sessionId: tab.sessionId,
      sessionSize: tab.sessionSize,
      refit: () => fitTerminal(handle),
    };
    const connection = new TerminalConnection(hostId, handle.term, options, (next) => {
      setState(next);
      latestOnState.current(tab.key, next);
    });
    connectionRef.current = connection;
    // After this render settles: React's development double mount would otherwise open a shell and drop it.
    const connectTimer = setTimeout(() => connection.connect(), 0);

    let fitTimer: ReturnType<typeof setTimeout> | undefined;
    // Hidden (another page of the host is open) the box has no size; shown again, the terminal takes the keyboard.
    let shown = screen.offsetWidth > 0;
    const observer = new ResizeObserver(() => {
      const nowShown = screen.offsetWidth > 0;
      if (nowShown && !shown && activeRef.current) handle.term.focus();
      shown = nowShown;
      clearTimeout(fitTimer);
      fitTimer = setTimeout(() => fitTerminal(handle), fitDelayMs);
    });
    observer.observe(screen);
    return () => {
      clearTimeout(connectTimer);
      clearTimeout(fitTimer);
      observer.disconnect();
      sizeSubscription.dispose();
      connection.dispose();
      handle.dispose();
      handleRef.current = null;
      connectionRef.current = null;
      setTerm(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- one terminal per pane; the tab's key never changes
  }, [hostId]);

  // Re-attach on request (after the first connect, which the effect above made).
  useEffect(() => {
    if (tab.attachRequest > 0) connectionRef.current?.connect();
  }, [tab.attachRequest]);

  // When the console and the host are back (the live socket reconnected, the agent came online), a terminal the
  // network cut off re-attaches by itself.
  const liveStatus = useLiveStatus();
  const reachable = hostOnline && liveStatus === 'open';
  const wasReachable = useRef(reachable);
  useEffect(() => {
    const before = wasReachable.current;
    wasReachable.current = reachable;
    if (!before && reachable) connectionRef.current?.retryIfInterrupted();
  }, [reachable]);

  // Coming to the front: fit to the box it now has, and take the keyboard.
  useEffect(() => {
    const handle = handleRef.current;
    if (!active || !handle) return;
    fitTerminal(handle);
    handle.term.focus();
  }, [active]);

  const unrecorded = useUnrecordedNotice(state);

  const phase = state?.phase ?? 'connecting';
  return (
    <Stack
      gap={4}
      display={active ? 'flex' : 'none'}
      data-terminal-pane={tab.key}
      data-state={phase}
      data-session-id={state?.sessionId ?? undefined}
      data-restored={state?.restored ? 'true' : 'false'}
      data-active={active ? 'true' : 'false'}
      data-cols={size.cols}
      data-rows={size.rows}
      data-recorded={state?.recording ? 'true' : state?.recordingFailed ? 'false' : undefined}
      // The screen gives the notice its height, so the status line stays in view (terminal.css).
      style={unrecorded.message ? { '--gh-terminal-notice': `${unrecordedNoticeHeight + 4}px` } : undefined}
    >
      {unrecorded.message && <UnrecordedNotice message={unrecorded.message} onHide={unrecorded.hide} />}
      <Box pos="relative" className="gh-terminal" role="region" aria-label={`Terminal ${tab.unixUser}@${hostName}`}>
        <div ref={screenRef} className="gh-terminal-screen" data-terminal-screen />
        {state && (
          <Interruption
            state={state}
            onReattach={() => {
              connectionRef.current?.connect();
              onReattach(tab.key);
            }}
            onClose={() => onClose(tab.key)}
            onReviewKey={onReviewKey}
            pinnedFingerprint={pinnedFingerprint}
            {...(tab.viaSsh ? {} : { approvalFor: { hostId, unixUser: tab.unixUser } })}
          />
        )}
      </Box>
      {phone && phase === 'attached' && <KeyBar term={term} onKey={(data) => connectionRef.current?.input(data)} />}
      {state && <StatusLine state={state} hostName={hostName} size={size} />}
    </Stack>
  );
}
