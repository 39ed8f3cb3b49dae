/**
 * Trends of a site's tags: pick tags (two units at most, one y axis each), a range up to now or a span dragged
 * on the chart, earlier/later to pan, and the CSV of what is shown. Everything that makes the view lives in the
 * URL, so a trend can be sent to a colleague as a link.
 */
import { useMemo } from 'react';
import { Alert, Anchor, Breadcrumbs, Button, Card, Group, MultiSelect, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { IconArrowLeft, IconArrowRight, IconDownload, IconZoomReset } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ErrorAlert } from '../components/ErrorAlert.js';
import { formatDateTime } from '../format.js';
import { useNow } from '../hooks/useNow.js';
import { usePhone } from '../hooks/usePhone.js';
import { exportCsvUrl, useSite, useSiteTags, useTrend, type SiteTag } from './sitesApi.js';
import { formatUnit, isCommTag } from './tagState.js';
import { TrendChart, trendColors } from './TrendChart.js';
import {
  maxTrendTags,
  maxUnits,
  parseTrendView,
  rangeLabel,
  rangeRefreshMs,
  resolutionLabel,
  trendColumns,
  trendRanges,
  trendViewSearch,
  unitsOf,
  viewWindow,
  type TrendRange,
  type TrendView,
} from './trendData.js';

const maxPoints = 1200;

function tagOptions(tags: SiteTag[], chosen: string[]) {
  const unitOf = new Map(tags.map((t) => [t.name, t.unit]));
  const units = unitsOf(chosen.map((name) => unitOf.get(name) ?? ''));
  const full = units.length >= maxUnits;
  const groups = new Map<string, { value: string; label: string; disabled?: boolean }[]>();
  for (const tag of tags) {
    const group = isCommTag(tag) ? 'Communication' : tag.name.split('.')[0]!;
    const unit = tag.unit ? ` (${formatUnit(tag.unit)})` : '';
    const option = { value: tag.name, label: `${tag.name}${unit}`, disabled: full && !units.includes(tag.unit) && !chosen.includes(tag.name) };
    groups.set(group, [...(groups.get(group) ?? []), option]);
  }
  return [...groups.entries()].map(([group, items]) => ({ group, items }));
}

export function TrendPage() {
  const { siteId = '' } = useParams();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const view = useMemo(() => parseTrendView(search), [search]);
  const phone = usePhone();
  const site = useSite(siteId);
  const siteTags = useSiteTags(siteId);
  // A range that ends now moves on at the pace its resolution changes; a zoomed span stays where it is.
  const now = useNow(rangeRefreshMs[view.range]);
  const span = useMemo(() => viewWindow(view, now), [view, now]);
  const tagsByName = useMemo(() => new Map((siteTags.data ?? []).map((t) => [t.name, t])), [siteTags.data]);
  // A link may name tags in more units than the chart has axes for: those are left out, and the page says so.
  const units = useMemo(() => unitsOf(view.tags.map((name) => tagsByName.get(name)?.unit ?? '')).slice(0, maxUnits), [view.tags, tagsByName]);
  const drawn = siteTags.data ? view.tags.filter((name) => units.includes(tagsByName.get(name)?.unit ?? '')) : view.tags;
  const left = view.tags.filter((name) => !drawn.includes(name));
  const trend = useTrend(siteId, drawn, span.from, span.to, maxPoints);

  // Navigating with the search as a string keeps the commas between tags readable in the address bar.
  const setView = (next: TrendView) => navigate({ search: `?${trendViewSearch(next)}` });
  const columns = useMemo(() => (trend.data ? trendColumns(trend.data) : { times: [], columns: [], banded: false }), [trend.data]);
  const colorOf = (tag: string) => trendColors[Math.max(0, view.tags.indexOf(tag)) % trendColors.length]!;
  const decimalsOf = (tag: string) => tagsByName.get(tag)?.decimals;

  const pan = (direction: -1 | 1) => {
    const width = span.to - span.from;
    const from = span.from + (direction * width) / 2;
    const to = Math.min(Date.now(), from + width);
    setView({ ...view, zoom: { from: to - width, to } });
  };

  return (
    <Stack gap="md" data-trend-site={siteId}>
      <Breadcrumbs>
        <Anchor component={Link} to="/sites" size="sm">
          Sites
        </Anchor>
        <Anchor component={Link} to={`/sites/${encodeURIComponent(siteId)}`} size="sm">
          {site.data?.name ?? siteId}
        </Anchor>
        <Text size="sm">Trends</Text>
      </Breadcrumbs>
      <Title order={2}>Trends</Title>

      <Card withBorder radius="md" padding="sm">
        <Stack gap="sm">
          <MultiSelect
            label="Tags"
            placeholder={view.tags.length ? undefined : 'Pick tags to compare'}
            data={tagOptions(siteTags.data ?? [], view.tags)}
            value={view.tags}
            onChange={(tags) => setView({ ...view, tags })}
            searchable
            clearable
            maxValues={maxTrendTags}
            nothingFoundMessage="No tag matches"
            description={`Up to ${maxTrendTags} tags in at most ${maxUnits} units (one axis each).`}
          />
          <Group justify="space-between" gap="sm">
            <Group gap="xs">
              <SegmentedControl
                value={view.zoom ? '' : view.range}
                onChange={(range) => setView({ tags: view.tags, range: range as TrendRange })}
                data={trendRanges.map((r) => ({ value: r, label: rangeLabel[r] }))}
                aria-label="Time range"
              />
              <Button variant="default" size="sm" px="xs" onClick={() => pan(-1)} aria-label="Earlier" title="Earlier">
                <IconArrowLeft size={16} />
              </Button>
              <Button variant="default" size="sm" px="xs" onClick={() => pan(1)} disabled={!view.zoom} aria-label="Later" title="Later">
                <IconArrowRight size={16} />
              </Button>
              {view.zoom && (
                <Button variant="default" size="sm" leftSection={<IconZoomReset size={16} />} onClick={() => setView({ tags: view.tags, range: view.range })}>
                  Reset zoom
                </Button>
              )}
            </Group>
            <Button
              component="a"
              href={view.tags.length ? exportCsvUrl(siteId, drawn, span.from, span.to) : undefined}
              download
              variant="default"
              size="sm"
              leftSection={<IconDownload size={16} />}
              disabled={view.tags.length === 0}
            >
              Export CSV
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {formatDateTime(new Date(span.from).toISOString())} – {view.zoom ? formatDateTime(new Date(span.to).toISOString()) : 'now'}
            {trend.data ? ` · ${resolutionLabel[trend.data.resolution]}` : ''}
            {!phone && ' · drag across the chart to zoom in'}
          </Text>
        </Stack>
      </Card>

      {left.length > 0 && (
        <Alert color="yellow" variant="light" title="Not drawn">
          {left.join(', ')}: the chart has axes for two units ({units.map((u) => formatUnit(u) || 'no unit').join(', ')}). Remove a tag to make room.
        </Alert>
      )}
      {view.tags.length === 0 ? (
        <Alert color="gray" variant="light" title="No tags chosen">
          Pick one or more tags above, or click a value on the site page to open its trend.
        </Alert>
      ) : trend.isError && !trend.data ? (
        <ErrorAlert error={trend.error} title="Could not load the trend" onRetry={() => void trend.refetch()} />
      ) : (
        <Card withBorder radius="md" padding="sm">
          <TrendChart
            data={columns}
            units={units}
            colorOf={colorOf}
            decimalsOf={decimalsOf}
            window={span}
            onZoom={(from, to) => setView({ ...view, zoom: { from, to } })}
            height={phone ? 260 : 420}
          />
        </Card>
      )}
    </Stack>
  );
}
