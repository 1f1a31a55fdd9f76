// Generated VCF fixtures: one option per server rule, written as real BGZF (with EOF block) unless
// the spec asks for a broken variant. Deterministic for a given seed.
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { compressBgzf } from '../../electron/services/vcf/bgzf';

export interface VcfSpec {
  chromosome?: string; // default '20'
  samples?: number; // default 25
  variants?: number; // default 200
  startPosition?: number; // default 10_000
  step?: number; // default 1_000 bp between variants
  phased?: boolean; // default false ('/' separators)
  seed?: number; // default 1
  unsorted?: boolean; // swap two records in the middle
  refEqualsAlt?: boolean; // the middle record has ALT == REF
  duplicateSample?: boolean; // last sample ID repeats the first
  extraChromosome?: string; // last tenth of the records on this chromosome
  noGT?: boolean; // FORMAT is DS (dosages), no GT
  spaces?: boolean; // records separated by spaces, not tabs
  missingRate?: number; // fraction of genotypes set to missing
  plainGzip?: boolean; // ordinary gzip, not BGZF
  noEofBlock?: boolean; // BGZF without the 28-byte EOF block
  // --- additions ---
  /** only CHROM and POS are tab-separated, the rest uses spaces (passes tabix, fails the server's split) */
  spacesAfterPosition?: boolean;
  /** keep only the first N columns of each record (e.g. 8 = sites-only) */
  columns?: number;
  /** sample index whose genotypes are all missing (drives the per-chunk call-rate rule) */
  missingSample?: number;
  /** explicit sample IDs (length must equal samples) */
  sampleIds?: string[];
  /** CRLF line ends */
  crlf?: boolean;
  /** leave out the ##fileformat line */
  noFileformat?: boolean;
  /** leave out the #CHROM line */
  noChromLine?: boolean;
  /** write the text uncompressed (still named whatever the caller chose) */
  uncompressed?: boolean;
  /** cut the compressed output to this many bytes (a truncated upload) */
  truncateTo?: number;
  /** write a BCF-like binary (BGZF with a BCF magic) instead of VCF text */
  bcf?: boolean;
  /** add a long INFO field of this many characters to every record (very long lines) */
  infoLength?: number;
  /** mixed chr-prefix: odd records use 'chr' + chromosome */
  mixedPrefix?: boolean;
  /** leave out the ##contig lines (common in real files; bcftools 1.16 then refuses to sort or subset) */
  noContigLines?: boolean;
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

/** The VCF text for a spec. */
export function vcfText(spec: VcfSpec = {}): string {
  const chromosome = spec.chromosome ?? '20';
  const nSamples = spec.samples ?? 25;
  const nVariants = spec.variants ?? 200;
  const start = spec.startPosition ?? 10_000;
  const step = spec.step ?? 1_000;
  const sep = spec.phased ? '|' : '/';
  const rand = rng(spec.seed ?? 1);
  const eol = spec.crlf ? '\r\n' : '\n';
  const missingRate = spec.missingRate ?? 0;

  const ids = spec.sampleIds ? [...spec.sampleIds] : Array.from({ length: nSamples }, (_, i) => `SAMPLE${i + 1}`);
  if (spec.duplicateSample && ids.length > 1) ids[ids.length - 1] = ids[0];

  const lines: string[] = [];
  if (!spec.noFileformat) lines.push('##fileformat=VCFv4.2');
  lines.push('##source=imputation-desktop-fixtures');
  if (!spec.noContigLines) {
    lines.push(`##contig=<ID=${chromosome}>`);
    if (spec.extraChromosome) lines.push(`##contig=<ID=${spec.extraChromosome}>`);
  }
  lines.push('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">');
  if (spec.noGT) lines.push('##FORMAT=<ID=DS,Number=1,Type=Float,Description="Dosage">');
  if (!spec.noChromLine) lines.push(['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...ids].join('\t'));

  const extraFrom = spec.extraChromosome ? Math.floor(nVariants * 0.9) : nVariants;
  const info = spec.infoLength ? `X=${'A'.repeat(Math.max(0, spec.infoLength - 2))}` : '.';
  const records: string[][] = [];
  for (let v = 0; v < nVariants; v++) {
    const onExtra = v >= extraFrom;
    let chrom = onExtra ? spec.extraChromosome! : chromosome;
    if (spec.mixedPrefix && v % 2 === 1) chrom = `chr${chrom.replace(/^chr/, '')}`;
    const pos = onExtra ? start + (v - extraFrom) * step : start + v * step;
    const refIdx = Math.floor(rand() * 4);
    const ref = BASES[refIdx];
    const alt = BASES[(refIdx + 1 + Math.floor(rand() * 3)) % 4];
    const gts: string[] = [];
    for (let s = 0; s < nSamples; s++) {
      if (spec.missingSample === s || (missingRate > 0 && rand() < missingRate)) {
        gts.push(spec.noGT ? '.' : `.${sep}.`);
        continue;
      }
      // sample 0 is always heterozygous so no site is monomorphic
      const a = s === 0 ? 0 : rand() < 0.3 ? 1 : 0;
      const b = s === 0 ? 1 : rand() < 0.3 ? 1 : 0;
      gts.push(spec.noGT ? (a + b).toFixed(3) : `${a}${sep}${b}`);
    }
    records.push([chrom, String(pos), `rs${pos}`, ref, alt, '.', 'PASS', info, spec.noGT ? 'DS' : 'GT', ...gts]);
  }
  if (spec.refEqualsAlt && records.length > 0) {
    const r = records[Math.floor(records.length / 2)];
    r[4] = r[3];
  }
  if (spec.unsorted && records.length > 3) {
    const m = Math.floor(records.length / 2);
    [records[m], records[m + 1]] = [records[m + 1], records[m]];
  }
  for (const r of records) {
    const cols = spec.columns ? r.slice(0, spec.columns) : r;
    if (spec.spaces) lines.push(cols.join(' '));
    else if (spec.spacesAfterPosition) lines.push(`${cols[0]}\t${cols.slice(1).join(' ')}`);
    else lines.push(cols.join('\t'));
  }
  return lines.join(eol) + eol;
}

function fakeBcf(text: string): Buffer {
  const header = Buffer.from(
    text
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join('\n') + '\n\0',
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from('BCF\x02\x02', 'latin1'), len, header, Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]);
}

/** Writes the spec as a file: real BGZF with the EOF block unless the spec asks otherwise. */
export async function writeVcfGz(path: string, spec: VcfSpec = {}): Promise<void> {
  const text = vcfText(spec);
  let raw: Buffer = Buffer.from(text, 'utf8');
  if (spec.bcf) raw = fakeBcf(text);
  let out: Buffer;
  if (spec.uncompressed) out = raw;
  else if (spec.plainGzip) out = gzipSync(raw);
  else out = compressBgzf(raw, { eofBlock: !spec.noEofBlock });
  if (spec.truncateTo !== undefined) out = out.subarray(0, spec.truncateTo);
  await writeFile(path, out);
}
