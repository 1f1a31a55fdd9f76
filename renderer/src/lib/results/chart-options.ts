// uPlot options for the four quality plots, in the colours of the current theme (read from the
// page's CSS variables, so light and dark both read well).
import uPlot from 'uplot';
import { MAF_BINS, type QualitySummary } from '../../../../electron/ipc/contract';
import { er2, histogram, maf, passing } from './chart-data';

export type ChartKind = 'maf' | 'histogram' | 'passing' | 'er2';

export interface Theme {
  text: string;
  muted: string;
  grid: string;
  accent: string;
  panel: string;
  dark: boolean;
}

export function currentTheme(): Theme {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--text', '#1d1f24'),
    muted: read('--muted', '#5d6370'),
    grid: read('--border', '#d9dce1'),
    accent: read('--accent', '#2557d6'),
    panel: read('--panel', '#ffffff'),
    dark: window.matchMedia('(prefers-color-scheme: dark)').matches,
  };
}

/** Distinct colours for many chromosomes: hues around the circle, light enough on dark panels. */
export function seriesColour(index: number, count: number, theme: Theme): string {
  const hue = Math.round((index * 360) / Math.max(1, count) + 200) % 360;
  return theme.dark ? `hsl(${hue} 70% 68%)` : `hsl(${hue} 65% 38%)`;
}

function axes(theme: Theme, x: Partial<uPlot.Axis>, y: Partial<uPlot.Axis>): uPlot.Axis[] {
  const base = { stroke: theme.muted, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 } };
  return [
    { ...base, ...x },
    { ...base, ...y },
  ];
}

const count = (value: number) => value.toLocaleString('en-US');

export interface Built {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
}

export function buildChart(kind: ChartKind, summary: QualitySummary, theme: Theme): Built {
  const bars = uPlot.paths.bars!;
  if (kind === 'maf') {
    const d = maf(summary);
    const others = d.series.filter((s) => !s.overall);
    return {
      data: [d.x, ...d.series.map((s) => s.values)] as uPlot.AlignedData,
      options: {
        scales: { x: { time: false, range: [-0.3, MAF_BINS.length - 0.7] }, y: { range: [0, 1] } },
        axes: axes(
          theme,
          {
            label: 'Minor allele frequency',
            values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (MAF_BINS[t]?.label ?? '') : '')),
            splits: () => d.x,
          },
          { label: 'Mean R2' },
        ),
        series: [
          { label: 'MAF bin', value: (_u, v) => (v === null ? '' : (MAF_BINS[v]?.label ?? '')) },
          ...d.series.map((s) => ({
            label: s.label,
            stroke: s.overall ? theme.accent : seriesColour(others.indexOf(s), others.length, theme),
            width: s.overall ? 3 : 1.5,
            points: { show: true, size: s.overall ? 7 : 5 },
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : v.toFixed(3)),
          })),
        ],
      },
    };
  }
  if (kind === 'histogram') {
    const d = histogram(summary);
    return {
      data: [d.x, d.counts],
      options: {
        scales: { x: { time: false, range: [0, 1] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] } },
        axes: axes(theme, { label: 'R2' }, { label: 'Variants', size: 64, values: (_u, ticks) => ticks.map(count) }),
        series: [
          { label: 'R2', value: (_u, v) => (v === null ? '' : `${(v - 0.025).toFixed(2)}–${(v + 0.025).toFixed(2)}`) },
          { label: 'Variants', stroke: theme.accent, fill: `${theme.accent}99`, paths: bars({ size: [0.92, Infinity] }), points: { show: false } },
        ],
      },
    };
  }
  if (kind === 'passing') {
    const d = passing(summary);
    const x = d.labels.map((_, i) => i);
    return {
      data: [x, ...d.series.map((s) => s.values)] as uPlot.AlignedData,
      options: {
        scales: { x: { time: false, range: [-0.6, Math.max(0, x.length - 0.4)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.05] } },
        axes: axes(
          theme,
          { label: 'Chromosome', splits: () => x, values: (_u, ticks) => ticks.map((t) => d.labels[t] ?? '') },
          { label: 'Variants', size: 64, values: (_u, ticks) => ticks.map(count) },
        ),
        series: [
          { label: 'Chromosome', value: (_u, v) => (v === null ? '' : (d.labels[v] ?? '')) },
          ...d.series.map((s, i) => {
            const colour = i === 0 ? seriesColour(1, 3, theme) : theme.accent;
            return { label: s.label, stroke: colour, fill: colour, paths: bars({ size: [0.38, 60], align: i === 0 ? -1 : 1 }), points: { show: false } };
          }),
        ],
      },
    };
  }
  const d = er2(summary);
  return {
    data: [null, [d.xs, d.ys]] as unknown as uPlot.AlignedData,
    options: {
      mode: 2,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [0, 1] }, y: { range: [0, 1] } },
      axes: axes(theme, { label: 'R2 (estimated)' }, { label: 'ER2 (leave-one-out)' }),
      series: [
        {},
        {
          label: `Typed variants (${d.xs.length.toLocaleString('en-US')} of ${d.count.toLocaleString('en-US')} shown)`,
          stroke: theme.accent,
          fill: theme.accent,
          paths: scatterPaths,
          points: { show: false },
          facets: [
            { scale: 'x', auto: false },
            { scale: 'y', auto: false },
          ],
        } as uPlot.Series,
      ],
    },
  };
}

/** Small squares at each (R2, ER2): uPlot's own point drawing is made for lines, not clouds. */
const scatterPaths: uPlot.Series.PathBuilder = (u, seriesIdx) => {
  const [xs, ys] = u.data[seriesIdx] as unknown as [number[], number[]];
  const path = new Path2D();
  const size = 3 * (window.devicePixelRatio || 1);
  for (let i = 0; i < xs.length; i++) {
    const cx = u.valToPos(xs[i], 'x', true);
    const cy = u.valToPos(ys[i], 'y', true);
    path.rect(cx - size / 2, cy - size / 2, size, size);
  }
  return { fill: path };
};
