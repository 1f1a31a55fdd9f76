// Result downloads: part of the IPC contract (electron/ipc/contract.ts). Pure TypeScript (zod only).
import { z } from 'zod';

export const downloadItem = z.object({
  id: z.string(),
  serverId: z.string(),
  jobId: z.string(),
  name: z.string(),
  sizeLabel: z.string().nullable(),
  destDir: z.string(),
  /** Where the file is (or will be) on disk; null when the server's name was refused. */
  path: z.string().nullable(),
  state: z.enum(['queued', 'running', 'paused', 'needs-confirmation', 'verifying', 'completed', 'failed', 'canceled']),
  creditsLeft: z.number(),
  creditsSpent: z.number(),
  receivedBytes: z.number(),
  resumedFromBytes: z.number(),
  totalBytes: z.number().nullable(),
  estimatedBytes: z.number().nullable(),
  md5Of: z.string().nullable(),
  checksum: z.enum(['none', 'pending', 'ok', 'mismatch']),
  alreadyComplete: z.boolean(),
  error: z
    .object({ code: z.string(), message: z.string(), serverMessage: z.string().optional(), detail: z.string().optional(), status: z.number().optional() })
    .nullable(),
  retries: z.array(z.object({ at: z.number(), reason: z.string(), creditLost: z.boolean() })),
  notBefore: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** Continuing needs no new credit (the pre-signed link is still valid). */
  resumeIsFree: z.boolean(),
  resumableUntil: z.number().nullable(),
});
export type DownloadItem = z.infer<typeof downloadItem>;

export const downloadProgress = z.object({
  id: z.string(),
  receivedBytes: z.number(),
  totalBytes: z.number().nullable(),
  estimatedBytes: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});

export const downloadTotals = z.object({
  receivedBytes: z.number(),
  totalBytes: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  running: z.number(),
  queued: z.number(),
});

/** "Download all" asked while the server did not answer: it waits and is tried again. */
export const waitingDownload = z.object({
  serverId: z.string(),
  serverLabel: z.string(),
  jobId: z.string(),
  /** The files asked for; null = every file of the job. */
  names: z.array(z.string()).nullable(),
  /** Started by a job's success (the server's "download automatically" setting), not by the user. */
  automatic: z.boolean(),
  reason: z.string(),
  since: z.number(),
  nextTryAt: z.number(),
});
export type WaitingDownload = z.infer<typeof waitingDownload>;
