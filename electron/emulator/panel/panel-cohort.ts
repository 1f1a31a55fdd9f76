// Study VCFs made from the panel model with chosen problems injected (allele switches, strand
// flips, both, A/T-C/G sites, allele mismatches, typed-only and monomorphic sites): the demo's
// sample cohorts and the QC conformance tests use them. Deterministic for a given spec.
import { classifyAlleles, complement, isAmbiguousPair } from './alleles';
import type { AlleleClass } from './alleles';
import { chromosomeName, panelModel } from './panel-model';
import type { Build, PanelSite } from './panel-model';

export interface CohortInjections {
  alleleSwitches?: number;
  strandFlips?: number;
  /** Strand flip and allele switch at once. */
  flipAndSwitches?: number;
  /** A/T or C/G sites written with the alleles swapped (counted as "A/T, C/G genotypes", kept). */
  atcg?: number;
  alleleMismatches?: number;
  /** Sites on the panel's grid where the panel has none. */
  typedOnly?: number;
  /** Sites where every sample is 0/0. */
  monomorphic?: number;
}

export interface PanelCohortSpec {
  build?: Build;
  /** Without 'chr' (the build decides how it is written). Default '20'. */
  chromosome?: string;
  samples?: number;
  sampleIds?: string[];
  /** Sites that match the panel exactly (besides the injected ones). Default 300. */
  matches?: number;
  /** First position considered (default 100,000). */
  start?: number;
  phased?: boolean;
  seed?: number;
  inject?: CohortInjections;
}

export type CohortSiteKind = AlleleClass | 'typed-only' | 'monomorphic';

export interface CohortSite {
  pos: number;
  ref: string;
  alt: string;
  kind: CohortSiteKind;
  /** The panel's alleles (null for typed-only sites). */
  panel: { ref: string; alt: string } | null;
}

export interface PanelCohort {
  text: string;
  sampleIds: string[];
  sites: CohortSite[];
  /** What the QC step must report for this file (docs/server-behaviour.md#qc-messages names). */
  expected: {
    match: number;
    alleleSwitch: number;
    strandFlip: number;
    flipAndSwitch: number;
    atcg: number;
    alleleMismatch: number;
    typedOnly: number;
    monomorphic: number;
    /** Excluded sites in total. */
    excluded: number;
    /** Remaining sites in total. */
    remaining: number;
  };
}

function rng(seed: number): () => number {
  let a = seed >>> 0 || 1;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES = ['A', 'C', 'G', 'T'];

/** Study alleles that fall in `wanted` for this panel site, or null when none do. */
function allelesFor(wanted: AlleleClass, site: PanelSite): { ref: string; alt: string } | null {
  const candidates: Array<[string, string]> = [];
  if (wanted === 'allele-switch') candidates.push([site.alt, site.ref]);
  else if (wanted === 'strand-flip') candidates.push([complement(site.ref), complement(site.alt)]);
  else if (wanted === 'flip-and-switch') candidates.push([complement(site.alt), complement(site.ref)]);
  else if (wanted === 'atcg') candidates.push([site.alt, site.ref]);
  else for (const r of BASES) for (const a of BASES) if (r !== a) candidates.push([r, a]);
  for (const [ref, alt] of candidates) if (classifyAlleles(ref, alt, site.ref, site.alt) === wanted) return { ref, alt };
  return null;
}

type Wanted = CohortSiteKind;

/** Builds the cohort's VCF text (uncompressed) and what QC must find in it. */
export function panelCohort(spec: PanelCohortSpec = {}): PanelCohort {
  const build = spec.build ?? 'hg19';
  const chromosome = spec.chromosome ?? '20';
  const nSamples = spec.sampleIds?.length ?? spec.samples ?? 25;
  const sampleIds = spec.sampleIds ?? Array.from({ length: nSamples }, (_, i) => `PANEL_S${String(i + 1).padStart(4, '0')}`);
  const inject = spec.inject ?? {};
  const random = rng(spec.seed ?? 7);
  const remaining = new Map<Wanted, number>([
    ['match', spec.matches ?? 300],
    ['allele-switch', inject.alleleSwitches ?? 0],
    ['strand-flip', inject.strandFlips ?? 0],
    ['flip-and-switch', inject.flipAndSwitches ?? 0],
    ['atcg', inject.atcg ?? 0],
    ['mismatch', inject.alleleMismatches ?? 0],
    ['typed-only', inject.typedOnly ?? 0],
    ['monomorphic', inject.monomorphic ?? 0],
  ]);
  const total = () => [...remaining.values()].reduce((a, b) => a + b, 0);
  const take = (kind: Wanted) => remaining.set(kind, remaining.get(kind)! - 1);
  /** Weighted pick among the kinds this grid position can be, so problems spread over the region. */
  const pick = (eligible: Wanted[]): Wanted | null => {
    const weights = eligible.map((k) => remaining.get(k)!);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum === 0) return null;
    let x = random() * sum;
    for (let i = 0; i < eligible.length; i++) {
      x -= weights[i];
      if (x < 0) return eligible[i];
    }
    return eligible[eligible.length - 1];
  };

  const sites: CohortSite[] = [];
  const model = panelModel(build);
  const start = spec.start ?? 100_000;
  for (const { pos, site } of model.grid(chromosome, start, Number.MAX_SAFE_INTEGER)) {
    if (total() === 0) break;
    if (!site) {
      if ((remaining.get('typed-only') ?? 0) > 0 && random() < 0.9) {
        take('typed-only');
        const r = Math.floor(random() * 4);
        sites.push({ pos, ref: BASES[r], alt: BASES[(r + 1 + Math.floor(random() * 3)) % 4], kind: 'typed-only', panel: null });
      }
      continue;
    }
    const ambiguous = isAmbiguousPair(site.ref, site.alt);
    const eligible: Wanted[] = ambiguous
      ? ['match', 'atcg', 'monomorphic']
      : ['match', 'allele-switch', 'strand-flip', 'flip-and-switch', 'mismatch', 'monomorphic'];
    const kind = pick(eligible);
    if (!kind) continue;
    const alleles = kind === 'monomorphic' ? { ref: site.ref, alt: site.alt } : allelesFor(kind as AlleleClass, site);
    if (!alleles) continue;
    take(kind);
    sites.push({ pos, ...alleles, kind, panel: { ref: site.ref, alt: site.alt } });
  }
  if (total() > 0) throw new Error('the panel model ran out of sites for this cohort');

  const sep = spec.phased ? '|' : '/';
  const chrom = chromosomeName(chromosome, build);
  const lines = [
    '##fileformat=VCFv4.2',
    '##source=imputation-desktop-panel-cohort',
    `##contig=<ID=${chrom}>`,
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...sampleIds].join('\t'),
  ];
  const gts: string[] = new Array(nSamples);
  for (const s of sites) {
    const p = s.kind === 'monomorphic' ? 0 : Math.min(0.9, Math.max(0.05, s.panel ? 0.2 + 0.6 * random() : 0.3));
    for (let i = 0; i < nSamples; i++) {
      if (s.kind === 'monomorphic') gts[i] = `0${sep}0`;
      else if (i === 0)
        gts[i] = `0${sep}1`; // one heterozygous sample: never monomorphic by chance
      else gts[i] = `${random() < p ? 1 : 0}${sep}${random() < p ? 1 : 0}`;
    }
    lines.push([chrom, String(s.pos), `rs${s.pos}`, s.ref, s.alt, '.', 'PASS', '.', 'GT', ...gts].join('\t'));
  }

  const count = (kind: CohortSiteKind) => sites.filter((s) => s.kind === kind).length;
  const expected = {
    match: count('match'),
    alleleSwitch: count('allele-switch'),
    strandFlip: count('strand-flip'),
    flipAndSwitch: count('flip-and-switch'),
    atcg: count('atcg'),
    alleleMismatch: count('mismatch'),
    typedOnly: count('typed-only'),
    monomorphic: count('monomorphic'),
    excluded: 0,
    remaining: 0,
  };
  expected.excluded = expected.alleleSwitch + expected.strandFlip + expected.flipAndSwitch + expected.alleleMismatch + expected.monomorphic;
  expected.remaining = expected.match + expected.atcg;
  return { text: lines.join('\n') + '\n', sampleIds, sites, expected };
}
