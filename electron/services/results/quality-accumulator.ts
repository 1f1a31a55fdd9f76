// Counts of one info file (or one byte range of it) that merge in file order: the numbers behind
// every quality plot. Plain arrays only, so a worker can post them as they are.
import type { ChromosomeQuality } from '../../ipc/schemas/results';
import { ER2_POINTS_MAX, MAF_BINS, R2_HISTOGRAM_BINS, R2_THRESHOLDS } from '../../ipc/schemas/results-bins';
import type { InfoValues } from './info-fields';

export interface QualityAcc {
  variants: number;
  imputed: number;
  typed: number;
  typedOnly: number;
  missingR2: number;
  missingMaf: number;
  r2Sum: number;
  pass: number[];
  mafCount: number[];
  mafR2Sum: number[];
  /** mafPass[bin * thresholds + t] */
  mafPass: number[];
  hist: number[];
  er2Count: number;
  er2BinCount: number[];
  er2BinSum: number[];
  /** Flat [r2, er2, r2, er2, ...] of every `stride`-th typed site. */
  points: number[];
  stride: number;
  /** Typed sites seen since the last kept point. */
  sinceKept: number;
}

/** Points kept per range before thinning by half (the final list is thinned to ER2_POINTS_MAX). */
const RANGE_POINTS = 8192;
const THRESHOLDS = R2_THRESHOLDS.length;
// Passing counts compare in 32-bit float precision, as bcftools does (see filter-export.ts), so
// "passing 0.3" here is what an export at R2 0.3 keeps.
const PASS_AT = R2_THRESHOLDS.map((t) => Math.fround(t));
const MAF_EDGES = MAF_BINS.map((bin) => bin.max);
// Edges as the doubles of their decimal text (0.05, 0.1, 0.15 ...), so a bin holds what its label says.
const R2_EDGES = Array.from({ length: R2_HISTOGRAM_BINS + 1 }, (_, k) => Number((k / R2_HISTOGRAM_BINS).toFixed(6)));

export function newAcc(): QualityAcc {
  return {
    variants: 0,
    imputed: 0,
    typed: 0,
    typedOnly: 0,
    missingR2: 0,
    missingMaf: 0,
    r2Sum: 0,
    pass: new Array(THRESHOLDS).fill(0),
    mafCount: new Array(MAF_BINS.length).fill(0),
    mafR2Sum: new Array(MAF_BINS.length).fill(0),
    mafPass: new Array(MAF_BINS.length * THRESHOLDS).fill(0),
    hist: new Array(R2_HISTOGRAM_BINS).fill(0),
    er2Count: 0,
    er2BinCount: new Array(R2_HISTOGRAM_BINS).fill(0),
    er2BinSum: new Array(R2_HISTOGRAM_BINS).fill(0),
    points: [],
    stride: 1,
    sinceKept: 0,
  };
}

/** The histogram bin of an R2 value: [k/20, (k+1)/20), with 1 (and anything above) in the last. */
export function r2Bin(r2: number): number {
  let bin = Math.floor(r2 * R2_HISTOGRAM_BINS);
  if (!(bin >= 0)) bin = 0;
  if (bin > R2_HISTOGRAM_BINS - 1) bin = R2_HISTOGRAM_BINS - 1;
  while (bin > 0 && r2 < R2_EDGES[bin]) bin--;
  while (bin < R2_HISTOGRAM_BINS - 1 && r2 >= R2_EDGES[bin + 1]) bin++;
  return bin;
}

/** The MAF bin: [min, max) of MAF_BINS, the last closed (a MAF above 0.5 is counted there too). */
export function mafBin(maf: number): number {
  for (let i = 0; i < MAF_EDGES.length - 1; i++) if (maf < MAF_EDGES[i]) return i;
  return MAF_EDGES.length - 1;
}

export function addSite(acc: QualityAcc, info: InfoValues): void {
  acc.variants++;
  if (info.typed) {
    acc.typed++;
    if (!info.imputed) acc.typedOnly++;
  } else if (info.imputed) acc.imputed++;
  const r2 = info.r2;
  const hasR2 = r2 === r2; // not NaN
  if (info.maf !== info.maf) acc.missingMaf++;
  if (!hasR2) {
    acc.missingR2++;
    return;
  }
  acc.r2Sum += r2;
  const r2f = Math.fround(r2);
  for (let t = 0; t < THRESHOLDS; t++) if (r2f >= PASS_AT[t]) acc.pass[t]++;
  const rb = r2Bin(r2);
  acc.hist[rb]++;
  if (info.maf === info.maf) {
    const mb = mafBin(info.maf);
    acc.mafCount[mb]++;
    acc.mafR2Sum[mb] += r2;
    for (let t = 0; t < THRESHOLDS; t++) if (r2f >= PASS_AT[t]) acc.mafPass[mb * THRESHOLDS + t]++;
  }
  if (info.typed && info.er2 === info.er2) {
    acc.er2Count++;
    acc.er2BinCount[rb]++;
    acc.er2BinSum[rb] += info.er2;
    if (++acc.sinceKept >= acc.stride) {
      acc.sinceKept = 0;
      acc.points.push(r2, info.er2);
      if (acc.points.length >= 2 * RANGE_POINTS) {
        acc.points = acc.points.filter((_, i) => (i >> 1) % 2 === 0);
        acc.stride *= 2;
      }
    }
  }
}

/** Adds `from` (the next range or file in order) into `into`. */
export function mergeAcc(into: QualityAcc, from: QualityAcc): void {
  into.variants += from.variants;
  into.imputed += from.imputed;
  into.typed += from.typed;
  into.typedOnly += from.typedOnly;
  into.missingR2 += from.missingR2;
  into.missingMaf += from.missingMaf;
  into.r2Sum += from.r2Sum;
  into.er2Count += from.er2Count;
  const add = (a: number[], b: number[]) => b.forEach((value, i) => (a[i] += value));
  add(into.pass, from.pass);
  add(into.mafCount, from.mafCount);
  add(into.mafR2Sum, from.mafR2Sum);
  add(into.mafPass, from.mafPass);
  add(into.hist, from.hist);
  add(into.er2BinCount, from.er2BinCount);
  add(into.er2BinSum, from.er2BinSum);
  for (let i = 0; i < from.points.length; i++) into.points.push(from.points[i]);
}

/** Every n-th pair so that at most `max` remain, spread over the whole list. */
export function thinPoints(flat: number[], max: number): Array<[number, number]> {
  const pairs = flat.length / 2;
  const out: Array<[number, number]> = [];
  if (pairs <= max) {
    for (let i = 0; i < pairs; i++) out.push([flat[2 * i], flat[2 * i + 1]]);
    return out;
  }
  for (let k = 0; k < max; k++) {
    const i = Math.floor((k * pairs) / max);
    out.push([flat[2 * i], flat[2 * i + 1]]);
  }
  return out;
}

export function finishAcc(acc: QualityAcc, chromosome: string): ChromosomeQuality {
  return {
    chromosome,
    variants: acc.variants,
    imputed: acc.imputed,
    typed: acc.typed,
    typedOnly: acc.typedOnly,
    missingR2: acc.missingR2,
    missingMaf: acc.missingMaf,
    r2Sum: acc.r2Sum,
    pass: [...acc.pass],
    mafBins: MAF_BINS.map((_, b) => ({
      count: acc.mafCount[b],
      r2Sum: acc.mafR2Sum[b],
      pass: acc.mafPass.slice(b * THRESHOLDS, (b + 1) * THRESHOLDS),
    })),
    r2Histogram: [...acc.hist],
    er2: {
      count: acc.er2Count,
      bins: acc.er2BinCount.map((count, b) => ({ count, er2Sum: acc.er2BinSum[b] })),
      points: thinPoints(acc.points, ER2_POINTS_MAX),
    },
  };
}

/** The whole job: every chromosome's counts added up (points thinned again over all). */
export function combineQualities(list: ChromosomeQuality[]): ChromosomeQuality {
  const acc = newAcc();
  for (const q of list) {
    acc.variants += q.variants;
    acc.imputed += q.imputed;
    acc.typed += q.typed;
    acc.typedOnly += q.typedOnly;
    acc.missingR2 += q.missingR2;
    acc.missingMaf += q.missingMaf;
    acc.r2Sum += q.r2Sum;
    q.pass.forEach((n, t) => (acc.pass[t] += n));
    q.mafBins.forEach((bin, b) => {
      acc.mafCount[b] += bin.count;
      acc.mafR2Sum[b] += bin.r2Sum;
      bin.pass.forEach((n, t) => (acc.mafPass[b * THRESHOLDS + t] += n));
    });
    q.r2Histogram.forEach((n, b) => (acc.hist[b] += n));
    acc.er2Count += q.er2.count;
    q.er2.bins.forEach((bin, b) => {
      acc.er2BinCount[b] += bin.count;
      acc.er2BinSum[b] += bin.er2Sum;
    });
    for (const [r2, er2] of q.er2.points) acc.points.push(r2, er2);
  }
  return finishAcc(acc, 'all');
}
