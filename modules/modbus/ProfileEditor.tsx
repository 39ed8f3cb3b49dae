/**
 * The device profile of a gateway, for those who manage sites: which site it belongs to and the profile text
 * (YAML or JSON, as the engineer writes it, comments kept). Applying checks it on the console — a mistake is
 * listed by key, e.g. `devices[0].tags[3].wordOrder` — stores it and gives it to the gateway.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Group, SegmentedControl, Select, Stack, Text, Textarea, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../console/web/src/api.js';
import { describeError } from '../../console/web/src/components/ErrorAlert.js';
import type { SiteSummary } from './site-api.js';

interface GatewayRecord {
  hostId: string;
  siteId: string;
  profileText: string;
  profileFormat: 'yaml' | 'json';
  profileHash: string;
  updatedBy: string;
  updatedAt: string;
}

const placeholder = `version: 1
buses:
  - { id: plc-lan, kind: tcp, host: 192.0.2.10, port: 502 }
devices:
  - id: intake-plc
    name: Intake PLC
    bus: plc-lan
    unitId: 1
    tags:
      - { name: LT-201.level, area: input-register, address: 0, type: float32, unit: m, pollClass: normal }`;

export function ProfileEditor({ hostId, sites, currentSite }: { hostId: string; sites: SiteSummary[]; currentSite: SiteSummary | undefined }) {
  const queryClient = useQueryClient();
  const [siteId, setSiteId] = useState<string | null>(currentSite?.id ?? sites[0]?.id ?? null);
  const [text, setText] = useState('');
  const [format, setFormat] = useState<'yaml' | 'json'>('yaml');
  const [loadedFor, setLoadedFor] = useState<string | null>(null);

  const gateways = useQuery({
    queryKey: ['site', currentSite?.id, 'gateways'],
    queryFn: ({ signal }) => api.get<GatewayRecord[]>(`/api/sites/${encodeURIComponent(currentSite?.id ?? '')}/gateways`, { signal }),
    enabled: currentSite !== undefined,
  });
  const saved = gateways.data?.find((g) => g.hostId === hostId);

  // Load the stored text once per gateway record; later edits are the engineer's until applied.
  useEffect(() => {
    if (saved && loadedFor !== saved.profileHash) {
      setText(saved.profileText);
      setFormat(saved.profileFormat);
      setLoadedFor(saved.profileHash);
    }
  }, [saved, loadedFor]);

  const apply = useMutation({
    mutationFn: () => api.put<GatewayRecord & { pushed: boolean; pushError?: string }>(`/api/sites/${encodeURIComponent(siteId ?? '')}/gateways`, { hostId, text, format }),
    onSuccess: (result) => {
      notifications.show({
        color: result.pushed ? 'teal' : 'yellow',
        title: 'Profile saved',
        message: result.pushed ? 'The gateway polls with it now.' : `The gateway gets it when it is next online.${result.pushError ? ` (${result.pushError})` : ''}`,
      });
      setLoadedFor(result.profileHash);
      void queryClient.invalidateQueries({ queryKey: ['sites'] });
      void queryClient.invalidateQueries({ queryKey: ['site'] });
      void queryClient.invalidateQueries({ queryKey: ['host', hostId, 'modbus'] });
    },
  });

  const problem = apply.error ? describeError(apply.error) : undefined;
  const changed = !saved || saved.profileText !== text || saved.profileFormat !== format || saved.siteId !== siteId;

  return (
    <Card withBorder padding="md" radius="md">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-end">
          <div>
            <Title order={4} size="h5">
              Device profile
            </Title>
            <Text size="sm" c="dimmed">
              {saved ? `Saved by ${saved.updatedBy}, ${new Date(saved.updatedAt).toLocaleString()}` : 'This host is not a gateway of any site yet.'}
            </Text>
          </div>
          <Group gap="sm" align="flex-end">
            <Select
              label="Site"
              data={sites.map((s) => ({ value: s.id, label: s.name }))}
              value={siteId}
              onChange={setSiteId}
              allowDeselect={false}
              w={220}
              placeholder={sites.length === 0 ? 'Create a site first' : 'Choose a site'}
            />
            <SegmentedControl value={format} onChange={(v) => setFormat(v === 'json' ? 'json' : 'yaml')} data={[{ value: 'yaml', label: 'YAML' }, { value: 'json', label: 'JSON' }]} />
          </Group>
        </Group>
        <Textarea
          aria-label="Profile text"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          placeholder={placeholder}
          autosize
          minRows={12}
          maxRows={32}
          spellCheck={false}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
        />
        {problem && (
          <Alert color="red" variant="light" title={problem.code === 'invalid-params' ? 'The profile has mistakes' : 'Could not save the profile'}>
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} ff={problem.code === 'invalid-params' ? 'monospace' : undefined}>
              {problem.message}
            </Text>
          </Alert>
        )}
        <Group justify="flex-end">
          <Button onClick={() => apply.mutate()} loading={apply.isPending} disabled={!siteId || text.trim() === '' || !changed}>
            Check and apply
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
