// Sites-only info VCFs with a known distribution, written as the pipeline writes chrN.info.gz
// (BGZF, Minimac4's INFO fields). Values are kept as integers in units of 1e-5, so the expected
// counts are computed here with integer arithmetic, independently of the reader's parsing.
import { writeFile } from 'node:fs/promises';
import { bgzfCompress } from '../../electron/services/vcf/bgzf-write';
import { MINIMAC_INFO_HEADER } from '../../electron/emulator/jobs/dose-output';

export interface FixtureSite {
  pos: number;
  /** In units of 1e-5 (MAF 0.01 = 1000); null = field absent. */
  maf: number | null;
  r2: number | null;
  er2?: number | null;
  typed?: boolean;
  imputed?: boolean;
}

/** 12345 -> "0.12345", 100000 -> "1", 30000 -> "0.3" (trailing zeros trimmed, as Minimac4 prints). */
export function fixed5(units: number): string {
  const whole = Math.floor(units / 100000);
  const frac = String(units % 100000)
    .padStart(5, '0')
    .replace(/0+$/, '');
  return frac === '' ? String(whole) : `${whole}.${frac}`;
}

export function infoHeader(chrom: string): string[] {
  return ['##fileformat=VCFv4.2', '##source=Minimac v4.1.6', `##contig=<ID=${chrom}>`, ...MINIMAC_INFO_HEADER, '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO'];
}

export function infoField(site: FixtureSite): string {
  const parts: string[] = [];
  if (site.maf !== null) parts.push(`AF=${fixed5(site.maf)}`, `MAF=${fixed5(site.maf)}`);
  parts.push('AVG_CS=0.99');
  if (site.r2 !== null) parts.push(`R2=${fixed5(site.r2)}`);
  if (site.er2 !== undefined && site.er2 !== null) parts.push(`ER2=${fixed5(site.er2)}`);
  if (site.typed) parts.push('TYPED');
  if (site.imputed ?? !site.typed) parts.push('IMPUTED');
  return parts.join(';');
}

export function infoText(chrom: string, sites: FixtureSite[]): string {
  const lines = infoHeader(chrom);
  for (const site of sites) lines.push(`${chrom}\t${site.pos}\t${chrom}:${site.pos}:A:G\tA\tG\t.\tPASS\t${infoField(site)}`);
  return lines.join('\n') + '\n';
}

export async function writeInfoGz(path: string, chrom: string, sites: FixtureSite[], level = 1): Promise<void> {
  await writeFile(path, bgzfCompress(infoText(chrom, sites), { level }));
}

/** A small deterministic generator (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Edge values on purpose: every bin boundary of MAF and R2 appears, plus random values in between. */
export function knownSites(count: number, seed: number): FixtureSite[] {
  const next = random(seed);
  const mafEdges = [0, 1, 99, 100, 101, 499, 500, 999, 1000, 4999, 5000, 25000, 50000];
  const r2Edges = [0, 4999, 5000, 29999, 30000, 30001, 79999, 80000, 95000, 99999, 100000];
  const sites: FixtureSite[] = [];
  for (let i = 0; i < count; i++) {
    const maf = i % 97 === 0 ? null : i % 3 === 0 ? mafEdges[i % mafEdges.length] : Math.floor(next() * 50001);
    const r2 = i % 89 === 0 ? null : i % 4 === 0 ? r2Edges[i % r2Edges.length] : Math.floor(next() * 100001);
    const typed = i % 7 === 0;
    const er2 = typed && r2 !== null && i % 5 !== 0 ? Math.floor(next() * 100001) : null;
    sites.push({ pos: 1000 + i * 13, maf, r2, er2, typed, imputed: typed ? i % 2 === 0 : true });
  }
  return sites;
}

/** What the summary must say, counted with integers. */
export function expectedCounts(sites: FixtureSite[]) {
  const mafBinOf = (m: number) => (m < 100 ? 0 : m < 500 ? 1 : m < 1000 ? 2 : m < 5000 ? 3 : 4);
  const r2BinOf = (r: number) => Math.min(19, Math.floor(r / 5000));
  const out = {
    variants: sites.length,
    typed: 0,
    typedOnly: 0,
    imputed: 0,
    missingR2: 0,
    missingMaf: 0,
    pass: [0, 0],
    mafCount: [0, 0, 0, 0, 0],
    mafPass: [
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
      [0, 0],
    ],
    hist: new Array<number>(20).fill(0),
    er2Count: 0,
    er2Bins: new Array<number>(20).fill(0),
  };
  for (const s of sites) {
    if (s.typed) {
      out.typed++;
      if (!(s.imputed ?? false)) out.typedOnly++;
    } else if (s.imputed ?? true) out.imputed++;
    if (s.maf === null) out.missingMaf++;
    if (s.r2 === null) {
      out.missingR2++;
      continue;
    }
    const passes = [s.r2 >= 30000 ? 1 : 0, s.r2 >= 80000 ? 1 : 0];
    out.pass[0] += passes[0];
    out.pass[1] += passes[1];
    out.hist[r2BinOf(s.r2)]++;
    if (s.maf !== null) {
      const b = mafBinOf(s.maf);
      out.mafCount[b]++;
      out.mafPass[b][0] += passes[0];
      out.mafPass[b][1] += passes[1];
    }
    if (s.typed && s.er2 !== null && s.er2 !== undefined) {
      out.er2Count++;
      out.er2Bins[r2BinOf(s.r2)]++;
    }
  }
  return out;
}
