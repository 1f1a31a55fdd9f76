// The numbers behind each quality plot, as a table (the accessible view and the CSV) and as the
// arrays the chart draws. Pure: tested without a browser.
import { MAF_BINS, R2_HISTOGRAM_BINS, R2_THRESHOLDS, type ChromosomeQuality, type QualitySummary } from '../../../../electron/ipc/contract';

export interface Table {
  columns: string[];
  rows: Array<Array<string | number | null>>;
}

export const meanR2 = (sum: number, count: number): number | null => (count > 0 ? sum / count : null);
const round = (value: number | null, digits = 4): number | null => (value === null ? null : Number(value.toFixed(digits)));

export const chromosomeLabel = (q: ChromosomeQuality): string => (q.chromosome === 'all' ? 'All chromosomes' : `chr${q.chromosome}`);

/** Mean R2 per MAF bin: one row per bin, one column per chromosome and the whole job. */
export function maf(summary: QualitySummary): { table: Table; x: number[]; series: Array<{ label: string; values: Array<number | null>; overall: boolean }> } {
  const all = [...summary.chromosomes, summary.overall];
  const series = all.map((q) => ({
    label: chromosomeLabel(q),
    values: q.mafBins.map((bin) => round(meanR2(bin.r2Sum, bin.count))),
    overall: q.chromosome === 'all',
  }));
  const table: Table = {
    columns: ['MAF bin', ...all.flatMap((q) => [`${chromosomeLabel(q)} mean R2`, `${chromosomeLabel(q)} variants`])],
    rows: MAF_BINS.map((bin, b) => [bin.label, ...all.flatMap((q) => [round(meanR2(q.mafBins[b].r2Sum, q.mafBins[b].count)), q.mafBins[b].count])]),
  };
  return { table, x: MAF_BINS.map((_, b) => b), series };
}

export const r2BinLabel = (b: number): string => `${(b / R2_HISTOGRAM_BINS).toFixed(2)}–${((b + 1) / R2_HISTOGRAM_BINS).toFixed(2)}`;

/** The R2 histogram of the whole job. */
export function histogram(summary: QualitySummary): { table: Table; x: number[]; counts: number[] } {
  const counts = summary.overall.r2Histogram;
  return {
    table: { columns: ['R2 bin', 'Variants'], rows: counts.map((n, b) => [r2BinLabel(b), n]) },
    x: counts.map((_, b) => (b + 0.5) / R2_HISTOGRAM_BINS),
    counts,
  };
}

/** Variants passing each threshold, per chromosome. */
export function passing(summary: QualitySummary): { table: Table; labels: string[]; series: Array<{ label: string; values: number[] }> } {
  const list = summary.chromosomes;
  return {
    table: {
      columns: ['Chromosome', 'Variants', ...R2_THRESHOLDS.flatMap((t) => [`R2 ≥ ${t}`, `% R2 ≥ ${t}`])],
      rows: [...list, summary.overall].map((q) => [
        chromosomeLabel(q),
        q.variants,
        ...R2_THRESHOLDS.flatMap((_, i) => [q.pass[i], q.variants > 0 ? round((100 * q.pass[i]) / q.variants, 2) : null]),
      ]),
    },
    labels: list.map(chromosomeLabel),
    series: R2_THRESHOLDS.map((t, i) => ({ label: `R2 ≥ ${t}`, values: list.map((q) => q.pass[i]) })),
  };
}

/** Typed sites: mean ER2 per R2 bin (the table), and the thinned points (the scatter). */
export function er2(summary: QualitySummary): { table: Table; xs: number[]; ys: number[]; count: number } {
  const q = summary.overall;
  return {
    table: {
      columns: ['R2 bin', 'Typed variants', 'Mean ER2'],
      rows: q.er2.bins.map((bin, b) => [r2BinLabel(b), bin.count, round(meanR2(bin.er2Sum, bin.count))]),
    },
    xs: q.er2.points.map((p) => p[0]),
    ys: q.er2.points.map((p) => p[1]),
    count: q.er2.count,
  };
}

/** RFC 4180 CSV. */
export function toCsv(table: Table): string {
  const cell = (value: string | number | null) => {
    const text = value === null ? '' : String(value);
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

/** Headline numbers for the top of the view. */
export function headline(summary: QualitySummary): {
  variants: number;
  meanR2: number | null;
  pass: Array<{ threshold: number; count: number; percent: number | null }>;
} {
  const q = summary.overall;
  return {
    variants: q.variants,
    meanR2: meanR2(q.r2Sum, q.variants - q.missingR2),
    pass: R2_THRESHOLDS.map((threshold, i) => ({ threshold, count: q.pass[i], percent: q.variants > 0 ? (100 * q.pass[i]) / q.variants : null })),
  };
}
