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
  Tabs,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { useLocalStorage } from '@mantine/hooks';
import { IconBan, IconChevronDown, IconChevronUp, IconClockHour4, IconPlugConnectedX, IconPuzzleOff, IconServerOff } from '@tabler/icons-react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { isApiError } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { HostAdminMenu } from '../components/hosts/HostAdminMenu.js';
import { HostApprovalActions } from '../components/hosts/HostApprovalActions.js';
import { HostDetails, HostSummaryLine } from '../components/hosts/HostDetails.js';
import { HostStatusBadge } from '../components/HostStatusBadge.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { useHost } from '../hooks/useHosts.js';
import { usePhone } from '../hooks/usePhone.js';
import { hostCondition } from '../hostStatus.js';
import { modulePages, pagesForModules } from '../modulePages.js';
import { isAdministrator, useUser } from '../session.js';
import type { Host } from '../types.js';

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
  const navigate = useNavigate();
  const user = useUser();
  const admin = isAdministrator(user);
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
  const tabs = approved ? pagesForModules(host.modules) : [];
  const openPage = modulePages.find((page) => page.name === module);
  if (approved && openPage && !tabs.includes(openPage)) tabs.push(openPage);
  const firstTab = tabs[0];
  if (!module && firstTab) return <Navigate to={`/hosts/${encodeURIComponent(host.id)}/${firstTab.name}`} replace />;
  const unknownModule = approved && module !== undefined && !openPage;
  const serving = openPage ? host.modules.includes(openPage.name) : true;

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
          {admin && <HostAdminMenu host={host} />}
        </Group>
        <Collapse expanded={detailsShown}>
          <Box pt="md">
            <HostDetails host={host} />
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
      ) : tabs.length === 0 ? (
        <Paper withBorder radius="md" p="xl">
          <NoModules host={host} admin={admin} />
        </Paper>
      ) : (
        <Tabs
          value={module ?? null}
          onChange={(value) => value && navigate(`/hosts/${encodeURIComponent(host.id)}/${value}`)}
          keepMounted={false}
        >
          <Tabs.List>
            {tabs.map((page) => (
              <Tabs.Tab key={page.name} value={page.name}>
                {page.title}
              </Tabs.Tab>
            ))}
          </Tabs.List>
          {!serving && (
            <Alert color="red" variant="light" mt="sm" icon={<IconPlugConnectedX size={18} />}>
              {hostCondition(host) === 'offline'
                ? 'The host is offline. What is shown was loaded before it dropped; actions fail until it reconnects.'
                : 'This host no longer serves this module.'}
            </Alert>
          )}
          {tabs.map((page) => (
            <Tabs.Panel key={page.name} value={page.name} pt="md">
              <Box>
                <page.Page host={host} />
              </Box>
            </Tabs.Panel>
          ))}
        </Tabs>
      )}
    </Stack>
  );
}
