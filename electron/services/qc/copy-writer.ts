// Writes the copies of a run's files (slim, or corrected with the report's fixes) into their
// folder with the rewriter, after an estimate of their size (the disk check), and appends to the
// change log the listed sites no file held.
import { promises as fs } from 'node:fs';
import type { QcFixOptions } from '../../ipc/contract';
import type { FreeSpaceProbe } from '../downloads/disk-space';
import { snapshotFile, type UploadFile } from '../multipart/file-snapshot';
import { RewriteCanceled } from '../rewrite/rewrite-file';
import { estimateOutput, rewriteSet, type RewriteProgress, type RewriteSource } from '../rewrite/rewrite-set';
import { editKey } from '../rewrite/transforms/site-edits';
import type { TransformSpec } from '../rewrite/types';
import { CHANGE_LOG_NAME } from './copies';
import { parseExcludedSites } from './excluded-sites';
import { fixPlan } from './fix-plan';

export interface WrittenCopies {
  files: UploadFile[];
  changeLog: string | null;
  /** What the transform counted (swap, flip, flip-swap, drop, drop-ambiguous). */
  counts: Record<string, number>;
  /** Listed sites no file held. */
  notFound: number;
}

/** The header line each copy carries, saying what made it. */
export function copyHeaderLine(what: 'slim' | 'fix', at: number): string {
  const date = new Date(at).toISOString();
  return what === 'slim'
    ? `##imputationDesktopCommand=slim copy: INFO removed, FORMAT reduced to GT; Date=${date}`
    : `##imputationDesktopCommand=allele fixes from the server's QC (statistics/snps-excluded.txt), see ${CHANGE_LOG_NAME}; Date=${date}`;
}

/** The site edits of the server's list, found by position (or by ID where the server lifted the positions). */
export async function fixSpec(excludedPath: string | null, options: QcFixOptions, liftedPositions: boolean, headerLine: string): Promise<TransformSpec> {
  const text = excludedPath ? await fs.readFile(excludedPath, 'utf8') : '';
  const plan = fixPlan(parseExcludedSites(text).sites, options);
  return {
    kind: 'site-edits',
    edits: plan.edits,
    matchBy: liftedPositions ? 'id' : 'position',
    dropAmbiguous: options.dropAmbiguous,
    slim: options.slim,
    headerLine,
  };
}

export interface CopyJob {
  sources: RewriteSource[];
  folder: string;
  spec: TransformSpec;
  changeLog: boolean;
  signal: AbortSignal;
  onProgress: (progress: RewriteProgress) => void;
  workers?: number;
  freeSpace?: FreeSpaceProbe;
}

export async function writeCopies(job: CopyJob): Promise<WrittenCopies> {
  const estimate = await estimateOutput(job.sources, job.spec);
  if (job.signal.aborted) throw new RewriteCanceled();
  const result = await rewriteSet({
    sources: job.sources,
    folder: job.folder,
    spec: job.spec,
    changeLog: job.changeLog ? CHANGE_LOG_NAME : null,
    expectedBytes: estimate.outputBytes,
    signal: job.signal,
    workers: job.workers,
    freeSpace: job.freeSpace,
    onProgress: job.onProgress,
  });
  let notFound = 0;
  if (job.spec.kind === 'site-edits') {
    const spec = job.spec;
    const applied = new Set(result.marks);
    const missing = spec.edits.filter((edit) => !applied.has(editKey(edit, spec.matchBy)));
    notFound = missing.length;
    if (missing.length > 0 && result.changeLog) {
      const rows = missing.map((edit) => `-\t${edit.chromosome}\t${edit.pos}\t${edit.id}\t${edit.ref}\t${edit.alt}\t\t\tnot-found\t${edit.reason}\n`).join('');
      await fs.appendFile(result.changeLog, rows);
    }
  }
  return {
    files: await Promise.all(result.files.map((file) => snapshotFile(file.path, file.name))),
    changeLog: result.changeLog,
    counts: result.counts,
    notFound,
  };
}
