// Plain data shapes of the download manager (JSON-safe, so they persist and travel over IPC as is).
import type { DownloadErrorData } from './errors';
import type { ResumeInfo } from './transfer';

/** One result file as the job API lists it (docs/server-behaviour.md#output-files), with its download URL. */
export interface DownloadFile {
  jobId: string;
  serverId: string;
  /** The Cloudgene download URL, e.g. `https://host/share/results/<hash>/<name>`. */
  url: string;
  /** Relative name from the server; may contain `/`. */
  name: string;
  /** The server's rounded size label ("314 MB"), if any. */
  sizeLabel: string | null;
  /** Remaining downloads (`files[].count`); -1 = unlimited. */
  credits: number;
}

export interface EnqueueOptions {
  /** The job's folder; server names with `/` become subfolders of it. */
  destDir: string;
  /** Every file of the job, so `<name>.md5` companions are fetched and checked too. */
  jobFiles?: DownloadFile[];
}

export type DownloadState = 'queued' | 'running' | 'paused' | 'needs-confirmation' | 'verifying' | 'completed' | 'failed' | 'canceled';

export const FINAL_STATES: readonly DownloadState[] = ['completed', 'failed', 'canceled'];

export type ChecksumState = 'none' | 'pending' | 'ok' | 'mismatch';

/** A retry after a broken transfer, kept so the user sees what each one cost. */
export interface RetryRecord {
  at: number;
  reason: string;
  /** True when the failed attempt had spent a download credit without delivering the file. */
  creditLost: boolean;
}

/** What the manager keeps (and persists) per transfer. */
export interface DownloadItem {
  id: string;
  serverId: string;
  jobId: string;
  name: string;
  url: string;
  sizeLabel: string | null;
  destDir: string;
  /** Absolute path of the result file; null when the server's name was refused. */
  path: string | null;
  state: DownloadState;
  /** Remaining downloads as far as this app knows; -1 = unlimited. */
  creditsLeft: number;
  /** Credits this app spent on this file. */
  creditsSpent: number;
  receivedBytes: number;
  /** Bytes the last attempt found in the `.part` file and did not fetch again (a Range resume). */
  resumedFromBytes: number;
  /** Exact size once an answer gave it (S3 mode). */
  totalBytes: number | null;
  /** Lower bound from the size label, for the time left while the exact size is unknown. */
  estimatedBytes: number | null;
  resume: ResumeInfo | null;
  /** For a `.md5` file: the name of the file it checks. */
  md5Of: string | null;
  checksum: ChecksumState;
  /** Completed without a request because the file was already complete on disk. */
  alreadyComplete: boolean;
  error: DownloadErrorData | null;
  retries: RetryRecord[];
  /** Not started again before this time (retry back-off). */
  notBefore: number;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/** What the UI sees: no URLs (the hashes in them authorize downloads). */
export interface DownloadItemView extends Omit<DownloadItem, 'url' | 'resume'> {
  /** True when continuing needs no new credit (the pre-signed link is still valid). */
  resumeIsFree: boolean;
  /** Until when a break can be resumed for free, epoch ms. */
  resumableUntil: number | null;
}

export interface ItemProgress {
  id: string;
  receivedBytes: number;
  totalBytes: number | null;
  estimatedBytes: number | null;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface TotalProgress {
  receivedBytes: number;
  totalBytes: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  running: number;
  queued: number;
}

export type DownloadEvent =
  | { type: 'item'; item: DownloadItemView }
  | { type: 'removed'; id: string }
  | ({ type: 'progress' } & ItemProgress)
  | ({ type: 'total' } & TotalProgress)
  /** Every transfer of a job reached an end state: the moment for the "downloads done" notification. */
  | { type: 'job-done'; serverId: string; jobId: string; destDir: string; completed: number; failed: number; canceled: number };
