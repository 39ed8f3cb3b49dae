/**
 * "Schedule maintenance": what (a host, a host group by its tag, or a site), when (local date and time, now to
 * two hours from now unless changed) and why. Problems show beside the field they are about, whether this form
 * or the console found them.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { isApiError } from '../../api.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { formatDuration } from '../../format.js';
import { useHosts } from '../../hooks/useHosts.js';
import { usePhone } from '../../hooks/usePhone.js';
import { knownTags } from '../../hostTags.js';
import { useSites } from '../../sites/sitesApi.js';
import { useScheduleMaintenance } from './maintenanceApi.js';
import {
  buildRequest,
  fieldOf,
  fromLocalInput,
  initialValues,
  sentence,
  type FieldErrors,
  type MaintenanceField,
  type MaintenanceFormValues,
  type ScopeKind,
} from './maintenanceForm.js';
import { scopeText, type ScopeNames } from './ScopeLabel.js';

const kinds: { value: ScopeKind; label: string }[] = [
  { value: 'host', label: 'One host' },
  { value: 'group', label: 'Host group (tag)' },
  { value: 'site', label: 'Site' },
];

function ScheduleForm({ onDone, names }: { onDone: () => void; names: ScopeNames }) {
  const hosts = useHosts();
  const sites = useSites();
  const schedule = useScheduleMaintenance();
  const [values, setValues] = useState<MaintenanceFormValues>(() => initialValues(Date.now()));
  const [errors, setErrors] = useState<FieldErrors>({});

  const set = <K extends keyof MaintenanceFormValues>(key: K, value: MaintenanceFormValues[K], field: MaintenanceField) => {
    setValues((previous) => ({ ...previous, [key]: value }));
    if (errors[field]) setErrors((previous) => ({ ...previous, [field]: undefined }));
  };

  const tags = knownTags(hosts.data).filter((tag) => (hosts.data ?? []).some((h) => h.tags.includes(tag)));
  const fromMs = fromLocalInput(values.from);
  const toMs = fromLocalInput(values.to);
  const lasts = !Number.isNaN(fromMs) && !Number.isNaN(toMs) && toMs > fromMs ? formatDuration((toMs - fromMs) / 1000) : null;

  const submit = () => {
    const built = buildRequest(values, Date.now());
    if (built.errors) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    schedule.mutate(built.request, {
      onSuccess: (window) => {
        notifications.show({ color: 'orange', message: `Maintenance scheduled: ${scopeText(window.scope, names)}. Its alarms will not page anyone.` });
        onDone();
      },
      onError: (error) => {
        // The console names the key it refused (`to: must not be in the past`): put it beside that field.
        if (isApiError(error, 'invalid-params')) {
          const field = fieldOf(error.message);
          if (field) setErrors({ [field]: sentence(error.message.slice(error.message.indexOf(':') + 1)) });
        }
      },
    });
  };

  const unplaced = schedule.isError && !(isApiError(schedule.error, 'invalid-params') && fieldOf(schedule.error.message)) ? schedule.error : null;

  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack gap="md">
        <Alert variant="light" color="blue" icon={<IconInfoCircle size={18} />}>
          Alarms inside the window are still raised, recorded and listed, but nobody is paged or e-mailed.
        </Alert>

        <Stack gap={6}>
          <Text size="sm" fw={500} id="maintenance-scope-label">
            What is under maintenance
          </Text>
          <SegmentedControl
            aria-labelledby="maintenance-scope-label"
            fullWidth
            data={kinds}
            value={values.kind}
            onChange={(kind) => set('kind', kind as ScopeKind, 'scope')}
          />
          {values.kind === 'host' && (
            <Select
              aria-label="Host"
              placeholder={hosts.isPending ? 'Loading hosts…' : 'Choose a host'}
              data={(hosts.data ?? []).map((h) => ({ value: h.id, label: h.name }))}
              value={values.hostId}
              onChange={(hostId) => set('hostId', hostId, 'scope')}
              searchable
              nothingFoundMessage="No such host"
              error={errors.scope}
            />
          )}
          {values.kind === 'group' && (
            <Select
              aria-label="Host tag"
              description="Every host with this tag, including hosts tagged while the window runs."
              placeholder={tags.length ? 'Choose a tag' : 'No host has a tag yet'}
              data={tags}
              value={values.tag}
              onChange={(tag) => set('tag', tag, 'scope')}
              searchable
              nothingFoundMessage="No host has that tag"
              error={errors.scope}
            />
          )}
          {values.kind === 'site' && (
            <Select
              aria-label="Site"
              placeholder={sites.isPending ? 'Loading sites…' : 'Choose a site'}
              data={(sites.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
              value={values.siteId}
              onChange={(siteId) => set('siteId', siteId, 'scope')}
              searchable
              nothingFoundMessage="No such site"
              error={errors.scope}
            />
          )}
        </Stack>

        <Group grow align="flex-start" gap="sm" wrap="wrap">
          <TextInput
            type="datetime-local"
            label="From"
            required
            value={values.from}
            onChange={(event) => set('from', event.currentTarget.value, 'from')}
            error={errors.from}
            miw={200}
          />
          <TextInput
            type="datetime-local"
            label="Until"
            required
            value={values.to}
            onChange={(event) => set('to', event.currentTarget.value, 'to')}
            error={errors.to}
            description={lasts ? `Lasts ${lasts} (at most 31 days)` : 'At most 31 days'}
            miw={200}
          />
        </Group>
        <Text size="xs" c="dimmed" mt={-8}>
          Times are in this browser’s time zone ({Intl.DateTimeFormat().resolvedOptions().timeZone}).
        </Text>

        <Textarea
          label="Reason"
          description="Shown on the alarms raised meanwhile, and in the audit log."
          placeholder="e.g. Replacing dosing pump P-301"
          required
          autosize
          minRows={2}
          maxLength={1000}
          value={values.reason}
          onChange={(event) => set('reason', event.currentTarget.value, 'reason')}
          error={errors.reason}
        />

        {unplaced && <ErrorAlert error={unplaced} title="The console did not schedule the window" />}

        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" color="orange" loading={schedule.isPending}>
            Schedule maintenance
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ScheduleMaintenanceDialog({ opened, onClose, names }: { opened: boolean; onClose: () => void; names: ScopeNames }) {
  const phone = usePhone();
  return (
    <Modal opened={opened} onClose={onClose} title="Schedule maintenance" size="lg" fullScreen={phone}>
      {/* Mounted only while open, so each opening starts from now with a clean form. */}
      {opened && <ScheduleForm onDone={onClose} names={names} />}
    </Modal>
  );
}
