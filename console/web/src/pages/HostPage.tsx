import { lazy, Suspense, useState } from 'react';
import {
  Alert,
  Anchor,
  Box,
  Breadcrumbs,
  Button,
  Collapse,
  EmptyState,
  Group,
  Paper,
  Skeleton,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import {
  IconBan,
  IconChevronDown,
  IconChevronUp,
  IconClockHour4,
  IconPencil,
  IconPlugConnectedX,
  IconPuzzleOff,
  IconServerOff,
  IconTag,
} from '@tabler/icons-react';
import { Link, Navigate, useParams } from 'react-router';
import { isApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { HostAdminMenu } from '../components/hosts/HostAdminMenu.js';
import { HostApprovalActions } from '../components/hosts/HostApprovalActions.js';
import { HostDetails, HostSummaryLine } from '../components/hosts/HostDetails.js';
import { HostModuleTabs } from '../components/hosts/HostModuleTabs.js';
import { HostPolicyCard } from '../components/hosts/HostPolicyCard.js';
import { HostTags } from '../components/hosts/HostTags.js';
import { HostStatusBadge } from '../components/HostStatusBadge.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { SshHostHeader } from '../components/ssh/SshHostHeader.js';
import { changesTab, showsChangesTab } from '../drift/changesTab.js';
import { useHost } from '../hooks/useHosts.js';
import { usePhone } from '../hooks/usePhone.js';
import { hostCondition } from '../hostStatus.js';
import { modulePages, pagesForModules } from '../modulePages.js';
import { canManageHosts, isAdministrator, useUser } from '../session.js';
import { canManageSsh } from '../ssh/sshApi.js';
import type { Host } from '../types.js';

// Checks the install's progress lines with the kernel's zod schema: loaded when an install starts.
const InstallAgentDialog = lazy(() => import('../components/ssh/InstallAgentDialog.js'));
// Checks each tag with the kernel's zod schema: loaded when someone edits tags.
const HostTagsEditor = lazy(() => import('../components/hosts/HostTagsEditor.js'));

/** The host's tags under its name, and for those who may, the way to change them in place. */
function HostTagsRow({ host, editing, onEdit, onDone }: { host: Host; editing: boolean; onEdit?: () => void; onDone: () => void }) {
  if (editing) {
    return (
      <Box mt="sm">
        <Suspense fallback={<Skeleton height={90} maw={620} />}>
          <HostTagsEditor host={host} onDone={onDone} />
        </Suspense>
      </Box>
    );
  }
  if (host.tags.length === 0 && !onEdit) return null;
  return (
    <Group gap={6} mt={6} wrap="wrap" style={{ rowGap: 4 }}>
      <HostTags tags={host.tags} size="md" />
      {onEdit && (
        <Button
          size="compact-xs"
          variant="subtle"
          color="gray"
          c="dimmed"
          leftSection={host.tags.length ? <IconPencil size={12} /> : <IconTag size={12} />}
          onClick={onEdit}
          fw={500}
        >
          {host.tags.length ? 'Edit tags' : 'Add tags'}
        </Button>
      )}
    </Group>
  );
}

/** Why there is nothing to open on this host, and what to do about it. */
function NoModules({ host, admin }: { host: Host; admin: boolean }) {
  switch (hostCondition(host)) {
    case 'pending':
      return (
        <EmptyState
          icon={<IconClockHour4 size={26} />}
          variant="light"
          color="yellow"
          title="Waiting for approval"
          description={
            admin
              ? 'This machine enrolled but cannot be managed until an administrator approves it. Approve it only if you expected it.'
              : 'This machine enrolled but cannot be managed until an administrator approves it.'
          }
        >
          {admin && (
            <EmptyState.Actions>
              <HostApprovalActions host={host} size="sm" />
            </EmptyState.Actions>
          )}
        </EmptyState>
      );
    case 'revoked':
      return (
        <EmptyState
          icon={<IconBan size={26} />}
          withIndicatorBackground
          title="This host was revoked"
          description="Its agent's key is refused. To manage the machine again, enroll it with a new token."
        />
      );
    case 'offline':
      return (
        <EmptyState
          icon={<IconPlugConnectedX size={26} />}
          variant="light"
          color="red"
          title="The host is offline"
          description={
            <>
              Its agent last reported <RelativeTime iso={host.lastSeenAt} />. Processes, files and the other
              modules are available again as soon as the agent reconnects; this page updates by itself.
            </>
          }
        />
      );
    case 'ssh':
      return (
        <EmptyState
          icon={<IconPuzzleOff size={26} />}
          withIndicatorBackground
          title="No modules to show"
          description="This console has no page for what this host offers over SSH."
        />
      );
    case 'online':
      return (
        <EmptyState
          icon={<IconPuzzleOff size={26} />}
          withIndicatorBackground
          title="No modules to show"
          description="This host's agent serves no module this console has a page for; its local policy may have turned them off."
        />
      );
  }
}

function HostNotFound({ hostId }: { hostId: string }) {
  return (
    <EmptyState
      mt="xl"
      icon={<IconServerOff size={26} />}
      withIndicatorBackground
      title="No such host"
      description={`There is no host with the id ${hostId}. It may have been removed.`}
    >
      <EmptyState.Actions>
        <Button component={Link} to="/">
          Go to hosts
        </Button>
      </EmptyState.Actions>
    </EmptyState>
  );
}

export function HostPage() {
  const { hostId = '', module } = useParams();
  const user = useUser();
  const admin = isAdministrator(user);
  const [installing, setInstalling] = useState(false);
  const [editingTags, setEditingTags] = useState(false);
  const query = useHost(hostId);
  const host = query.data;
  const phone = usePhone();
  // Folded by default on a phone, where the module page needs the room; remembered either way.
  const [detailsShown, setDetailsShown] = useLocalStorage({
    key: `gatehouse.host-details.${phone ? 'phone' : 'wide'}`,
    defaultValue: !phone,
    getInitialValueInEffect: false,
  });

  if (!host) {
    if (query.isError) {
      return isApiError(query.error, 'not-found') ? (
        <HostNotFound hostId={hostId} />
      ) : (
        <ErrorAlert error={query.error} title="Could not load the host" onRetry={() => void query.refetch()} />
      );
    }
    return (
      <Stack aria-busy="true" aria-label="Loading host">
        <Skeleton height={32} width={260} />
        <Skeleton height={90} />
        <Skeleton height={300} />
      </Stack>
    );
  }

  // Keep the open page when the agent drops for a moment (an unsaved edit must survive a blip); its calls
  // then fail with host-offline, which the page shows.
  // A pending or revoked host may still list modules, but the console refuses every call to it.
  const approved = host.state === 'approved';
  const viaSsh = host.connection === 'ssh';
  const tabs = approved ? pagesForModules(host.modules) : [];
  if (showsChangesTab(host)) tabs.push(changesTab);
  const openPage = module === changesTab.name ? changesTab : modulePages.find((page) => page.name === module);
  // A host reached over SSH serves what its HostView lists, and nothing comes and goes with an agent.
  const needsAgent = approved && viaSsh && openPage !== undefined && !tabs.includes(openPage);
  if (approved && !viaSsh && openPage && !tabs.includes(openPage)) tabs.push(openPage);
  const firstTab = tabs[0];
  if (!module && firstTab) return <Navigate to={`/hosts/${encodeURIComponent(host.id)}/${firstTab.name}`} replace />;
  const unknownModule = approved && module !== undefined && !openPage;
  const firstTabLink = firstTab ? `/hosts/${encodeURIComponent(host.id)}/${firstTab.name}` : `/hosts/${encodeURIComponent(host.id)}`;

  return (
    <Stack gap="md">
      <Breadcrumbs>
        <Anchor component={Link} to="/" size="sm">
          Hosts
        </Anchor>
        <Text size="sm" className="gh-truncate" maw={240}>
          {host.name}
        </Text>
      </Breadcrumbs>

      <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
        <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
          <Group gap="sm" align="center" style={{ minWidth: 0 }}>
            <Title order={2} className="gh-break" data-testid="host-name">
              {host.name}
            </Title>
            <HostStatusBadge host={host} />
          </Group>
          {admin && <HostAdminMenu host={host} onEditTags={canManageHosts(user) ? () => setEditingTags(true) : undefined} />}
        </Group>
        <HostTagsRow
          host={host}
          editing={editingTags}
          onEdit={canManageHosts(user) ? () => setEditingTags(true) : undefined}
          onDone={() => setEditingTags(false)}
        />
        {viaSsh && <SshHostHeader host={host} onInstall={canManageSsh(user) ? () => setInstalling(true) : undefined} />}
        <Collapse expanded={detailsShown}>
          <Box pt="md">
            <HostDetails host={host} />
            <HostPolicyCard host={host} />
          </Box>
        </Collapse>
        <Group justify="space-between" wrap="nowrap" gap="xs" mt={detailsShown ? 'xs' : 4}>
          <Box style={{ minWidth: 0 }}>{!detailsShown && <HostSummaryLine host={host} />}</Box>
          <UnstyledButton
            onClick={() => setDetailsShown((shown) => !shown)}
            aria-expanded={detailsShown}
            fz="xs"
            c="dimmed"
            style={{ flexShrink: 0 }}
          >
            <Group gap={4} wrap="nowrap">
              {detailsShown ? 'Hide details' : 'Show details'}
              {detailsShown ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
            </Group>
          </UnstyledButton>
        </Group>
      </Paper>

      {unknownModule ? (
        <Alert color="yellow" title="No such page">
          This console has no page for the module “{module}”.{' '}
          <Anchor component={Link} to={`/hosts/${encodeURIComponent(host.id)}`}>
            Open the host’s first page
          </Anchor>
          .
        </Alert>
      ) : needsAgent ? (
        <Alert color="blue" variant="light" title={`${openPage.title} needs the agent`}>
          This host is reached over SSH, which gives terminals only. Install the agent to manage its{' '}
          {openPage.title.toLowerCase()} here.{' '}
          <Anchor component={Link} to={firstTabLink}>
            Open the host’s first page
          </Anchor>
          .
        </Alert>
      ) : tabs.length === 0 ? (
        <Paper withBorder radius="md" p="xl">
          <NoModules host={host} admin={admin} />
        </Paper>
      ) : (
        <HostModuleTabs key={host.id} host={host} tabs={tabs} module={module} />
      )}

      {installing && (
        <Suspense fallback={null}>
          <InstallAgentDialog host={host} opened={installing} onClose={() => setInstalling(false)} />
        </Suspense>
      )}
    </Stack>
  );
}
