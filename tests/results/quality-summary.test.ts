// The quality summary of generated info files with known distributions: every bin, threshold and
// flag count equals what integer counting of the generated values says, whether the file is read
// in one piece or cut into ranges on several workers (lines cut at range boundaries joined).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarizeInfoFile } from '../../electron/services/results/info-summary';
import { mafBin, r2Bin } from '../../electron/services/results/quality-accumulator';
import { ResultsWorkerPool } from '../../electron/services/results/worker-pool';
import { expectedCounts, knownSites, writeInfoGz } from './info-fixtures';

let dir: string;
const pool = new ResultsWorkerPool(4);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'quality-summary-'));
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

function compare(quality: Awaited<ReturnType<typeof summarizeInfoFile>>['quality'], expected: ReturnType<typeof expectedCounts>) {
  expect(quality.variants).toBe(expected.variants);
  expect(quality.typed).toBe(expected.typed);
  expect(quality.typedOnly).toBe(expected.typedOnly);
  expect(quality.imputed).toBe(expected.imputed);
  expect(quality.missingR2).toBe(expected.missingR2);
  expect(quality.missingMaf).toBe(expected.missingMaf);
  expect(quality.pass).toEqual(expected.pass);
  expect(quality.mafBins.map((bin) => bin.count)).toEqual(expected.mafCount);
  expect(quality.mafBins.map((bin) => bin.pass)).toEqual(expected.mafPass);
  expect(quality.r2Histogram).toEqual(expected.hist);
  expect(quality.er2.count).toBe(expected.er2Count);
  expect(quality.er2.bins.map((bin) => bin.count)).toEqual(expected.er2Bins);
}

describe('quality summary of an info file', () => {
  it('counts every bin exactly, in one range and in many', async () => {
    const sites = knownSites(20_000, 7);
    const file = path.join(dir, 'chr20.info.gz');
    await writeInfoGz(file, '20', sites);
    const expected = expectedCounts(sites);
    const whole = await summarizeInfoFile(pool, file, '20');
    expect(whole.problem).toBeNull();
    compare(whole.quality, expected);
    // four ranges on four workers: three boundaries, each cutting a line
    let progress = 0;
    const cut = await summarizeInfoFile(pool, file, '20', { minRangeBytes: 40_000, onProgress: (bytes) => (progress += bytes) });
    expect(cut.problem).toBeNull();
    compare(cut.quality, expected);
    expect(progress).toBeGreaterThan(0);
    // mean R2 by MAF bin from the sums
    const sumR2 = [0, 0, 0, 0, 0];
    for (const site of sites)
      if (site.r2 !== null && site.maf !== null) sumR2[[100, 500, 1000, 5000].filter((edge) => site.maf! >= edge).length] += site.r2 / 1e5;
    cut.quality.mafBins.forEach((bin, b) => expect(bin.r2Sum).toBeCloseTo(sumR2[b], 6));
    expect(cut.quality.er2.points.length).toBe(Math.min(2000, expected.er2Count));
  });

  it('puts values on an edge in the bin their text names', () => {
    expect([0, 0.0009999, 0.001, 0.005, 0.00999, 0.01, 0.05, 0.5].map(mafBin)).toEqual([0, 0, 1, 2, 2, 3, 4, 4]);
    expect([0, 0.04999, 0.05, 0.15, 0.3, 0.35, 0.55, 0.95, 0.99999, 1].map(r2Bin)).toEqual([0, 0, 1, 3, 6, 7, 11, 19, 19, 19]);
  });

  it('counts what it can read of a file cut short, and says so', async () => {
    const sites = knownSites(3000, 3);
    const whole = path.join(dir, 'chr21.info.gz');
    await writeInfoGz(whole, '21', sites);
    const bytes = await readFile(whole);
    const cutFile = path.join(dir, 'chr21-cut.info.gz');
    await writeFile(cutFile, bytes.subarray(0, bytes.length - 28)); // no end-of-file block
    const summary = await summarizeInfoFile(pool, cutFile, '21');
    expect(summary.problem).toMatch(/end-of-file block/);
    expect(summary.quality.variants).toBe(sites.length);
    const damaged = path.join(dir, 'chr22.info.gz');
    await writeFile(damaged, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const half = await summarizeInfoFile(pool, damaged, '22');
    expect(half.problem).toMatch(/ends inside a block/);
    expect(half.quality.variants).toBeGreaterThan(0);
    expect(half.quality.variants).toBeLessThan(sites.length);
  });
});
