/**
 * The trend chart: several tags on one time axis, one y axis per unit (two at most, left and right), a min–max
 * band behind each line when the console sends buckets, and gaps where there was no reading. Dragging across
 * the chart asks the page to zoom into that span (the page fetches it at a finer resolution).
 */
import { useEffect, useRef } from 'react';
import { Box, Text } from '@mantine/core';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatNumber, formatUnit } from './tagState.js';
import type { TrendColumns } from './trendData.js';

const axisColor = '#868e96';
const gridColor = 'rgba(134, 142, 150, 0.18)';

export const trendColors = ['#4c6ef5', '#12b886', '#fd7e14', '#e64980', '#15aabf', '#7950f2', '#fab005', '#82c91e', '#228be6', '#be4bdb', '#40c057', '#fa5252', '#868e96', '#1098ad', '#f76707', '#5c7cfa'];

export interface TrendChartProps {
  data: TrendColumns;
  /** Units in axis order: the first on the left, the second on the right. */
  units: string[];
  /** Tag → colour, stable while the tag stays chosen. */
  colorOf: (tag: string) => string;
  /** Tag → decimal places for the legend. */
  decimalsOf: (tag: string) => number | undefined;
  /** The span the time axis shows, ms since the epoch. */
  window: { from: number; to: number };
  onZoom: (from: number, to: number) => void;
  height: number;
}

export function TrendChart({ data, units, colorOf, decimalsOf, window: span, onZoom, height }: TrendChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const windowRef = useRef(span);
  windowRef.current = span;
  const zoomRef = useRef(onZoom);
  zoomRef.current = onZoom;
  const layoutKey = `${units.join('|')}#${data.columns.map((c) => `${c.tag}:${c.role}:${c.unit}`).join('|')}#${height}`;

  useEffect(() => {
    const element = holder.current;
    if (!element) return undefined;
    const scaleOf = (unit: string) => `u${Math.max(0, units.indexOf(unit))}`;
    const bands: uPlot.Band[] = [];
    const series: uPlot.Series[] = [{ label: 'Time', value: (_u, v) => (v == null ? '—' : new Date(v * 1000).toLocaleString()) }];
    const show = (v: number | null | undefined, decimals: number | undefined, unit: string) => (v == null ? '—' : `${formatNumber(v, decimals)}${unit ? ` ${unit}` : ''}`);
    data.columns.forEach((column, index) => {
      const color = colorOf(column.tag);
      const unit = formatUnit(column.unit);
      const decimals = decimalsOf(column.tag);
      const isValue = column.role === 'value';
      // A banded value's legend reads "62.4 m³/h (58.1 – 66.0)"; its min and max have no legend row of their own.
      const banded = isValue && data.columns[index + 2]?.role === 'max';
      series.push({
        label: isValue ? column.tag : `${column.tag} ${column.role}`,
        scale: scaleOf(column.unit),
        stroke: isValue ? color : `${color}55`,
        width: isValue ? 1.75 : 1,
        spanGaps: false,
        points: { show: (u: uPlot) => u.data[0].length < 3 },
        value: (u: uPlot, v: number | null, _s: number, idx: number | null) => {
          if (!banded || v == null || idx == null) return show(v, decimals, unit);
          const min = u.data[index + 2]?.[idx];
          const max = u.data[index + 3]?.[idx];
          return `${show(v, decimals, unit)} (${show(min, decimals, '')} – ${show(max, decimals, '')})`;
        },
      });
      if (column.role === 'max') bands.push({ series: [index + 1, index], fill: `${color}22` });
    });
    const axes: uPlot.Axis[] = [{ stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } }];
    units.forEach((unit, index) => {
      axes.push({
        scale: `u${index}`,
        side: index === 0 ? 3 : 1,
        label: formatUnit(unit) || '(no unit)',
        labelSize: 18,
        size: 56,
        stroke: axisColor,
        grid: { show: index === 0, stroke: gridColor, width: 1 },
        ticks: { stroke: gridColor },
      });
    });
    const scales: uPlot.Scales = {
      x: { time: true, range: () => [windowRef.current.from / 1000, windowRef.current.to / 1000] },
    };
    units.forEach((_unit, index) => {
      scales[`u${index}`] = { auto: true };
    });
    const options: uPlot.Options = {
      width: Math.max(240, element.clientWidth),
      height,
      scales,
      axes,
      series,
      bands,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { size: 6 } },
      hooks: {
        setSelect: [
          (u) => {
            if (u.select.width > 4) {
              const from = u.posToVal(u.select.left, 'x') * 1000;
              const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
              zoomRef.current(from, to);
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    const aligned = [data.times, ...data.columns.map((c) => c.values)] as unknown as uPlot.AlignedData;
    const chart = new uPlot(options, aligned, element);
    plot.current = chart;
    // Hide the legend rows of min and max series (through the CSSOM, which the page's CSP allows).
    const rows = chart.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    data.columns.forEach((column, index) => {
      const row = rows[index + 1];
      if (column.role !== 'value' && row) row.style.display = 'none';
    });
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(240, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt when the tags, units or height change; new data alone goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [layoutKey]);

  useEffect(() => {
    plot.current?.setData([data.times, ...data.columns.map((c) => c.values)] as unknown as uPlot.AlignedData);
  }, [data, span.from, span.to]);

  return (
    <Box pos="relative">
      <div ref={holder} className="gh-trend-chart" data-points={data.times.length} />
      {data.times.length === 0 && (
        <Text size="sm" c="dimmed" pos="absolute" top={height / 2 - 10} left={0} right={0} ta="center">
          No readings in this span
        </Text>
      )}
    </Box>
  );
}
