/**
 * The alarm table with what goes around it wherever it is shown (the fleet page, a site's card): the selection,
 * "Acknowledge selected", the acknowledge dialog and the detail drawer.
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { IconChecks } from '@tabler/icons-react';
import type { Alarm } from '../../../../modules/kernel/alarm-model.js';
import { useUser } from '../session.js';
import { AcknowledgeDialog } from './AcknowledgeDialog.js';
import { AlarmDetailDrawer } from './AlarmDetailDrawer.js';
import { AlarmTable } from './AlarmTable.js';
import { needsAcknowledge } from './alarmFormat.js';
import { alarmPermissions } from './alarmsApi.js';

export function AlarmListView({
  alarms,
  loading,
  empty,
  showSite,
  siteNames,
  label,
  toolbar,
}: {
  alarms: Alarm[];
  loading: boolean;
  empty: ReactNode;
  showSite: boolean;
  siteNames: ReadonlyMap<string, string>;
  label: string;
  /** Filters and the like, on the left of "Acknowledge selected". */
  toolbar?: ReactNode;
}) {
  const may = alarmPermissions(useUser());
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  // The alarms being acknowledged, fixed when the dialog opens: live news must not change the list under the operator.
  const [acknowledging, setAcknowledging] = useState<Alarm[] | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);

  // Only what is still listed and still waiting counts as selected: an alarm acknowledged elsewhere drops out.
  const selected = useMemo(() => new Set(alarms.filter((a) => chosen.has(a.id) && needsAcknowledge(a)).map((a) => a.id)), [alarms, chosen]);
  const selectedAlarms = alarms.filter((a) => selected.has(a.id));
  const openAlarm = openId ? alarms.find((a) => a.id === openId) : undefined;

  return (
    <>
      {(toolbar || may.acknowledge) && (
        <Group justify="space-between" align="flex-end" gap="sm" wrap="wrap">
          <Group gap="sm" align="flex-end" wrap="wrap" style={{ flexGrow: 1 }}>
            {toolbar}
          </Group>
          {may.acknowledge && (
            <Group gap="xs" wrap="nowrap">
              {selected.size > 0 && (
                <Text size="sm" c="dimmed">
                  {selected.size} selected
                </Text>
              )}
              <Button leftSection={<IconChecks size={16} />} disabled={selected.size === 0} onClick={() => setAcknowledging(selectedAlarms)}>
                Acknowledge selected
              </Button>
            </Group>
          )}
        </Group>
      )}
      <AlarmTable
        alarms={alarms}
        loading={loading}
        empty={empty}
        onOpen={(alarm) => setOpenId(alarm.id)}
        selected={selected}
        onSelectedChange={may.acknowledge ? setChosen : undefined}
        showSite={showSite}
        siteNames={siteNames}
        label={label}
      />
      {acknowledging && (
        <AcknowledgeDialog
          alarms={acknowledging}
          onClose={() => setAcknowledging(null)}
          onDone={(done) => setChosen((previous) => new Set([...previous].filter((id) => !done.includes(id))))}
        />
      )}
      <AlarmDetailDrawer alarmId={openId} fallback={openAlarm} siteNames={siteNames} onClose={() => setOpenId(null)} />
    </>
  );
}
