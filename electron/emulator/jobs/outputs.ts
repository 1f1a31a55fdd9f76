// The job's `output` folder, written as the pipeline publishes it (docs/server-behaviour.md#output-files): QC files
// when Quality Control ends (also when it fails), one password-protected chr_N.zip per chromosome
// as compression finishes it. Whatever is in the folder when the job ends is exported, so a failed
// or canceled job exports what it had.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { configure, Uint8ArrayReader, Uint8ArrayWriter, ZipWriter } from '@zip.js/zip.js';
import { chromosomeFiles } from './dose-output';
import type { ChromosomeOutputSpec } from './dose-output';

configure({ useWebWorkers: false });

export interface WrittenFile {
  /** Relative to the output folder, '/'-separated. */
  name: string;
  absPath: string;
  bytes: number;
}

/** Writes via a temporary name, so a file half-written when the job ends is never exported. */
async function put(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const absPath = join(dir, ...name.split('/'));
  await mkdir(dirname(absPath), { recursive: true });
  const temp = join(dirname(absPath), `.${name.split('/').pop()}.part`);
  await writeFile(temp, data);
  await rename(temp, absPath);
}

export interface QcFiles {
  /** qc_report.txt as the tool writes it. */
  report: string;
  excludedRows: string[];
  typedOnlyRows: string[];
  chunkRows: string[];
  /** Present when the upload was lifted to the panel's build. */
  liftOverRows: string[] | null;
}

/**
 * The QC step's files. The real tool creates the three tables only when it writes a row; the
 * emulator always writes them (header only when empty) so every finished job has the same list.
 */
export async function writeQcFiles(outputDir: string, files: QcFiles): Promise<void> {
  const table = (header: string, rows: string[]) => [header, ...rows].join('\n') + '\n';
  await put(outputDir, 'qc_report.txt', files.report);
  await put(outputDir, 'statistics/snps-excluded.txt', table('ID\tCHROM\tPOS\tREF\tALT\tINFO', files.excludedRows));
  await put(outputDir, 'statistics/chunks-excluded.txt', table('CHUNK\tSNPS\tREFERENCE_OVERLAP\tSAMPLES_LOW_CALL_RATE', files.chunkRows));
  await put(outputDir, 'statistics/snps-typed-only.txt', table('ID\tCHROM\tPOS\tREF\tALT', files.typedOnlyRows));
  if (files.liftOverRows) await put(outputDir, 'statistics/lift-over.txt', files.liftOverRows.map((r) => `${r}\n`).join(''));
}

/** The rendered QC report (an R Markdown page in the real pipeline). */
export async function writeQcHtml(outputDir: string, messages: string[]): Promise<void> {
  const body = messages.map((m) => `<p>${m.replace(/\n/g, '<br>')}</p>`).join('\n');
  await put(
    outputDir,
    'quality-control.html',
    `<!doctype html><html><head><meta charset="utf-8"><title>Quality Control Report</title></head><body><h1>Quality Control Report</h1>\n${body}\n</body></html>\n`,
  );
}

export interface ZipSpec extends ChromosomeOutputSpec {
  password: string;
  aes: boolean;
}

/** chr_N.zip with chrN.dose.vcf.gz, chrN.info.gz (and chrN.empiricalDose.vcf.gz): ZipCrypto, or AES-256. */
export async function writeChromosomeZip(outputDir: string, spec: ZipSpec, signal?: AbortSignal): Promise<void> {
  const files = chromosomeFiles(spec);
  const prefix = `chr${spec.chromosome}`;
  const entries: Array<[string, Uint8Array]> = [
    [`${prefix}.dose.vcf.gz`, files.dose],
    [`${prefix}.info.gz`, files.info],
  ];
  if (files.empirical) entries.push([`${prefix}.empiricalDose.vcf.gz`, files.empirical]);
  const writer = new ZipWriter(new Uint8ArrayWriter());
  const encryption = spec.aes ? { encryptionStrength: 3 as const } : { zipCrypto: true };
  for (const [name, data] of entries) {
    // Already compressed: stored (level 0).
    await writer.add(name, new Uint8ArrayReader(data), { password: spec.password, level: 0, ...encryption });
  }
  const zip = await writer.close();
  if (signal?.aborted) return;
  await put(outputDir, `chr_${spec.chromosome}.zip`, zip);
}

const chromosomeRank = (name: string): number => {
  const m = /^chr_(.+)\.zip$/.exec(name);
  if (!m) return 1000;
  return /^\d+$/.test(m[1]) ? Number(m[1]) : m[1] === 'X' ? 23 : 100;
};

/** What the export registers: every finished file of the folder (zips first, then the rest). */
export function listOutputFiles(outputDir: string): WrittenFile[] {
  if (!existsSync(outputDir)) return [];
  const out: WrittenFile[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const absPath = join(dir, entry.name);
      const name = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(absPath, name);
      else out.push({ name, absPath, bytes: statSync(absPath).size });
    }
  };
  walk(outputDir, '');
  const depth = (f: WrittenFile) => f.name.split('/').length;
  return out.sort((a, b) => chromosomeRank(a.name) - chromosomeRank(b.name) || depth(a) - depth(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function clearOutput(outputDir: string): Promise<void> {
  await rm(outputDir, { recursive: true, force: true });
}
