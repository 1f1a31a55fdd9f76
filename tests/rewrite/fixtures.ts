// VCFs with INFO and FORMAT GT:AD:DP:GQ:PL (what slim copies strip), written as BGZF in blocks
// as small as a test wants, so batches of a few blocks cut lines everywhere.
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { BGZF_EOF_BLOCK, bgzfBlock } from '../../electron/services/vcf/bgzf-write';

export interface RichVcfSpec {
  samples?: number;
  records?: number;
  seed?: number;
  /** Genotype separator. */
  phased?: boolean;
  /** Share of genotypes written as missing ('./.'). */
  missing?: number;
  /** Extra INFO characters per record (long lines). */
  infoPadding?: number;
  /** Leave the last newline out. */
  noFinalNewline?: boolean;
  crlf?: boolean;
  /** Uncompressed bytes per BGZF block (default: bgzip's). */
  blockBytes?: number;
  chromosome?: string;
  /** Alleles per record, cycled (default: all non-ambiguous and ambiguous pairs). */
  alleles?: Array<[string, string]>;
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

const PAIRS: Array<[string, string]> = [
  ['A', 'G'],
  ['C', 'T'],
  ['A', 'T'],
  ['G', 'A'],
  ['T', 'C'],
  ['C', 'G'],
  ['A', 'C'],
  ['G', 'T'],
];

export function richVcfText(spec: RichVcfSpec = {}): string {
  const samples = spec.samples ?? 12;
  const records = spec.records ?? 500;
  const random = rng(spec.seed ?? 5);
  const sep = spec.phased ? '|' : '/';
  const chrom = spec.chromosome ?? '20';
  const alleles = spec.alleles ?? PAIRS;
  const lines = [
    '##fileformat=VCFv4.2',
    `##contig=<ID=${chrom},length=64444167>`,
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
    '##INFO=<ID=PAD,Number=1,Type=String,Description="Padding">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Likelihoods">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: samples }, (_, i) => `S${i + 1}`)].join('\t'),
  ];
  for (let r = 0; r < records; r++) {
    const [ref, alt] = alleles[r % alleles.length]!;
    const pos = 10_500 + r * 1000;
    const cells: string[] = [];
    let ac = 0;
    for (let s = 0; s < samples; s++) {
      if (random() < (spec.missing ?? 0.05)) {
        cells.push(`.${sep}.:.:.:.:.`);
        continue;
      }
      const a = random() < 0.3 ? 1 : 0;
      const b = random() < 0.3 ? 1 : 0;
      ac += a + b;
      const dp = 10 + Math.floor(random() * 20);
      cells.push(
        `${a}${sep}${b}:${dp - a - b},${a + b}:${dp}:${20 + Math.floor(random() * 70)}:${a + b === 0 ? '0,30,300' : a + b === 1 ? '40,0,400' : '300,30,0'}`,
      );
    }
    const info = `AC=${ac};AF=${(ac / (2 * samples)).toFixed(3)}${spec.infoPadding ? `;PAD=${'x'.repeat(spec.infoPadding)}` : ''}`;
    lines.push([chrom, String(pos), `rs${pos}`, ref, alt, '50', 'PASS', info, 'GT:AD:DP:GQ:PL', ...cells].join('\t'));
  }
  const eol = spec.crlf ? '\r\n' : '\n';
  return lines.join(eol) + (spec.noFinalNewline ? '' : eol);
}

/** BGZF with blocks of `blockBytes` uncompressed bytes (small blocks: many batch boundaries). */
export function bgzfInBlocks(text: string, blockBytes = 0xff00): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += blockBytes) parts.push(bgzfBlock(bytes.subarray(offset, offset + blockBytes), 6));
  parts.push(BGZF_EOF_BLOCK);
  return Buffer.concat(parts);
}

export async function writeRichVcf(file: string, spec: RichVcfSpec = {}): Promise<string> {
  const text = richVcfText(spec);
  await writeFile(file, bgzfInBlocks(text, spec.blockBytes));
  return text;
}

/** The text of a BGZF file (all members). */
export function bgzfText(data: Buffer): string {
  return gunzipSync(data).toString('utf8');
}

/** Runs a Debian tool; throws with its stderr when it fails. */
export function tool(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}
