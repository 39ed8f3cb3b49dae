/**
 * Approvals (docs/api.md "Approvals"): requests waiting for the person looking (someone else's, which they may
 * approve), each with the exact call it will make, the reason and the time left; approve with a comment or
 * reject with a reason. Below, the person's own requests and how they ended. Updates live (`approvals-changed`).
 */
import { useState } from 'react';
import { Badge, Button, Code, Group, Modal, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { IconCheck, IconX } from '@tabler/icons-react';
import { describeError, ErrorAlert } from '../components/ErrorAlert.js';
import { RelativeTime } from '../components/RelativeTime.js';
import { TableFrame } from '../components/TableFrame.js';
import { TableSkeleton } from '../components/TableSkeleton.js';
import { useUser } from '../session.js';
import { approvalsQueryKey, approve, cancel, listApprovals, reject, type ApprovalState, type ApprovalView } from './approvalsApi.js';

const stateLook: Record<ApprovalState, { label: string; color: string }> = {
  pending: { label: 'waiting', color: 'yellow' },
  approved: { label: 'approved', color: 'teal' },
  performed: { label: 'done', color: 'teal' },
  failed: { label: 'failed', color: 'red' },
  rejected: { label: 'rejected', color: 'red' },
  cancelled: { label: 'cancelled', color: 'gray' },
  expired: { label: 'expired', color: 'gray' },
};

/** The call exactly as it will be made; params are shown as text, never markup. */
function Call({ request }: { request: ApprovalView }) {
  return (
    <Stack gap={2}>
      <Text size="sm" fw={600}>
        {request.action} on {request.hostName}
      </Text>
      <Code block fz="xs" maw={420} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {JSON.stringify(request.params, null, 2)}
      </Code>
    </Stack>
  );
}

function Outcome({ request }: { request: ApprovalView }) {
  const look = stateLook[request.state];
  const outcome = request.outcome;
  return (
    <Stack gap={2}>
      <Badge size="sm" variant="light" color={look.color}>
        {look.label}
      </Badge>
      {request.decidedBy && (
        <Text size="xs" c="dimmed">
          by {request.decidedBy}
          {request.comment ? `: ${request.comment}` : ''}
        </Text>
      )}
      {request.state === 'approved' && request.action === 'terminal.session' && (
        <Text size="xs">Open the terminal from the host's page before it runs out.</Text>
      )}
      {outcome && 'error' in outcome && (
        <Text size="xs" c="red">
          {outcome.error.code}: {outcome.error.message}
        </Text>
      )}
    </Stack>
  );
}

type Decision = { request: ApprovalView; verb: 'approve' | 'reject' };

function DecisionDialog({ decision, onClose }: { decision: Decision | null; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const decide = useMutation({
    mutationFn: () => (decision!.verb === 'approve' ? approve(decision!.request.id, text.trim()) : reject(decision!.request.id, text.trim())),
    onSuccess: (request) => {
      const failed = request.state === 'failed';
      notifications.show({
        color: failed ? 'red' : 'teal',
        message: decision!.verb === 'reject' ? `Request ${request.id} rejected.` : failed ? `Approved, but the action failed.` : `Request ${request.id} approved.`,
      });
      void queryClient.invalidateQueries({ queryKey: approvalsQueryKey });
      close();
    },
  });
  const close = () => {
    decide.reset();
    setText('');
    onClose();
  };
  const approving = decision?.verb === 'approve';
  const textOk = approving || text.trim().length >= 3;
  return (
    <Modal opened={decision !== null} onClose={close} title={approving ? 'Approve and perform' : 'Reject the request'} size="lg" radius="md">
      {decision && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (textOk) decide.mutate();
          }}
        >
          <Stack gap="md">
            <Call request={decision.request} />
            <Text size="sm">
              Asked by <b>{decision.request.requester}</b>: {decision.request.reason}
            </Text>
            {approving && (
              <Text size="sm" c="dimmed">
                {decision.request.action === 'terminal.session'
                  ? `${decision.request.requester} may then open one such terminal.`
                  : `The console does this now, as ${decision.request.requester}, exactly as shown.`}
              </Text>
            )}
            <Textarea
              label={approving ? 'Comment (optional)' : 'Reason for rejecting'}
              required={!approving}
              autosize
              minRows={2}
              maxLength={500}
              value={text}
              onChange={(event) => setText(event.currentTarget.value)}
            />
            {decide.isError && <ErrorAlert error={decide.error} title={approving ? 'Not approved' : 'Not rejected'} />}
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color={approving ? 'teal' : 'red'} loading={decide.isPending} disabled={!textOk}>
                {approving ? 'Approve' : 'Reject'}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

function RequestTable({ label, requests, loading, empty, actions }: { label: string; requests: ApprovalView[] | undefined; loading: boolean; empty: string; actions: (r: ApprovalView) => React.ReactNode }) {
  return (
    <TableFrame minWidth={900}>
      <Table striped verticalSpacing={6} aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Asked</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>Action</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th>Time left</Table.Th>
            <Table.Th>State</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        {loading && <TableSkeleton rows={2} columns={7} />}
        <Table.Tbody>
          {requests?.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={7}>
                <Text size="sm" c="dimmed">
                  {empty}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
          {requests?.map((request) => (
            <Table.Tr key={request.id} data-approval-id={request.id}>
              <Table.Td>
                <RelativeTime iso={request.createdAt} />
              </Table.Td>
              <Table.Td>{request.requester}</Table.Td>
              <Table.Td>
                <Call request={request} />
              </Table.Td>
              <Table.Td maw={260}>
                <Text size="sm">{request.reason}</Text>
              </Table.Td>
              <Table.Td>{request.state === 'pending' || request.state === 'approved' ? <RelativeTime iso={request.expiresAt} /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
              <Table.Td>
                <Outcome request={request} />
              </Table.Td>
              <Table.Td ta="right">{actions(request)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

export function ApprovalsPage() {
  const user = useUser();
  const queryClient = useQueryClient();
  const [decision, setDecision] = useState<Decision | null>(null);
  const requests = useQuery({ queryKey: approvalsQueryKey, queryFn: listApprovals, refetchInterval: 60_000 });
  const withdraw = useMutation({
    mutationFn: (id: number) => cancel(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: approvalsQueryKey }),
    onError: (error) => {
      const { code, message } = describeError(error);
      notifications.show({ color: 'red', title: 'Could not cancel', message: `${message} (${code})` });
    },
  });
  const waiting = requests.data?.filter((r) => r.state === 'pending' && r.requester !== user.username);
  const mine = requests.data?.filter((r) => r.requester === user.username);
  const others = requests.data?.filter((r) => r.state !== 'pending' && r.requester !== user.username);

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Approvals</Title>
        <Text size="sm" c="dimmed">
          Dangerous actions need a second person. Approve only what you would do yourself: the console then does exactly what is shown, as the person who asked.
        </Text>
      </div>
      {requests.isError && <ErrorAlert error={requests.error} title="Could not load approvals" />}
      <Title order={4}>Waiting for you</Title>
      <RequestTable
        label="Requests waiting for approval"
        requests={waiting}
        loading={requests.isPending}
        empty="Nothing is waiting for a second person."
        actions={(request) => (
          <Group gap="xs" justify="flex-end" wrap="nowrap">
            <Button size="xs" color="teal" leftSection={<IconCheck size={14} />} onClick={() => setDecision({ request, verb: 'approve' })}>
              Approve
            </Button>
            <Button size="xs" variant="default" leftSection={<IconX size={14} />} onClick={() => setDecision({ request, verb: 'reject' })}>
              Reject
            </Button>
          </Group>
        )}
      />
      <Title order={4}>Your requests</Title>
      <RequestTable
        label="Your requests"
        requests={mine}
        loading={requests.isPending}
        empty="You have not asked for any approval."
        actions={(request) =>
          request.state === 'pending' ? (
            <Button size="xs" variant="default" loading={withdraw.isPending && withdraw.variables === request.id} onClick={() => withdraw.mutate(request.id)}>
              Cancel
            </Button>
          ) : null
        }
      />
      {others && others.length > 0 && (
        <>
          <Title order={4}>Decided</Title>
          <RequestTable label="Decided requests" requests={others} loading={false} empty="" actions={() => null} />
        </>
      )}
      <DecisionDialog decision={decision} onClose={() => setDecision(null)} />
    </Stack>
  );
}
