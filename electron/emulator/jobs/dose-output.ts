// The files Minimac4 4.x and the pipeline's compression step write per chromosome (docs/server-behaviour.md
// §6.5; imputationserver2 minimac4.nf `--format GT,DS,GP,HDS --all-typed-sites`,
// compression_encryption_vcf.nf adds ##mis_* lines): chrN.dose.vcf.gz, chrN.info.gz (sites only,
// the same INFO) and, with `meta`, chrN.empiricalDose.vcf.gz. Values are made up but shaped like
// real output: typed sites carry the upload's genotypes, imputed sites are the panel's sites
// around them, R2 rises with the minor allele frequency, ER2 follows R2 on typed sites.
import { bgzfCompress } from '../../services/vcf/bgzf-write';
import { chromosomeName, hash3, panelModel } from '../panel/panel-model';
import type { Build, PanelSite } from '../panel/panel-model';
import { MISSING } from './site-records';
import type { TypedSite } from './site-qc';

/** Genotype cells (samples x sites) per chromosome at most: result files stay small and fast to make. */
export const OUTPUT_CELL_BUDGET = 30_000;
/** zlib level of the BGZF files: fast over small (the demo writes a dozen at start; bgzip's 6 takes 4x as long for ~30 % less). */
const BGZF_LEVEL = 1;
/** How far around the typed sites imputed sites are written. */
const FLANK = 20_000;

/** Minimac4's ##INFO lines, in its order (also what test fixtures and the results benchmark write). */
export const MINIMAC_INFO_HEADER: readonly string[] = [
  '##INFO=<ID=AF,Number=1,Type=Float,Description="Estimated Alternate Allele Frequency">',
  '##INFO=<ID=MAF,Number=1,Type=Float,Description="Estimated Minor Allele Frequency">',
  '##INFO=<ID=AVG_CS,Number=1,Type=Float,Description="Average Call Score">',
  '##INFO=<ID=R2,Number=1,Type=Float,Description="Estimated Imputation Accuracy (R-square)">',
  '##INFO=<ID=ER2,Number=1,Type=Float,Description="Empirical (Leave-One-Out) R-square (available only for genotyped variants)">',
  '##INFO=<ID=IMPUTED,Number=0,Type=Flag,Description="Marker was imputed">',
  '##INFO=<ID=TYPED,Number=0,Type=Flag,Description="Marker was genotyped">',
];

export interface ChromosomeOutputSpec {
  /** Seeds every made-up value. */
  jobId: string;
  /** Normalised ('20', 'X'). */
  chromosome: string;
  build: Build;
  sampleIds: string[];
  typed: TypedSite[];
  panelId: string;
  /** Nextflow manifest version, e.g. 'v2.0.12'. */
  pipelineVersion: string;
  phasing: string;
  meta: boolean;
  /** minimac4 --min-r2 (0 = off). */
  minR2: number;
  /** For ##filedate. */
  date: number;
  cellBudget?: number;
}

export interface ChromosomeFiles {
  dose: Buffer;
  info: Buffer;
  empirical: Buffer | null;
  /** Positions written as typed sites (for tests and logs). */
  typedPositions: number[];
  imputedCount: number;
}

function jobSeed(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h >>> 0;
}

// Dosages and probabilities are written with three decimals (minimac4 bins them to 1/1000):
// 0, 0.012, 1, 1.5. A table of the 2,001 possible texts keeps writing fast.
const THOUSANDTHS: string[] = Array.from({ length: 2001 }, (_, i) => num(i / 1000, 3));
const d3 = (value: number): string => THOUSANDTHS[Math.min(2000, Math.max(0, Math.round(value * 1000)))];

/** Trims a fixed-point number like savvy prints floats: 0.012, 1, 0. */
function num(value: number, digits: number): string {
  const s = value.toFixed(digits);
  if (!s.includes('.')) return s;
  const trimmed = s.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

/** Mean R2 by minor allele frequency, as imputation quality typically falls off for rare variants. */
export function meanR2ForMaf(maf: number): number {
  if (maf < 0.001) return 0.3;
  if (maf < 0.005) return 0.55;
  if (maf < 0.01) return 0.7;
  if (maf < 0.05) return 0.85;
  return 0.95;
}

function fileDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** C's ctime() without the newline, as bcftools stamps its command lines: "Tue Dec  1 02:55:06 2026". */
function ctime(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${time} ${d.getUTCFullYear()}`;
}

function header(spec: ChromosomeOutputSpec, withFormat: boolean): string[] {
  const d = new Date(spec.date);
  const lines = [
    '##fileformat=VCFv4.2',
    `##filedate=${fileDate(spec.date)}`,
    '##source=Minimac v4.1.6',
    '##phasing=full',
    `##contig=<ID=${chromosomeName(spec.chromosome, spec.build)}>`,
    ...MINIMAC_INFO_HEADER,
  ];
  if (!withFormat) return lines;
  // The pipeline rebuilds this header with `bcftools view -h` (htslib adds the PASS filter and trims
  // Minimac's trailing spaces in descriptions), then inserts its ##mis_* lines.
  lines.splice(1, 0, '##FILTER=<ID=PASS,Description="All filters passed">');
  lines.push(
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Estimated Alternate Allele Dosage : [P(0/1)+2*P(1/1)]">',
    '##FORMAT=<ID=GP,Number=3,Type=Float,Description="Estimated Posterior Probabilities for Genotypes 0/0, 0/1 and 1/1">',
    '##FORMAT=<ID=HDS,Number=2,Type=Float,Description="Estimated Haploid Alternate Allele Dosage">',
    '##bcftools_viewVersion=1.20+htslib-1.20',
    `##bcftools_viewCommand=view -h chunk_${spec.chromosome}_0000000001_0020000000.dose.vcf.gz; Date=${ctime(d)}`,
    `##mis_pipeline=${spec.pipelineVersion}`,
    `##mis_phasing=${spec.phasing}`,
    `##mis_panel=${spec.panelId}`,
  );
  return lines;
}

interface OutSite {
  pos: number;
  typed: TypedSite | null;
  panel: PanelSite | null;
}

/** The sites written: every typed site within the budget, the panel's sites around them filling the rest. */
function chooseSites(spec: ChromosomeOutputSpec): OutSite[] {
  const samples = Math.max(1, spec.sampleIds.length);
  const budget = Math.max(1, Math.floor((spec.cellBudget ?? OUTPUT_CELL_BUDGET) / samples));
  const sorted = [...spec.typed].sort((a, b) => a.pos - b.pos);
  // Small uploads keep every typed site; a large one keeps a leading stretch so imputed sites fit too.
  const typed = sorted.length <= budget / 2 ? sorted : sorted.slice(0, Math.max(1, Math.floor(budget / 4)));
  if (typed.length === 0) return [];
  const typedAt = new Map(typed.map((t) => [t.pos, t]));
  const model = panelModel(spec.build);
  const from = Math.max(1, typed[0].pos - FLANK);
  const to = typed[typed.length - 1].pos + FLANK;
  const candidates: PanelSite[] = [];
  for (const site of model.sites(spec.chromosome, from, to)) if (!typedAt.has(site.pos)) candidates.push(site);
  const room = Math.max(0, budget - typed.length);
  const step = candidates.length > room ? candidates.length / room : 1;
  const imputed: PanelSite[] = [];
  for (let i = 0; room > 0 && Math.floor(i) < candidates.length && imputed.length < room; i += step) imputed.push(candidates[Math.floor(i)]);
  const out: OutSite[] = [
    ...typed.map((t) => {
      const lookup = model.lookup(spec.chromosome, t.pos);
      return { pos: t.pos, typed: t, panel: lookup.kind === 'site' ? lookup.site : null };
    }),
    ...imputed.map((p) => ({ pos: p.pos, typed: null, panel: p })),
  ];
  return out.sort((a, b) => a.pos - b.pos);
}

/** Builds the chromosome's three files (BGZF). */
export function chromosomeFiles(spec: ChromosomeOutputSpec): ChromosomeFiles {
  const seed = jobSeed(`${spec.jobId}:${spec.chromosome}`);
  const n = spec.sampleIds.length;
  const chrom = chromosomeName(spec.chromosome, spec.build);
  const dose = [...header(spec, true), ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...spec.sampleIds].join('\t')];
  const info = [...header(spec, false), ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'].join('\t')];
  const empirical = spec.meta
    ? [
        '##fileformat=VCFv4.2',
        `##filedate=${fileDate(spec.date)}`,
        '##source=Minimac v4.1.6',
        '##phasing=full',
        `##contig=<ID=${chrom}>`,
        '##INFO=<ID=IMPUTED,Number=0,Type=Flag,Description="Marker was imputed">',
        '##INFO=<ID=TYPED,Number=0,Type=Flag,Description="Marker was genotyped">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotyped alleles from Array">',
        '##FORMAT=<ID=LDS,Number=2,Type=Float,Description="Leave-one-out Imputed Dosage : Estimated Haploid Alternate Allele Dosage assuming site was NOT genotyped">',
        ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...spec.sampleIds].join('\t'),
      ]
    : null;
  const typedPositions: number[] = [];
  let imputedCount = 0;
  const hds = new Float64Array(2 * n);
  const cells: string[] = new Array(n);
  const cellCache = new Map<number, string>();

  for (const site of chooseSites(spec)) {
    const t = site.typed;
    const ref = t ? t.ref : site.panel!.ref;
    const alt = t ? t.alt : site.panel!.alt;
    const u = (k: number) => hash3(seed, site.pos, k) / 4294967296;
    const panelAf = site.panel?.af ?? 0.2;
    let r2: number;
    let er2: number | null = null;
    let flags: string;
    if (t && t.inPanel) {
      // typed and in the panel: the upload's alleles, dosages close to them, a leave-one-out ER2
      for (let h = 0; h < 2 * n; h++) {
        const a = t.haps && t.haps[h] !== MISSING ? t.haps[h] : u(100 + h) < panelAf ? 1 : 0;
        const e = Math.round(20 * u(5000 + h)) / 1000;
        hds[h] = a === 1 ? 1 - e : e;
      }
      r2 = clamp01(0.9 + 0.1 * u(1));
      er2 = clamp01(r2 - 0.12 * u(2) - 0.01);
      flags = 'TYPED;IMPUTED';
    } else if (t) {
      // typed only (not in the panel): passed through as observed
      for (let h = 0; h < 2 * n; h++) hds[h] = t.haps && t.haps[h] !== MISSING ? t.haps[h] : u(100 + h) < 0.2 ? 1 : 0;
      r2 = 1;
      flags = 'TYPED';
    } else {
      // imputed: each haplotype's dosage is f * allele + (1 - f) * AF with f = sqrt(R2), so R2 holds on average
      const maf = Math.min(panelAf, 1 - panelAf);
      const mean = meanR2ForMaf(maf);
      r2 = clamp01(mean + (u(1) - 0.5) * 0.8 * (1 - mean));
      const f = Math.sqrt(r2);
      for (let h = 0; h < 2 * n; h++) {
        const a = u(100 + h) < panelAf ? 1 : 0;
        hds[h] = Math.round((f * a + (1 - f) * panelAf) * 1000) / 1000;
      }
      flags = 'IMPUTED';
    }
    if (spec.minR2 > 0 && r2 < spec.minR2) continue;
    let sum = 0;
    let callScore = 0;
    for (let h = 0; h < 2 * n; h++) {
      sum += hds[h];
      callScore += hds[h] > 0.5 ? hds[h] : 1 - hds[h];
    }
    const af = t ? sum / Math.max(1, 2 * n) : panelAf;
    const infoField =
      `AF=${num(af, 5)};MAF=${num(Math.min(af, 1 - af), 5)};AVG_CS=${num(callScore / Math.max(1, 2 * n), 5)};R2=${num(r2, 5)}` +
      (er2 !== null ? `;ER2=${num(er2, 5)}` : '') +
      `;${flags}`;
    const id = t && !t.inPanel ? t.id : `${chrom}:${site.pos}:${ref}:${alt}`;
    const fixed = `${chrom}\t${site.pos}\t${id}\t${ref}\t${alt}\t.\tPASS\t${infoField}`;
    info.push(fixed);
    cellCache.clear(); // most samples of an imputed site share one text
    for (let s = 0; s < n; s++) {
      const x = hds[2 * s];
      const y = hds[2 * s + 1];
      const key = Math.round(x * 1000) * 2001 + Math.round(y * 1000);
      let cell = cellCache.get(key);
      if (cell === undefined) {
        const gp0 = (1 - x) * (1 - y);
        const gp1 = x * (1 - y) + y * (1 - x);
        const gp2 = x * y;
        cell = `${x < 0.5 ? 0 : 1}|${y < 0.5 ? 0 : 1}:${d3(x + y)}:${d3(gp0)},${d3(gp1)},${d3(gp2)}:${d3(x)},${d3(y)}`;
        cellCache.set(key, cell);
      }
      cells[s] = cell;
    }
    dose.push(`${fixed}\tGT:DS:GP:HDS\t${cells.join('\t')}`);
    if (t) typedPositions.push(site.pos);
    else imputedCount++;
    if (empirical && t && t.inPanel) {
      for (let s = 0; s < n; s++) {
        const a0 = t.haps && t.haps[2 * s] !== MISSING ? t.haps[2 * s] : hds[2 * s] < 0.5 ? 0 : 1;
        const a1 = t.haps && t.haps[2 * s + 1] !== MISSING ? t.haps[2 * s + 1] : hds[2 * s + 1] < 0.5 ? 0 : 1;
        const l0 = clamp01(a0 === 1 ? 1 - 0.3 * u(9000 + 2 * s) : 0.3 * u(9000 + 2 * s));
        const l1 = clamp01(a1 === 1 ? 1 - 0.3 * u(9001 + 2 * s) : 0.3 * u(9001 + 2 * s));
        cells[s] = `${a0}|${a1}:${d3(l0)},${d3(l1)}`;
      }
      empirical.push(`${chrom}\t${site.pos}\t${id}\t${ref}\t${alt}\t.\tPASS\tTYPED;IMPUTED\tGT:LDS\t${cells.join('\t')}`);
    }
  }
  return {
    dose: bgzfCompress(dose.join('\n') + '\n', { level: BGZF_LEVEL }),
    info: bgzfCompress(info.join('\n') + '\n', { level: BGZF_LEVEL }),
    empirical: empirical ? bgzfCompress(empirical.join('\n') + '\n', { level: BGZF_LEVEL }) : null,
    typedPositions,
    imputedCount,
  };
}
