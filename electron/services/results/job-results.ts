// What a job's results folder holds, per chromosome: the server's chr_N.zip (downloaded or not)
// and what it unpacks to (chrN.info.gz, chrN.dose.vcf.gz, chrN.empiricalDose.vcf.gz; see
// docs/server-behaviour.md#output-files), with what is missing said in words.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResultsOverview } from '../../ipc/contract';

export const QC_FILES = [
  'qc_report.txt',
  'quality-control.html',
  'statistics/snps-excluded.txt',
  'statistics/chunks-excluded.txt',
  'statistics/snps-typed-only.txt',
] as const;

const ZIP = /^chr_([^/]+)\.zip$/;
const EXTRACTED = /^chr([^/.]+)\.(info\.gz|dose\.vcf\.gz|empiricalDose\.vcf\.gz)$/;

export const infoName = (chromosome: string): string => `chr${chromosome}.info.gz`;
export const doseName = (chromosome: string): string => `chr${chromosome}.dose.vcf.gz`;
export const zipName = (chromosome: string): string => `chr_${chromosome}.zip`;

/** 1-22 in numeric order, then X, Y, MT, then anything else by name. */
export function chromosomeRank(chromosome: string): number {
  if (/^\d+$/.test(chromosome)) return Number(chromosome);
  const named: Record<string, number> = { X: 23, Y: 24, MT: 25, M: 25 };
  return named[chromosome] ?? 100;
}

export const byChromosome = (a: string, b: string): number => chromosomeRank(a) - chromosomeRank(b) || (a < b ? -1 : a > b ? 1 : 0);

export interface ServerFile {
  name: string;
  /** Download credits left; null = unlimited. */
  credits: number | null;
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

export interface Inventory {
  chromosomes: ResultsOverview['chromosomes'];
  qcFiles: string[];
  notDownloaded: ResultsOverview['notDownloaded'];
  notExtracted: string[];
  /** Every file name on disk the folder was checked for. */
  onDisk: Set<string>;
}

const credits = (n: number | null): string => (n === null ? '' : n === 0 ? ', and no downloads are left' : ` (${n} download${n === 1 ? '' : 's'} left)`);

/**
 * Checks the folder for every file the server lists and every file a chromosome unpacks to.
 * `localNames` are names found on disk already (chromosomes whose zip the server no longer lists).
 */
export async function inventory(folder: string, serverFiles: ServerFile[], localNames: string[]): Promise<Inventory> {
  const onDisk = new Set<string>();
  const check = async (name: string) => {
    if (await isFile(path.join(folder, ...name.split('/')))) onDisk.add(name);
  };
  const chromosomes = new Set<string>();
  for (const name of [...serverFiles.map((file) => file.name), ...localNames]) {
    const chromosome = ZIP.exec(name)?.[1] ?? EXTRACTED.exec(name)?.[1];
    if (chromosome) chromosomes.add(chromosome);
  }
  const sorted = [...chromosomes].sort(byChromosome);
  await Promise.all([
    ...serverFiles.map((file) => check(file.name)),
    ...QC_FILES.map(check),
    ...sorted.flatMap((c) => [check(zipName(c)), check(infoName(c)), check(doseName(c)), check(`chr${c}.empiricalDose.vcf.gz`)]),
  ]);
  const listed = new Map(serverFiles.map((file) => [file.name, file]));
  const rows = sorted.map((chromosome) => {
    const zip = zipName(chromosome);
    const server = listed.get(zip);
    const zipDownloaded = onDisk.has(zip);
    const info = onDisk.has(infoName(chromosome));
    const dose = onDisk.has(doseName(chromosome));
    let missing: string | null = null;
    const partial = info !== dose;
    if (!info || !dose) {
      const absent = [!info ? infoName(chromosome) : null, !dose ? doseName(chromosome) : null].filter(Boolean).join(' and ');
      const verb = !info && !dose ? 'are' : 'is';
      // Unpacking never replaces a file (DownloadsService.extract), so the half that is there must go first.
      if (zipDownloaded && partial)
        missing = `${absent} is missing: ${info ? infoName(chromosome) : doseName(chromosome)} is there, and unpacking ${zip} again needs it moved elsewhere first.`;
      else if (zipDownloaded) missing = `${absent} ${verb} not unpacked yet: extract ${zip}.`;
      else if (server) missing = `${absent} ${verb} missing: ${zip} is not downloaded${credits(server.credits)}.`;
      else missing = `${absent} ${verb} missing, and the server no longer lists ${zip}.`;
    }
    return {
      chromosome,
      zip: server || zipDownloaded ? zip : null,
      zipOnServer: Boolean(server),
      zipDownloaded,
      zipCredits: server?.credits ?? null,
      info,
      dose,
      empiricalDose: onDisk.has(`chr${chromosome}.empiricalDose.vcf.gz`),
      missing,
    };
  });
  return {
    chromosomes: rows,
    qcFiles: QC_FILES.filter((name) => onDisk.has(name)),
    notDownloaded: serverFiles.filter((file) => !onDisk.has(file.name)).map((file) => ({ name: file.name, credits: file.credits })),
    // Only zips whose files are all absent: unpacking refuses to replace the half that is there.
    notExtracted: rows.filter((row) => row.zipDownloaded && !row.info && !row.dose).map((row) => row.zip!),
    onDisk,
  };
}
