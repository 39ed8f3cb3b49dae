/**
 * Changing a setpoint: the current value with its quality and age, the rule the gateway enforces, the new value
 * and a reason, a check of the step before anything is sent, and then what the device read back. The gateway
 * checks everything again; this dialog only makes a refusal unsurprising.
 */
import { useState } from 'react';
import { Alert, Button, Code, Group, List, Modal, NumberInput, SegmentedControl, Stack, Text, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconHelpTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { describeError } from '../components/ErrorAlert.js';
import { isApiError } from '../api.js';
import { usePhone } from '../hooks/usePhone.js';
import { checkSetpoint, describeRule } from './setpointCheck.js';
import { siteTagsQueryKey, writeSetpoint, type SetpointResult, type SiteTag } from './sitesApi.js';
import { formatNumber, formatUnit, formatWithUnit, shownQuality } from './tagState.js';
import { NeedsApproval } from '../approvals/NeedsApproval.js';
import { isApprovalRequired } from '../approvals/approvalsApi.js';

/** What each refusal means for the person at the screen; the console's own message follows. */
const refusal: Record<string, string> = {
  'invalid-params': 'The gateway refused the value: it is outside the limits or too large a step.',
  'rate-limited': 'Too soon after the last change of this tag.',
  forbidden: 'Your role may not change setpoints. Ask an engineer with the right to write.',
  'host-offline': 'The gateway is offline. Nothing was written.',
  timeout: 'The gateway did not answer in time. The write may or may not have reached the device: check the value before trying again.',
  conflict: 'Another change of this tag is under way or just happened. Look at the current value, then try again.',
};

function shownValue(value: SetpointResult['readBack'], tag: Pick<SiteTag, 'unit' | 'decimals'>): string {
  if (value === null) return 'nothing (no read-back)';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return `${formatNumber(value, tag.decimals)}${tag.unit ? ` ${formatUnit(tag.unit)}` : ''}`;
}

function Outcome({ result, tag }: { result: SetpointResult; tag: SiteTag }) {
  if (result.outcome === 'confirmed') {
    return (
      <Alert color="teal" variant="light" icon={<IconCircleCheck size={18} />} title="Confirmed" data-outcome="confirmed">
        The device reads back {shownValue(result.readBack, tag)} (was {shownValue(result.previous, tag)}).
      </Alert>
    );
  }
  if (result.outcome === 'mismatch') {
    return (
      <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} title="The device reads back something else" data-outcome="mismatch">
        Asked for {shownValue(result.requested, tag)}, the device reads back {shownValue(result.readBack, tag)}. It may limit or
        override the value itself; check it at the device.
      </Alert>
    );
  }
  return (
    <Alert color="orange" variant="light" icon={<IconHelpTriangle size={18} />} title="Not confirmed" data-outcome="unknown">
      The value was sent, but the device did not confirm it (the read-back failed). Check the value at the device or on this page
      before you try again — a write is never repeated by itself.
    </Alert>
  );
}

function Refusal({ error }: { error: unknown }) {
  const { code, message } = describeError(error);
  const retry = isApiError(error, 'rate-limited') && error.retryAfterSeconds !== undefined ? ` Try again in ${error.retryAfterSeconds} s.` : '';
  return (
    <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Not written" role="alert" data-outcome="refused">
      <Text size="sm">
        {(refusal[code] ?? 'The change was refused.') + retry}
      </Text>
      <Text size="sm" mt={4}>
        <Code color="red.1" c="red.9" fz="xs" mr={6}>
          {code}
        </Code>
        {message}
      </Text>
    </Alert>
  );
}

export function SetpointDialog({ siteId, tag, now, onClose }: { siteId: string; tag: SiteTag; now: number; onClose: () => void }) {
  const phone = usePhone();
  const queryClient = useQueryClient();
  const isBool = tag.type === 'bool';
  const [number, setNumber] = useState<string | number>(typeof tag.value === 'number' ? tag.value : '');
  const [bool, setBool] = useState<boolean | undefined>(typeof tag.value === 'boolean' ? !tag.value : undefined);
  const [reason, setReason] = useState('');
  const write = useMutation({
    mutationFn: (value: number | boolean) => writeSetpoint(siteId, tag.name, value, reason.trim()),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: siteTagsQueryKey(siteId) }),
  });

  const requested = isBool ? bool : number === '' ? undefined : Number(number);
  const check = checkSetpoint(tag, requested);
  const reasonOk = reason.trim().length >= 3;
  const shown = shownQuality(tag, now);
  const done = write.isSuccess || write.isError;
  const unit = tag.unit ? formatUnit(tag.unit) : '';

  return (
    <Modal opened onClose={onClose} title={<Text fw={650}>Change {tag.name}</Text>} size="lg" fullScreen={phone} centered>
      <Stack gap="md">
        <div>
          <Text size="sm" c="dimmed">
            {(tag.description || tag.name).replace(/\.$/, '')} · {tag.deviceName || tag.device}
          </Text>
          <Group gap="xs" align="baseline" mt={4}>
            <Text size="sm">Now:</Text>
            <Text fz="xl" fw={650} className="gh-num" c={shown.quality === 'good' ? undefined : shown.quality === 'stale' ? 'dimmed' : 'var(--mantine-color-orange-text)'} data-current>
              {formatWithUnit({ ...tag, quality: shown.quality === 'comm-fault' ? 'comm-fault' : tag.quality })}
            </Text>
            <Text size="sm" c={shown.quality === 'comm-fault' ? 'var(--mantine-color-orange-text)' : 'dimmed'}>
              {shown.text}
            </Text>
          </Group>
        </div>

        {tag.write && (
          <List size="sm" spacing={2} aria-label="Write rule">
            {describeRule(tag.write, tag).map((line) => (
              <List.Item key={line}>{line}</List.Item>
            ))}
          </List>
        )}

        {!done && (
          <>
            {isBool ? (
              <div>
                <Text size="sm" fw={500} mb={4}>
                  New value
                </Text>
                <SegmentedControl
                  value={bool === undefined ? '' : bool ? 'on' : 'off'}
                  onChange={(v) => setBool(v === 'on')}
                  data={[
                    { value: 'off', label: 'Off' },
                    { value: 'on', label: 'On' },
                  ]}
                  aria-label="New value"
                />
              </div>
            ) : (
              <NumberInput
                label="New value"
                value={number}
                onChange={setNumber}
                decimalScale={tag.decimals ?? 6}
                step={tag.decimals ? 10 ** -tag.decimals : 1}
                min={tag.write?.min}
                max={tag.write?.max}
                clampBehavior="none"
                rightSection={unit ? <Text size="sm" c="dimmed">{unit}</Text> : undefined}
                rightSectionWidth={unit ? Math.max(36, unit.length * 9 + 16) : undefined}
                className="gh-num"
                data-autofocus
              />
            )}
            <Textarea
              label="Reason"
              description="Recorded in the audit log with the old, new and read-back values."
              required
              autosize
              minRows={2}
              maxLength={500}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
              error={reason.length > 0 && !reasonOk ? 'At least 3 characters' : undefined}
            />
            {(check.change || check.problems.length > 0 || check.notes.length > 0) && (
              <Stack gap={4} aria-label="Check before sending" data-check>
                {check.change && (
                  <Text size="sm">
                    Change: <span className="gh-num">{check.change}</span>
                  </Text>
                )}
                {check.problems.map((p) => (
                  <Text key={p} size="sm" c="var(--mantine-color-orange-text)" fw={600}>
                    {p}
                  </Text>
                ))}
                {check.notes.map((n) => (
                  <Text key={n} size="sm" c="dimmed">
                    {n}
                  </Text>
                ))}
              </Stack>
            )}
          </>
        )}

        {write.isSuccess && <Outcome result={write.data} tag={tag} />}
        {write.isError &&
          (isApprovalRequired(write.error) ? (
            <NeedsApproval hostId={tag.hostId} action="modbus.write" params={{ tag: tag.name, value: write.variables, reason: reason.trim() }} what={`Changing ${tag.name}`} />
          ) : (
            <Refusal error={write.error} />
          ))}

        <Group justify="flex-end" gap="sm">
          {done ? (
            <>
              <Button variant="default" onClick={() => write.reset()}>
                Change again
              </Button>
              <Button onClick={onClose}>Close</Button>
            </>
          ) : (
            <>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button
                color="orange"
                loading={write.isPending}
                disabled={check.problems.length > 0 || !reasonOk || requested === undefined}
                onClick={() => requested !== undefined && write.mutate(requested)}
              >
                Write to the device
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
