import { mkdir, writeFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { seededRandom } from '../random';

// Small but real result files: password-protected chr_N.zip (ZipCrypto, or AES-256), QC reports.

configure({ useWebWorkers: false });

export interface WrittenFile {
  name: string;
  absPath: string;
  bytes: number;
}

export interface ResultSpec {
  jobId: string;
  /** Chromosomes without the `chr` prefix, e.g. ['20', 'X']. */
  chromosomes: string[];
  /** Build of the reference panel: results use its encoding. */
  build: string;
  sampleIds: string[];
  password: string;
  aes: boolean;
  meta: boolean;
  imputation: boolean;
  qcReport: string;
  excludedSnps: number;
  excludedChunks: string[];
  typedOnly: number;
}

function doseVcf(chrName: string, sampleIds: string[], random: () => number): string {
  const lines = [
    '##fileformat=VCFv4.1',
    '##filedate=2025.10.16',
    '##source=Minimac4.v1.0.2',
    '##phasing=full',
    `##contig=<ID=${chrName}>`,
    '##INFO=<ID=AF,Number=1,Type=Float,Description="Estimated Alternate Allele Frequency">',
    '##INFO=<ID=MAF,Number=1,Type=Float,Description="Estimated Minor Allele Frequency">',
    '##INFO=<ID=R2,Number=1,Type=Float,Description="Estimated Imputation Accuracy (R-square)">',
    '##INFO=<ID=IMPUTED,Number=0,Type=Flag,Description="Marker was imputed but NOT genotyped">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DS,Number=1,Type=Float,Description="Estimated Alternate Allele Dosage : [P(0/1)+2*P(1/1)]">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...sampleIds].join('\t'),
  ];
  const bases = ['A', 'C', 'G', 'T'];
  let pos = 60_000;
  for (let i = 0; i < 40; i++) {
    pos += 1 + Math.floor(random() * 5000);
    const ref = bases[Math.floor(random() * 4)];
    const alt = bases[(bases.indexOf(ref) + 1 + Math.floor(random() * 3)) % 4];
    const af = random() * 0.5;
    const gts = sampleIds.map(() => {
      const a = random() < af ? 1 : 0;
      const b = random() < af ? 1 : 0;
      return `${a}|${b}:${(a + b).toFixed(3)}`;
    });
    lines.push(
      [
        chrName,
        pos,
        `${chrName}:${pos}:${ref}:${alt}`,
        ref,
        alt,
        '.',
        'PASS',
        `AF=${af.toFixed(5)};MAF=${af.toFixed(5)};R2=${(0.3 + random() * 0.7).toFixed(5)};IMPUTED`,
        'GT:DS',
        ...gts,
      ].join('\t'),
    );
  }
  return lines.join('\n') + '\n';
}

function infoFile(chrName: string, random: () => number): string {
  const lines = ['SNP\tREF(0)\tALT(1)\tALT_Frq\tMAF\tAvgCall\tRsq\tGenotyped\tLooRsq\tEmpR\tEmpRsq\tDose0\tDose1'];
  for (let i = 0; i < 40; i++) {
    const f = (random() * 0.5).toFixed(5);
    lines.push(`${chrName}:${60_000 + i * 1000}:A:G\tA\tG\t${f}\t${f}\t0.99\t${(0.3 + random() * 0.7).toFixed(5)}\tImputed\t-\t-\t-\t-\t-`);
  }
  return lines.join('\n') + '\n';
}

async function chromosomeZip(spec: ResultSpec, chr: string): Promise<Uint8Array> {
  const random = seededRandom(`${spec.jobId}:${chr}`);
  const chrName = spec.build === 'hg38' ? `chr${chr}` : chr;
  const samples = spec.sampleIds.length > 0 ? spec.sampleIds.slice(0, 20) : ['SAMPLE1', 'SAMPLE2'];
  const entries: Array<[string, Uint8Array]> = [
    [`chr${chr}.dose.vcf.gz`, gzipSync(doseVcf(chrName, samples, random))],
    [`chr${chr}.info.gz`, gzipSync(infoFile(chrName, random))],
  ];
  if (spec.meta) entries.push([`chr${chr}.empiricalDose.vcf.gz`, gzipSync(doseVcf(chrName, samples, random))]);
  const writer = new ZipWriter(new Uint8ArrayWriter());
  const encryption = spec.aes ? { encryptionStrength: 3 as const } : { zipCrypto: true };
  for (const [name, data] of entries) {
    // Already gzip-compressed, so stored (level 0) like the pipeline's zip of .gz files.
    await writer.add(name, new Uint8ArrayReader(data), { password: spec.password, level: 0, ...encryption });
  }
  return writer.close();
}

async function put(dir: string, name: string, data: string | Uint8Array, out: WrittenFile[]): Promise<void> {
  const absPath = join(dir, ...name.split('/'));
  await mkdir(dirname(absPath), { recursive: true });
  await writeFile(absPath, data);
  out.push({ name, absPath, bytes: (await stat(absPath)).size });
}

/** Writes the files of the `output` folder; QC files only unless `imputation`. */
export async function writeResults(outputDir: string, spec: ResultSpec, qcOnlyFailure = false): Promise<WrittenFile[]> {
  const out: WrittenFile[] = [];
  if (spec.imputation && !qcOnlyFailure) {
    for (const chr of spec.chromosomes) await put(outputDir, `chr_${chr}.zip`, await chromosomeZip(spec, chr), out);
  }
  if (!qcOnlyFailure) {
    await put(outputDir, 'qc_report.txt', spec.qcReport.replace(/<[^>]+>/g, '') + '\n', out);
    await put(
      outputDir,
      'quality-control.html',
      `<!doctype html><html><head><title>Quality Control Report</title></head><body><h1>Quality Control Report</h1><pre>${spec.qcReport}</pre></body></html>\n`,
      out,
    );
  }
  const snpLines = ['#Position\tFilterType\tInfo'];
  for (let i = 0; i < spec.excludedSnps; i++) snpLines.push(`${spec.chromosomes[0] ?? '20'}:${61_000 + i * 731}\tMonomorphic allele\t-`);
  await put(outputDir, 'statistics/snps-excluded.txt', snpLines.join('\n') + '\n', out);
  await put(
    outputDir,
    'statistics/chunks-excluded.txt',
    ['#Chunk\tSNPs (#)\tReference Overlap (%)\tLow Sample Call Rates (#)', ...spec.excludedChunks].join('\n') + '\n',
    out,
  );
  const typedLines = ['#Position'];
  for (let i = 0; i < Math.min(spec.typedOnly, 500); i++) typedLines.push(`${spec.chromosomes[0] ?? '20'}:${62_000 + i * 977}`);
  await put(outputDir, 'statistics/snps-typed-only.txt', typedLines.join('\n') + '\n', out);
  return out;
}
