/**
 * What a page shows instead of a bare error when the console answers `approval-required`: the action needs a
 * second person. The operator says why and sends the exact call as a request; someone else approves it on the
 * Approvals page, and the console then performs it as asked. One component for every such place (setpoints,
 * package removal, user deletion, power, terminals).
 */
import { useState, type ReactNode } from 'react';
import { Alert, Anchor, Button, Code, Group, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { IconUsersGroup } from '@tabler/icons-react';
import { Link } from 'react-router';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { approvalsQueryKey, isApprovalRequired, requestApproval } from './approvalsApi.js';

const minReason = 10;

export function NeedsApproval({ hostId, action, params, what }: { hostId: string; action: string; params: Record<string, unknown>; what?: string }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const send = useMutation({
    mutationFn: () => requestApproval({ hostId, action, params, reason: reason.trim() }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: approvalsQueryKey }),
  });
  const reasonOk = reason.trim().length >= minReason;

  if (send.isSuccess) {
    return (
      <Alert color="teal" variant="light" icon={<IconUsersGroup size={18} />} title="Approval requested" data-approval-request={send.data.id}>
        <Text size="sm">
          Request {send.data.id} is waiting for a second person. Once approved, the console does exactly this, as you. Follow it on the{' '}
          <Anchor component={Link} to="/approvals">
            Approvals
          </Anchor>{' '}
          page.
        </Text>
      </Alert>
    );
  }

  return (
    <Alert color="orange" variant="light" icon={<IconUsersGroup size={18} />} title="Needs a second person" role="alert" data-outcome="approval-required">
      {/* Not a form: this often sits inside the dialog's own form, and forms do not nest. */}
      <Stack gap="sm">
          <Text size="sm">
            {what ?? 'This action'} must be approved by someone else before it is done. Say why; the request holds exactly{' '}
            <Code fz="xs">{action}</Code> with these parameters:
          </Text>
          {/* Shown as text: the parameters are the operator's own input, never markup. */}
          <Code block fz="xs" aria-label="Parameters to approve">
            {JSON.stringify(params, null, 2)}
          </Code>
          <Textarea
            label="Reason for the request"
            required
            autosize
            minRows={2}
            maxLength={500}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={reason.length > 0 && !reasonOk ? `At least ${minReason} characters` : undefined}
          />
          {send.isError && <ErrorAlert error={send.error} title="Could not request approval" />}
          <Group justify="flex-end">
            <Button type="button" color="orange" loading={send.isPending} disabled={!reasonOk} onClick={() => send.mutate()}>
              Request approval
            </Button>
          </Group>
      </Stack>
    </Alert>
  );
}

/** An error, or — when it is `approval-required` — the form to request approval of that very call. */
export function ErrorOrApproval({
  error,
  hostId,
  action,
  params,
  what,
  title,
  children,
}: {
  error: unknown;
  hostId: string;
  action: string;
  params: Record<string, unknown>;
  what?: string;
  title?: string;
  /** Shown for any other error instead of the standard alert. */
  children?: ReactNode;
}) {
  if (isApprovalRequired(error)) return <NeedsApproval hostId={hostId} action={action} params={params} {...(what ? { what } : {})} />;
  if (children !== undefined) return <>{children}</>;
  return <ErrorAlert error={error} {...(title ? { title } : {})} />;
}
