/**
 * The Terminal tab's body (loaded on first open: xterm.js and the protocol's schemas stay out of the main
 * bundle). Terminals in tabs; the ones this browser tab had open re-attach by themselves; the operator's other
 * detached shells are offered when the page opens; the host's sessions are listed below.
 *
 * A host reached over SSH has no agent to keep shells or list them: its terminals run as the registered user,
 * end when closed, and the agent's session calls are never made.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, EmptyState, Group, Stack, Text } from '@mantine/core';
import { modals } from '@mantine/modals';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconInfoCircle, IconLock, IconPlugConnectedX, IconTerminal2 } from '@tabler/icons-react';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { describeError } from '../../console/web/src/components/ErrorAlert.js';
import { HostKeyReview } from '../../console/web/src/components/ssh/HostKeyReview.js';
import { useUser } from '../../console/web/src/session.js';
import { canManageSsh } from '../../console/web/src/ssh/sshApi.js';
import { appHeaderHeight } from '../../console/web/src/theme.js';
import type { ModulePageProps } from '../../console/web/src/types.js';
import type { TerminalPhase, TerminalState } from './connection.js';
import type { contract, TerminalSession } from './contract.js';
import { NewTerminalForm, terminalRefusal, terminalUserChoice } from './NewTerminalForm.js';
import { ReattachOffer } from './ReattachOffer.js';
import { SessionList } from './SessionList.js';
import { forgetTerminal, rememberedTerminals, rememberTerminal } from './sessionMemory.js';
import { TerminalPane, type TerminalTab } from './TerminalPane.js';
import { TerminalTabs } from './TerminalTabs.js';

type SessionsResult = z.output<typeof contract.methods.sessions.result>;
type CloseResult = z.output<typeof contract.methods.close.result>;

const sessionsRefreshMs = 10_000;

const sshNote = 'SSH sessions end when you close them; install the agent to keep shells running.';

let nextTabNumber = 1;
function newTab(unixUser: string, sessionId: string | null, sessionSize: TerminalTab['sessionSize'] = null, viaSsh = false): TerminalTab {
  return { key: `term-${nextTabNumber++}`, unixUser, viaSsh, sessionId, sessionSize, attachRequest: 0 };
}

export default function TerminalWorkspace({ host }: ModulePageProps) {
  const user = useUser();
  const queryClient = useQueryClient();
  const allowed = user.permissions.includes('terminal.open');
  const viaSsh = host.connection === 'ssh';
  const sshUser = viaSsh ? (host.ssh?.username ?? 'root') : null;
  // The shells this browser tab had open on this host come back by themselves, screen restored (not over SSH,
  // where a shell ends with its connection).
  const [tabs, setTabs] = useState<TerminalTab[]>(() =>
    viaSsh ? [] : rememberedTerminals(host.id).map((t) => newTab(t.unixUser, t.sessionId)),
  );
  const [activeKey, setActiveKey] = useState<string | null>(() => tabs[0]?.key ?? null);
  const [states, setStates] = useState<Record<string, TerminalState>>({});

  const sessionsKey = useMemo(() => ['host', host.id, 'terminal', 'sessions'] as const, [host.id]);
  const sessions = useQuery({
    queryKey: sessionsKey,
    queryFn: ({ signal }) => apiCall<SessionsResult>(host.id, 'terminal', 'sessions', {}, { signal }),
    // terminal.sessions is the agent's; a host reached over SSH answers it with not-supported.
    enabled: allowed && !viaSsh,
    refetchInterval: host.online && !viaSsh ? sessionsRefreshMs : false,
    staleTime: 0,
  });
  const refreshSessions = useCallback(() => void queryClient.invalidateQueries({ queryKey: sessionsKey }), [queryClient, sessionsKey]);

  const isMine = useCallback((session: TerminalSession) => session.owner === user.username || session.owner === user.id, [user]);

  // Storage and the session list follow a terminal's phase, not every title its shell sets.
  const phases = useRef(new Map<string, TerminalPhase>());
  const onState = useCallback(
    (key: string, state: TerminalState) => {
      setStates((previous) => ({ ...previous, [key]: state }));
      if (phases.current.get(key) === state.phase) return;
      phases.current.set(key, state.phase);
      if (state.viaSsh) return;
      if (state.sessionId && state.phase === 'attached') rememberTerminal(host.id, { sessionId: state.sessionId, unixUser: state.unixUser });
      if (state.sessionId && (state.phase === 'exited' || (state.phase === 'failed' && state.error?.code === 'not-found'))) {
        forgetTerminal(host.id, state.sessionId);
      }
      if (state.phase !== 'connecting') refreshSessions();
    },
    [host.id, refreshSessions],
  );

  // A terminal the operator just opened gets the window: the toolbar goes to the top, the screen fills the rest.
  const toolbarRef = useRef<HTMLDivElement>(null);
  const [scrollRequest, setScrollRequest] = useState(0);
  useEffect(() => {
    if (scrollRequest > 0) toolbarRef.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [scrollRequest]);

  const bringIntoView = useCallback(() => setScrollRequest((n) => n + 1), []);

  const openTerminal = useCallback(
    (unixUser: string) => {
      const tab = newTab(unixUser, null, null, viaSsh);
      setTabs((previous) => [...previous, tab]);
      setActiveKey(tab.key);
      setScrollRequest((n) => n + 1);
    },
    [viaSsh],
  );

  // The host's SSH key changed: the administrator looks at the new one; once pinned, the refused tabs try again.
  const [reviewingKey, setReviewingKey] = useState(false);
  const retryRefused = useCallback(() => {
    setTabs((previous) =>
      previous.map((tab) =>
        states[tab.key]?.error?.code === 'host-key-changed' ? { ...tab, attachRequest: tab.attachRequest + 1 } : tab,
      ),
    );
  }, [states]);
  const reviewKey = canManageSsh(user) && host.ssh ? () => setReviewingKey(true) : undefined;

  const closeTab = useCallback(
    (key: string) => {
      const sessionId = states[key]?.sessionId;
      if (sessionId) forgetTerminal(host.id, sessionId);
      const index = tabs.findIndex((tab) => tab.key === key);
      const remaining = tabs.filter((tab) => tab.key !== key);
      setTabs(remaining);
      // The neighbour takes the front, as browsers do with their tabs.
      if (activeKey === key) setActiveKey(remaining[Math.min(index, remaining.length - 1)]?.key ?? null);
      setStates(({ [key]: _closed, ...rest }) => rest);
      phases.current.delete(key);
      // The console detaches the shell once the socket has closed.
      setTimeout(refreshSessions, 500);
    },
    [tabs, activeKey, states, host.id, refreshSessions],
  );

  const reattach = useCallback(
    (session: TerminalSession) => {
      const existing = tabs.find((tab) => (states[tab.key]?.sessionId ?? tab.sessionId) === session.id);
      if (existing) {
        const phase = states[existing.key]?.phase;
        if (phase !== 'attached' && phase !== 'connecting') {
          setTabs((previous) => previous.map((tab) => (tab.key === existing.key ? { ...tab, attachRequest: tab.attachRequest + 1 } : tab)));
        }
        setActiveKey(existing.key);
        setScrollRequest((n) => n + 1);
        return;
      }
      const tab = newTab(session.unixUser, session.id, { cols: session.cols, rows: session.rows });
      setTabs((previous) => [...previous, tab]);
      setActiveKey(tab.key);
      setScrollRequest((n) => n + 1);
    },
    [tabs, states],
  );

  const endSession = useMutation({
    mutationFn: (session: TerminalSession) => apiCall<CloseResult>(host.id, 'terminal', 'close', { id: session.id }),
    onSuccess: (result) => {
      forgetTerminal(host.id, result.id);
      notifications.show({ color: 'teal', message: `Session ${result.id} ended.` });
    },
    onError: (error, session) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', autoClose: 10_000, title: `Could not end session ${session.id}`, message: `${message} (${code})` });
    },
    onSettled: refreshSessions,
  });

  const confirmEnd = (session: TerminalSession) =>
    modals.openConfirmModal({
      title: 'End this session?',
      children: `The shell running as ${session.unixUser} is hung up, and whatever runs in it is stopped.`,
      labels: { confirm: 'End session', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => endSession.mutate(session),
    });

  // When the page opens, offer the operator's detached shells that are not already coming back in a tab.
  const [offer, setOffer] = useState<TerminalSession[] | null>(null);
  const offered = useRef(false);
  useEffect(() => {
    if (offered.current || !sessions.data) return;
    offered.current = true;
    const inTabs = new Set(tabs.map((tab) => tab.sessionId));
    setOffer(sessions.data.sessions.filter((s) => !s.attached && isMine(s) && !inTabs.has(s.id)));
  }, [sessions.data, tabs, isMine]);

  const sessionList = sessions.data?.sessions ?? [];
  const openHere = useMemo(
    () => new Set(Object.values(states).flatMap((s) => (s.phase === 'attached' && s.sessionId ? [s.sessionId] : []))),
    [states],
  );
  const tabSessionIds = new Set(tabs.map((tab) => states[tab.key]?.sessionId ?? tab.sessionId));
  const stillOffered = (offer ?? []).filter(
    (s) => !tabSessionIds.has(s.id) && sessionList.some((current) => current.id === s.id && !current.attached),
  );

  if (!allowed) {
    return (
      <EmptyState
        py="xl"
        icon={<IconLock size={26} />}
        withIndicatorBackground
        title="Your role does not allow terminals"
        description="Opening a shell on a host needs the terminal.open permission. Ask an administrator if you need it."
      />
    );
  }

  // Two shells as root on one host read alike; the second is "root@web-01 (2)".
  const seen = new Map<string, number>();
  const tabViews = tabs.map((tab) => {
    const state = states[tab.key];
    const base = state?.title || `${state?.unixUser ?? tab.unixUser}@${host.name}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return { key: tab.key, label: count > 1 ? `${base} (${count})` : base, phase: state?.phase ?? 'connecting' };
  });
  const suggestions = [...new Set(sessionList.filter(isMine).map((s) => s.unixUser))];
  const choice = terminalUserChoice(user.terminalUsers, sshUser);
  const refusal = terminalRefusal(choice, user.role);
  const newForm = (
    <NewTerminalForm
      choice={choice}
      role={user.role}
      suggestions={suggestions}
      disabled={!viaSsh && !host.online}
      disabledReason="The host is offline"
      onOpen={openTerminal}
    />
  );

  return (
    <Stack gap="sm">
      <ReattachOffer sessions={stillOffered} onReattach={reattach} onDismiss={() => setOffer([])} />
      {!host.online && !viaSsh && (
        <Alert color="orange" variant="light" icon={<IconPlugConnectedX size={18} />} p="xs">
          The host is offline. Its shells keep running if the agent does; re-attach when it is back.
        </Alert>
      )}

      {tabs.length === 0 && refusal ? (
        <EmptyState
          py="xl"
          icon={<IconLock size={26} />}
          withIndicatorBackground
          title={refusal.title}
          description={
            // Re-attaching is not opening: the console lets owners back into their shells whatever the list says.
            sessionList.some((s) => isMine(s) && !s.attached)
              ? `${refusal.detail} Your shells already running here can still be re-attached below.`
              : refusal.detail
          }
          data-terminal-refused={choice.kind}
        />
      ) : tabs.length === 0 ? (
        <EmptyState
          py="xl"
          icon={<IconTerminal2 size={26} />}
          withIndicatorBackground
          title="No terminal open"
          description={
            viaSsh
              ? `A login shell on ${host.name} as ${sshUser}, over SSH, in the page; every session is recorded. ${sshNote}`
              : `A login shell on ${host.name}, in the page. It keeps running if you close the tab or lose the network, and every session is recorded.`
          }
        >
          <EmptyState.Actions>{newForm}</EmptyState.Actions>
        </EmptyState>
      ) : (
        <>
          <Group
            ref={toolbarRef}
            justify="space-between"
            gap="sm"
            wrap="wrap"
            align="flex-start"
            style={{ scrollMarginTop: appHeaderHeight + 8 }}
          >
            <TerminalTabs tabs={tabViews} activeKey={activeKey} onSelect={setActiveKey} onClose={closeTab} />
            {newForm}
          </Group>
          {tabs.map((tab) => (
            <TerminalPane
              key={tab.key}
              hostId={host.id}
              hostName={host.name}
              hostOnline={tab.viaSsh || host.online}
              tab={tab}
              active={tab.key === activeKey}
              onState={onState}
              onClose={closeTab}
              onReattach={bringIntoView}
              onReviewKey={tab.viaSsh ? reviewKey : undefined}
              pinnedFingerprint={host.ssh?.hostKeyFingerprint}
            />
          ))}
        </>
      )}

      {tabs.some((tab) => tab.viaSsh) && (
        <Group gap={6} wrap="nowrap" c="dimmed" data-ssh-note>
          <IconInfoCircle size={16} style={{ flexShrink: 0 }} aria-hidden />
          <Text size="sm" c="dimmed">
            {sshNote}
          </Text>
        </Group>
      )}
      {reviewingKey && <HostKeyReview host={host} opened={reviewingKey} onClose={() => setReviewingKey(false)} onTrusted={retryRefused} />}

      {!viaSsh && (
        <SessionList
          sessions={sessionList}
          loading={sessions.isPending}
          error={sessions.error}
          isMine={isMine}
          openHere={openHere}
          onReattach={reattach}
          onEnd={confirmEnd}
          onRefresh={refreshSessions}
        />
      )}
    </Stack>
  );
}
