// The tables behind the plots (the accessible view and the CSV): means from the sums, every bin a
// row, thresholds as columns, CSV quoting.
import { describe, expect, it } from 'vitest';
import type { QualitySummary } from '../../electron/ipc/contract';
import { combineQualities, finishAcc, addSite, newAcc } from '../../electron/services/results/quality-accumulator';
import { er2, headline, histogram, maf, passing, toCsv } from '../../renderer/src/lib/results/chart-data';

function summaryOf(sites: Array<{ r2: number; maf: number; typed?: boolean; er2?: number }>): QualitySummary {
  const acc = newAcc();
  for (const site of sites) addSite(acc, { r2: site.r2, maf: site.maf, er2: site.er2 ?? Number.NaN, typed: site.typed ?? false, imputed: !site.typed });
  const chr20 = finishAcc(acc, '20');
  return { serverId: 's', jobId: 'j', createdAt: 0, files: [], chromosomes: [chr20], overall: combineQualities([chr20]), problems: [], readMs: 1 };
}

describe('plot tables', () => {
  const summary = summaryOf([
    { r2: 0.2, maf: 0.0005 },
    { r2: 0.4, maf: 0.0005 },
    { r2: 0.9, maf: 0.2 },
    { r2: 0.85, maf: 0.3, typed: true, er2: 0.8 },
  ]);

  it('mean R2 per MAF bin for each chromosome and all', () => {
    const table = maf(summary).table;
    expect(table.columns).toEqual(['MAF bin', 'chr20 mean R2', 'chr20 variants', 'All chromosomes mean R2', 'All chromosomes variants']);
    expect(table.rows[0]).toEqual(['0–0.1 %', 0.3, 2, 0.3, 2]);
    expect(table.rows[4]).toEqual(['5–50 %', 0.875, 2, 0.875, 2]);
    expect(table.rows[2]).toEqual(['0.5–1 %', null, 0, null, 0]);
  });

  it('histogram, passing counts and ER2 by R2 bin', () => {
    expect(histogram(summary).table.rows[4]).toEqual(['0.20–0.25', 1]);
    expect(histogram(summary).table.rows).toHaveLength(20);
    expect(passing(summary).table.rows).toEqual([
      ['chr20', 4, 3, 75, 2, 50],
      ['All chromosomes', 4, 3, 75, 2, 50],
    ]);
    expect(er2(summary).table.rows[17]).toEqual(['0.85–0.90', 1, 0.8]);
    expect(headline(summary).meanR2).toBeCloseTo(0.5875, 10);
  });

  it('CSV quotes what needs quoting', () => {
    expect(toCsv({ columns: ['a', 'b,c'], rows: [['x "y"', null]] })).toBe('a,"b,c"\n"x ""y""",\n');
  });
});
