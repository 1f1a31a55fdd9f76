// Where corrected and slim copies go, and how they leave: a folder next to the job's results
// folder, named after the job (`<job>-corrected`, `<job name>-slim-<time>`), holding the files
// under the user's own names and the change log. The originals are never written to.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { jobFolderName, sanitizeSegment } from '../downloads/safe-path';
import type { CopySet } from './qc-store';

export const CHANGE_LOG_NAME = 'changes.tsv';

/** `<results folder>/<job folder>-corrected` for the fixes of a checked job. */
export function correctedFolder(resultsDir: string, checkJobId: string, checkJobName: string | null): string {
  return path.join(resultsDir, `${jobFolderName(checkJobId, checkJobName)}-corrected`);
}

/** `<results folder>/<job name>-slim-<yyyymmdd-hhmmss>` for slim copies (the job does not exist yet). */
export function slimFolder(resultsDir: string, jobName: string, at: number): string {
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return path.join(resultsDir, `${sanitizeSegment(jobName, 'job')}-slim-${stamp}`);
}

/** Deletes a set of copies: its files and change log, then the folder if nothing else is in it. */
export async function deleteCopies(copies: CopySet): Promise<void> {
  for (const file of copies.files) await fs.rm(file.path, { force: true });
  if (copies.changeLog) await fs.rm(copies.changeLog, { force: true });
  await fs.rmdir(copies.folder).catch(() => undefined);
}

/** The copies are still there as written (same size and time), so they can be uploaded again. */
export async function copiesIntact(copies: CopySet): Promise<boolean> {
  if (copies.deleted) return false;
  for (const file of copies.files) {
    const info = await fs.stat(file.path).catch(() => null);
    if (!info || info.size !== file.size || Math.abs(info.mtimeMs - file.mtimeMs) >= 1) return false;
  }
  return true;
}
