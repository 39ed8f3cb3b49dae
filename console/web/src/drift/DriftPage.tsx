/**
 * The host's Changes tab: what differs from the state an administrator approved (hostname, interfaces,
 * listening ports, users, packages), and approving the state as it is now. Console-level, not a module page:
 * the console gathers the facts through the host's modules and keeps the baseline.
 */
import { useState } from 'react';
import { Alert, Box, Button, Code, Divider, Paper, Skeleton, Stack, Text, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle, IconChecks } from '@tabler/icons-react';
import { isApiError } from '../api.js';
import { describeError, ErrorAlert } from '../components/ErrorAlert.js';
import { usePhone } from '../hooks/usePhone.js';
import { canManageHosts, useUser } from '../session.js';
import type { ModulePageProps } from '../types.js';
import { ApproveDialog } from './ApproveDialog.js';
import { CategorySection } from './CategorySection.js';
import { DriftSummary } from './DriftSummary.js';
import { categoryLabel, categoryOrder, categoryState, hasSomethingToApprove, useApproveBaseline, useDriftReport, type DriftReport } from './driftApi.js';

/** Problem codes that mean the host will not give this category at all (its policy), not that reading it failed. */
const permanentlyWithheld = ['policy-denied', 'unknown-module', 'unknown-method'];

function Loading() {
  return (
    <Stack gap="sm" aria-busy="true" aria-label="Reading the host’s facts">
      <Paper withBorder radius="md" p="md">
        <Text size="sm" c="dimmed" mb="xs">
          Reading the host’s hostname, interfaces, ports, users and packages; this takes a few seconds…
        </Text>
        <Skeleton height={28} width="55%" />
      </Paper>
      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          {categoryOrder.map((c) => (
            <Skeleton key={c} height={18} width={`${40 + ((c.length * 7) % 30)}%`} />
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}

export default function DriftPage({ host }: ModulePageProps) {
  const user = useUser();
  const phone = usePhone();
  const mayApprove = canManageHosts(user);
  const query = useDriftReport(host.id, host.online);
  const approve = useApproveBaseline(host.id);
  // The report the dialog was opened on: a refresh meanwhile must not change what is being approved.
  const [reviewing, setReviewing] = useState<DriftReport | null>(null);
  const [conflict, setConflict] = useState<{ code: string; message: string } | null>(null);

  const report = query.data;
  const refreshing = query.isFetching;

  const confirm = (reviewed: DriftReport) => {
    approve.mutate(reviewed.digest, {
      onSuccess: () => {
        setReviewing(null);
        setConflict(null);
        notifications.show({
          color: 'teal',
          title: 'Baseline approved',
          message: `${host.name}: later changes are compared with the state you approved.`,
        });
      },
      onError: (error) => {
        // The host moved on (or a category went unreadable) since the report: show why, then the new state.
        if (isApiError(error, 'conflict')) {
          setReviewing(null);
          setConflict(describeError(error));
          void query.refetch();
        }
      },
    });
  };

  if (!report) {
    if (query.isError) return <ErrorAlert error={query.error} title="Could not read the host’s facts" onRetry={() => void query.refetch()} />;
    if (!host.online && !query.isFetching) {
      return (
        <Alert color="gray" variant="light" title="The host is offline">
          Changes are checked against the host as it is now; they can be read again once its agent reconnects.
        </Alert>
      );
    }
    return <Loading />;
  }

  // Categories the host's policy withholds for good stay out of the baseline; others (a failed read) block it.
  const blockedBy = report.unavailable.filter((u) => !permanentlyWithheld.includes(u.code)).map((u) => categoryLabel[u.category]);
  let approveAction = null;
  if (mayApprove && hasSomethingToApprove(report)) {
    const button = (
      <Button
        fullWidth={phone}
        leftSection={<IconChecks size={16} />}
        color={report.changes > 0 ? 'orange' : undefined}
        disabled={refreshing || blockedBy.length > 0}
        onClick={() => {
          approve.reset();
          setReviewing(report);
        }}
      >
        {/* The full words do not fit beside Refresh on a phone; the headline above says what is approved. */}
        {phone ? 'Approve…' : 'Approve current state'}
      </Button>
    );
    approveAction =
      blockedBy.length > 0 ? (
        <Tooltip label={`Approving needs every category the host serves read: ${blockedBy.join(', ')} could not be.`} multiline w={260}>
          <span style={{ display: phone ? 'block' : 'inline-block' }}>{button}</span>
        </Tooltip>
      ) : (
        button
      );
  }

  return (
    <Stack gap="sm" data-drift-page>
      <DriftSummary report={report} refreshing={refreshing} onRefresh={() => void query.refetch()} approveAction={approveAction} />

      {conflict && (
        <Alert
          color="yellow"
          variant="light"
          icon={<IconAlertTriangle size={18} />}
          title="Nothing was approved"
          withCloseButton
          onClose={() => setConflict(null)}
          role="alert"
          data-drift-conflict
        >
          <Text size="sm">
            <Code fz="xs" mr={6}>
              {conflict.code}
            </Code>
            {conflict.message}
          </Text>
          <Text size="sm" mt={4}>
            {refreshing ? 'Reading the host’s state again…' : 'What is shown below is the state read again; review it and approve again.'}
          </Text>
        </Alert>
      )}

      {query.isError && (
        <ErrorAlert error={query.error} title="Could not refresh; this is the last report read" onRetry={() => void query.refetch()} />
      )}

      {mayApprove && blockedBy.length > 0 && hasSomethingToApprove(report) && (
        <Text size="sm" c="dimmed">
          Approving needs every category the host serves read; until {blockedBy.join(', ')} can be, the baseline cannot be updated.
        </Text>
      )}

      <Paper
        withBorder
        radius="md"
        aria-busy={refreshing}
        style={{ overflow: 'hidden', opacity: refreshing ? 0.6 : 1, transition: 'opacity 150ms' }}
      >
        {categoryOrder.map((category, index) => (
          <Box key={category}>
            {index > 0 && <Divider />}
            <CategorySection category={category} state={categoryState(report, category)} />
          </Box>
        ))}
      </Paper>

      <ApproveDialog
        report={reviewing}
        hostName={host.name}
        username={user.username}
        approving={approve.isPending}
        error={approve.isError && !isApiError(approve.error, 'conflict') ? approve.error : null}
        onConfirm={confirm}
        onClose={() => setReviewing(null)}
      />
    </Stack>
  );
}
