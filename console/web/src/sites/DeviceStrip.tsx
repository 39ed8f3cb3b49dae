/**
 * The header strip of a site page: one line per gateway that is offline and one per device with its
 * communication state — answering, or not answering since when — so a wall of dashes below has its cause above.
 */
import { Group, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconPlugConnected, IconPlugConnectedX, IconWifiOff } from '@tabler/icons-react';
import { formatDateTime } from '../format.js';
import type { SiteSummary, SiteTag } from './sitesApi.js';
import { formatAge, readingAge, shownQuality } from './tagState.js';

type DeviceComm = 'answering' | 'not-answering' | 'unknown';

/** A device's comm state from its `<device>.comm` tag (true = answering), with what to say about it. */
export function deviceComm(tag: SiteTag, now: number, gatewayOnline: boolean): { comm: DeviceComm; text: string } {
  const shown = shownQuality(tag, now, { gatewayOnline });
  const age = readingAge(tag.ts, now);
  if (!gatewayOnline) return { comm: 'unknown', text: 'unknown — its gateway is offline' };
  if (shown.quality !== 'good' || typeof tag.value !== 'boolean') return { comm: 'unknown', text: `unknown — ${shown.text}` };
  if (tag.value) return { comm: 'answering', text: 'answering' };
  return { comm: 'not-answering', text: `not answering since ${formatDateTime(tag.ts)}${age !== undefined ? ` (${formatAge(age)})` : ''}` };
}

export function DeviceStrip({ site, devices, now }: { site: SiteSummary | undefined; devices: SiteTag[]; now: number }) {
  const offlineGateways = (site?.gateways ?? []).filter((g) => !g.online);
  const offline = new Set(offlineGateways.map((g) => g.hostId));
  if (devices.length === 0 && offlineGateways.length === 0) return null;
  return (
    <Paper withBorder radius="md" px="md" py="xs" aria-label="Communication">
      <Stack gap={4}>
        {offlineGateways.map((gateway) => (
          <Group key={gateway.hostId} gap="xs" wrap="wrap" data-gateway={gateway.hostId} data-online="false">
            <ThemeIcon size="sm" variant="light" color="red">
              <IconWifiOff size={14} aria-hidden />
            </ThemeIcon>
            <Text size="sm" fw={600}>
              Gateway {gateway.name}
            </Text>
            <Text size="sm" c="red.7">
              offline — values below are the last it sent
            </Text>
          </Group>
        ))}
        {devices.map((tag) => {
          const { comm, text } = deviceComm(tag, now, !offline.has(tag.hostId));
          const Icon = comm === 'answering' ? IconPlugConnected : IconPlugConnectedX;
          return (
            <Group key={tag.name} gap="xs" wrap="wrap" data-device={tag.device} data-comm={comm}>
              <ThemeIcon size="sm" variant="light" color={comm === 'answering' ? 'teal' : comm === 'not-answering' ? 'orange' : 'gray'}>
                <Icon size={14} aria-hidden />
              </ThemeIcon>
              <Text size="sm" fw={600} className="gh-truncate" title={tag.device}>
                {tag.deviceName || tag.device}
              </Text>
              <Text size="sm" c={comm === 'not-answering' ? 'var(--mantine-color-orange-text)' : 'dimmed'} fw={comm === 'not-answering' ? 600 : undefined}>
                {text}
              </Text>
            </Group>
          );
        })}
      </Stack>
    </Paper>
  );
}
