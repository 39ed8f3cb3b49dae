/** One package in a drawer: versions, size, origin facts, dependencies and description, with its actions. */
import type { ReactNode } from 'react';
import { Badge, Button, Code, Drawer, Group, SimpleGrid, Skeleton, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { apiCall } from '../../console/web/src/api.js';
import { ErrorAlert } from '../../console/web/src/components/ErrorAlert.js';
import { formatBytes } from '../../console/web/src/format.js';
import { usePhone } from '../../console/web/src/hooks/usePhone.js';
import type { contract } from './contract.js';

type DetailsResult = z.output<typeof contract.methods.details.result>;

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {children}
      </Text>
    </div>
  );
}

export function PackageDrawer({
  hostId,
  name,
  onClose,
  busy,
  canInstall,
  canRemove,
  onInstall,
  onUpgrade,
  onRemove,
}: {
  hostId: string;
  name: string | null;
  onClose: () => void;
  busy: boolean;
  canInstall: boolean;
  canRemove: boolean;
  onInstall: (name: string) => void;
  onUpgrade: (name: string) => void;
  onRemove: (name: string) => void;
}) {
  const phone = usePhone();
  const details = useQuery({
    queryKey: ['host', hostId, 'package', 'details', name],
    queryFn: ({ signal }) => apiCall<DetailsResult>(hostId, 'package', 'details', { name }, { signal }),
    enabled: name !== null,
    staleTime: 0,
  });
  const d = details.data;
  const upgradable = d?.installedVersion && d.candidateVersion && d.installedVersion !== d.candidateVersion;
  return (
    <Drawer opened={name !== null} onClose={onClose} position="right" size={phone ? '100%' : 'lg'} title={<Code fz="md">{name}</Code>}>
      {details.isPending ? (
        <Stack gap="xs">
          <Skeleton h={20} />
          <Skeleton h={80} />
        </Stack>
      ) : details.isError ? (
        <ErrorAlert error={details.error} title="Could not read the package" onRetry={() => void details.refetch()} />
      ) : d ? (
        <Stack gap="md">
          <Group gap="xs">
            {d.installedVersion ? (
              <Badge color="teal" variant="light" radius="sm" tt="none">
                installed {d.installedVersion}
              </Badge>
            ) : (
              <Badge color="gray" variant="outline" radius="sm" tt="none">
                not installed
              </Badge>
            )}
            {upgradable && (
              <Badge color="blue" variant="light" radius="sm" tt="none">
                update to {d.candidateVersion}
              </Badge>
            )}
          </Group>
          <Text size="sm" fw={500}>
            {d.summary}
          </Text>
          <Group gap="xs">
            {canInstall && !d.installedVersion && d.candidateVersion && (
              <Button size="xs" disabled={busy} onClick={() => onInstall(d.name)}>
                Install {d.candidateVersion}
              </Button>
            )}
            {canInstall && upgradable && (
              <Button size="xs" disabled={busy} onClick={() => onUpgrade(d.name)}>
                Update to {d.candidateVersion}
              </Button>
            )}
            {canRemove && d.installedVersion && (
              <Button size="xs" color="red" variant="light" disabled={busy} onClick={() => onRemove(d.name)}>
                Remove…
              </Button>
            )}
          </Group>
          <SimpleGrid cols={2} spacing="sm">
            <Fact label="Installed">{d.installedVersion ?? '—'}</Fact>
            <Fact label="Candidate">{d.candidateVersion ?? '—'}</Fact>
            <Fact label="Architecture">{d.architecture || '—'}</Fact>
            <Fact label="Section">{d.section || '—'}</Fact>
            <Fact label="Installed size">{d.sizeBytes !== undefined ? formatBytes(d.sizeBytes) : '—'}</Fact>
            <Fact label="Download size">{d.downloadBytes !== undefined ? formatBytes(d.downloadBytes) : '—'}</Fact>
          </SimpleGrid>
          <Fact label="Maintainer">{d.maintainer || '—'}</Fact>
          {/* A homepage from the agent is data, shown as text rather than a link a click would follow. */}
          <Fact label="Homepage">{d.homepage ? <Code>{d.homepage}</Code> : '—'}</Fact>
          <Fact label="Depends">{d.depends ? <Text size="xs" ff="monospace">{d.depends}</Text> : '—'}</Fact>
          {d.description && (
            <Fact label="Description">
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {d.description}
              </Text>
            </Fact>
          )}
        </Stack>
      ) : null}
    </Drawer>
  );
}
