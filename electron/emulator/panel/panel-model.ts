// The emulator's reference panel: a small, deterministic stand-in for a panel's site list, so the
// Quality Control step can compare uploads with "the panel" (docs/server-behaviour.md#server-limits, §6.3).
//
// Sites sit on a 1 kb grid (positions ending in 500, in hg19 coordinates) across chromosomes 1-22
// and X. Each grid position is either a panel site, with REF, ALT and an allele frequency from a
// seeded hash, or a gap (about 6 %): an upload's site there is "typed only". Any position off the
// grid is unknown to this model and counts as a match, so arbitrary test files (whose positions are
// multiples of 1 kb) keep passing as before. hg38 coordinates are the hg19 ones shifted by a
// per-chromosome offset (also a multiple of 1 kb): lift-over moves a site onto the other build's
// grid, and both builds share alleles. Every panel of a build uses this one model.
import { createHash } from 'node:crypto';

export type Build = 'hg19' | 'hg38';

export const GRID_STEP = 1000;
export const GRID_PHASE = 500;
const GAP_PER_MILLE = 60;
const BASES = ['A', 'C', 'G', 'T'] as const;

/** Chromosome lengths of GRCh37 (the model covers each chromosome from 1 to its end). */
const HG19_LENGTH: Record<string, number> = {
  '1': 249_250_621,
  '2': 243_199_373,
  '3': 198_022_430,
  '4': 191_154_276,
  '5': 180_915_260,
  '6': 171_115_067,
  '7': 159_138_663,
  '8': 146_364_022,
  '9': 141_213_431,
  '10': 135_534_747,
  '11': 135_006_516,
  '12': 133_851_895,
  '13': 115_169_878,
  '14': 107_349_540,
  '15': 102_531_392,
  '16': 90_354_753,
  '17': 81_195_210,
  '18': 78_077_248,
  '19': 59_128_983,
  '20': 63_025_520,
  '21': 48_129_895,
  '22': 51_304_566,
  X: 155_270_560,
};

export const PANEL_CHROMOSOMES: readonly string[] = Object.keys(HG19_LENGTH);

const CHROMOSOME_INDEX = new Map(PANEL_CHROMOSOMES.map((c, i) => [c, i + 1]));

/** hg38 = hg19 + this (made up, grid-preserving; the real chain file is not shipped). */
export function liftOffset(chromosome: string): number {
  const index = CHROMOSOME_INDEX.get(chromosome) ?? 0;
  return (((index * 37) % 211) + 20) * GRID_STEP;
}

/** '20', 'chr20', '23' and 'chrX' → '20' / 'X' (the pipeline's normalisation). */
let lastRaw = '';
let lastNormalized = '';
export function normalizeChromosome(raw: string): string {
  if (raw === lastRaw) return lastNormalized;
  lastRaw = raw;
  lastNormalized = normalizeUncached(raw);
  return lastNormalized;
}

function normalizeUncached(raw: string): string {
  const stripped = raw.replace(/^chr/i, '');
  return stripped === '23' ? 'X' : stripped.toUpperCase() === 'X' ? 'X' : stripped;
}

/** The chromosome as a file of this build writes it ('20' on hg19, 'chr20' on hg38). */
export const chromosomeName = (chromosome: string, build: Build): string => (build === 'hg38' ? `chr${chromosome}` : chromosome);

/** 32-bit integer hash of three integers (splitmix-style finaliser). */
export function hash3(a: number, b: number, c: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b | 0, 0xc2b2ae35) ^ Math.imul(c ^ 0x27d4eb2f, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

const unit = (h: number): number => h / 4294967296;

export interface PanelSite {
  /** Normalised chromosome ('20', 'X'). */
  chromosome: string;
  /** Position in the model's build. */
  pos: number;
  ref: string;
  alt: string;
  /** Alternate allele frequency in the panel. */
  af: number;
}

export type PanelLookup = { kind: 'site'; site: PanelSite } | { kind: 'gap' } | { kind: 'unknown' };
const UNKNOWN: PanelLookup = { kind: 'unknown' };
const GAP: PanelLookup = { kind: 'gap' };

/** Grid index of an hg19 position, or -1 when it is off the grid or outside the chromosome. */
function gridIndex(chromosome: string, hg19Pos: number): number {
  const length = HG19_LENGTH[chromosome];
  if (length === undefined || hg19Pos < 1 || hg19Pos > length) return -1;
  return (hg19Pos - GRID_PHASE) % GRID_STEP === 0 ? (hg19Pos - GRID_PHASE) / GRID_STEP : -1;
}

function siteAtGrid(chromosome: string, index: number, pos: number): PanelSite | null {
  const c = CHROMOSOME_INDEX.get(chromosome)!;
  if (hash3(c, index, 1) % 1000 < GAP_PER_MILLE) return null;
  const refIndex = hash3(c, index, 2) & 3;
  const ref = BASES[refIndex];
  const alt = BASES[(refIndex + 1 + (hash3(c, index, 3) % 3)) % 4];
  // Most panel variants are rare: the minor allele frequency is skewed towards 0.
  const maf = Math.max(0.00005, 0.5 * unit(hash3(c, index, 4)) ** 4);
  const af = hash3(c, index, 5) % 100 < 15 ? 1 - maf : maf;
  return { chromosome, pos, ref, alt, af: Number(af.toFixed(6)) };
}

export class PanelModel {
  private last: { chromosome: string; pos: number; result: PanelLookup } | null = null;

  constructor(readonly build: Build) {}

  private toHg19(chromosome: string, pos: number): number {
    return this.build === 'hg38' ? pos - liftOffset(chromosome) : pos;
  }

  private fromHg19(chromosome: string, pos: number): number {
    return this.build === 'hg38' ? pos + liftOffset(chromosome) : pos;
  }

  /** What the panel knows about a position of this build. */
  lookup(rawChromosome: string, pos: number): PanelLookup {
    const chromosome = normalizeChromosome(rawChromosome);
    if (this.last && this.last.pos === pos && this.last.chromosome === chromosome) return this.last.result;
    const result = this.lookupUncached(chromosome, pos);
    this.last = { chromosome, pos, result };
    return result;
  }

  private lookupUncached(chromosome: string, pos: number): PanelLookup {
    if (!CHROMOSOME_INDEX.has(chromosome)) return UNKNOWN;
    const index = gridIndex(chromosome, this.toHg19(chromosome, pos));
    if (index < 0) return UNKNOWN;
    const site = siteAtGrid(chromosome, index, pos);
    return site ? { kind: 'site', site } : GAP;
  }

  /** Grid positions (sites and gaps) in [from, to], in order. */
  *grid(rawChromosome: string, from: number, to: number): Generator<{ pos: number; site: PanelSite | null }> {
    const chromosome = normalizeChromosome(rawChromosome);
    const length = HG19_LENGTH[chromosome];
    if (length === undefined) return;
    const lo = Math.max(1, this.toHg19(chromosome, from));
    const hi = Math.min(length, this.toHg19(chromosome, to));
    let index = Math.max(0, Math.ceil((lo - GRID_PHASE) / GRID_STEP));
    for (let hg19 = index * GRID_STEP + GRID_PHASE; hg19 <= hi; hg19 += GRID_STEP, index++) {
      const pos = this.fromHg19(chromosome, hg19);
      yield { pos, site: siteAtGrid(chromosome, index, pos) };
    }
  }

  /** Panel sites in [from, to], in order. */
  *sites(rawChromosome: string, from: number, to: number): Generator<PanelSite> {
    for (const entry of this.grid(rawChromosome, from, to)) if (entry.site) yield entry.site;
  }
}

const MODELS: Record<Build, PanelModel> = { hg19: new PanelModel('hg19'), hg38: new PanelModel('hg38') };
export const panelModel = (build: string): PanelModel => MODELS[build === 'hg38' ? 'hg38' : 'hg19'];

/**
 * Lift-over between the builds (the pipeline's chain-file step, LiftOverTask). About 2 in 1,000
 * sites fail, deterministically; null means "LiftOver failed. SNP removed.".
 */
export function liftPosition(rawChromosome: string, pos: number, from: Build, to: Build): number | null {
  if (from === to) return pos;
  const chromosome = normalizeChromosome(rawChromosome);
  if (!CHROMOSOME_INDEX.has(chromosome)) return null;
  if (hash3(CHROMOSOME_INDEX.get(chromosome)!, pos, 7) % 1000 < 2) return null;
  const lifted = to === 'hg38' ? pos + liftOffset(chromosome) : pos - liftOffset(chromosome);
  return lifted >= 1 ? lifted : null;
}

/**
 * SHA-256 over a fixed sample of the model (all of chr20:1-2,000,000 and the first 200 sites of
 * every chromosome, both builds). Checked in as PANEL_DIGEST so a change to the generator shows.
 */
export function computePanelDigest(): string {
  const digest = createHash('sha256');
  for (const build of ['hg19', 'hg38'] as const) {
    const model = MODELS[build];
    const write = (s: PanelSite) => digest.update(`${build}\t${s.chromosome}\t${s.pos}\t${s.ref}\t${s.alt}\t${s.af}\n`);
    const offset = build === 'hg38' ? liftOffset('20') : 0;
    for (const site of model.sites('20', 1 + offset, 2_000_000 + offset)) write(site);
    for (const chromosome of PANEL_CHROMOSOMES) {
      let n = 0;
      for (const site of model.sites(chromosome, 1, Number.MAX_SAFE_INTEGER)) {
        write(site);
        if (++n === 200) break;
      }
    }
  }
  return digest.digest('hex');
}

export const PANEL_DIGEST = '53f926d03cd2fff29aaebacc60cd0c4c76ace24ef2d48afbe5f5bad0dbddcb87';
