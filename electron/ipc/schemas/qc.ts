// "Check against the panel first", "Fix and impute" and slim uploads: part of the IPC contract
// (electron/ipc/contract.ts). Pure TypeScript (zod only).
import { z } from 'zod';
import { ipcError } from './errors';
import { startUploadRequest, uploadState } from './new-job';

/** Why the server left a site out (its statistics' names), and A/T, C/G sites (counted, kept). */
export const qcCategoryKey = z.enum([
  'allele-switch',
  'strand-flip',
  'flip-and-switch',
  'atcg',
  'allele-mismatch',
  'monomorphic',
  'multiallelic',
  'invalid-alleles',
  'duplicate',
  'filter',
  'non-snp',
  'low-call-rate',
  'other',
]);
export type QcCategoryKey = z.infer<typeof qcCategoryKey>;

export const qcCategory = z.object({
  key: qcCategoryKey,
  /** The server's own label ("Allele switch", "A/T, C/G genotypes"). */
  label: z.string(),
  /** The server's count (its statistics; the rows of snps-excluded.txt where it prints none). */
  count: z.number().int(),
  /** Rows of snps-excluded.txt with this reason; null where the server does not list the sites. */
  listed: z.number().int().nullable(),
  /** The server leaves these sites out of imputation. */
  excluded: z.boolean(),
  /** What "Fix and impute" does about them. */
  fix: z.enum(['swap', 'flip', 'flip-swap', 'drop', 'none']),
  action: z.string(),
});
export type QcCategory = z.infer<typeof qcCategory>;

export const qcStop = z.object({
  kind: z.enum(['allele-switches', 'strand-flips', 'no-chunks', 'chrx', 'other']),
  /** The server's line (HTML, to sanitize before showing). */
  html: z.string(),
  text: z.string(),
  limit: z.number().nullable(),
  /** What the server counted against the limit. */
  found: z.number().nullable(),
  explanation: z.string(),
  /** "Fix and impute" removes the cause. */
  fixable: z.boolean(),
});

export const qcReport = z.object({
  checkJobId: z.string(),
  /** passed: QC passed, imputation would start; stopped: QC stopped it; failed: the job failed elsewhere. */
  outcome: z.enum(['passed', 'stopped', 'failed']),
  headline: z.string(),
  stop: qcStop.nullable(),
  /** Why the job failed where it was not QC (validation, the pipeline). */
  otherFailure: z.string().nullable(),
  categories: z.array(qcCategory),
  /** Listed sites per chromosome and reason (from snps-excluded.txt). */
  perChromosome: z.array(z.object({ chromosome: z.string(), counts: z.record(z.string(), z.number()), total: z.number() })),
  /** The excluded-sites group of the QC step, line by line (HTML). */
  groupLines: z.array(z.object({ html: z.string(), tone: z.enum(['note', 'warning', 'error']) })),
  statistics: z.array(z.object({ label: z.string(), value: z.string() })),
  /** The server's lift-over warning when the upload's build differs from the panel's. */
  liftOver: z.string().nullable(),
  excludedFile: z.object({
    name: z.string(),
    state: z.enum(['downloaded', 'missing', 'failed']),
    rows: z.number().int(),
    /** Where it was saved (the job's results folder). */
    path: z.string().nullable(),
    creditsSpent: z.number().int(),
    /** Downloads of the file left on the server; null = unlimited or unknown. */
    creditsLeft: z.number().int().nullable(),
    problem: z.string().nullable(),
  }),
  /** Sites the fix would change, from the list. */
  fixable: z.object({ swap: z.number(), flip: z.number(), flipSwap: z.number(), mismatch: z.number(), atcg: z.number() }),
  /** Rows whose alleles do not fit their reason: the fix leaves them alone. */
  unusableRows: z.number().int(),
});
export type QcReport = z.infer<typeof qcReport>;

export const qcFixOptions = z
  .object({
    /** Swap allele switches, complement strand flips (and both). */
    alleles: z.boolean(),
    dropMismatches: z.boolean(),
    dropAmbiguous: z.boolean(),
    /** Upload copies with GT only (INFO and other FORMAT fields removed). */
    slim: z.boolean(),
  })
  .strict();
export type QcFixOptions = z.infer<typeof qcFixOptions>;

export const qcPhase = z.enum([
  'check-rewriting',
  'check-uploading',
  'check-running',
  'check-downloading',
  'report',
  'impute-rewriting',
  'impute-uploading',
  'submitted',
  'failed',
  'canceled',
]);
export type QcPhase = z.infer<typeof qcPhase>;

export const qcRunView = z.object({
  id: z.string(),
  serverId: z.string(),
  serverLabel: z.string(),
  jobName: z.string(),
  createdAt: z.number(),
  /** check: a QC-only job first; slim: slim copies submitted for imputation straight away. */
  kind: z.enum(['check', 'slim']),
  files: z.array(z.object({ name: z.string(), size: z.number() })),
  phase: qcPhase,
  /** Copies being written. */
  rewrite: z
    .object({
      purpose: z.enum(['slim', 'corrected']),
      fileName: z.string(),
      fileIndex: z.number().int(),
      fileCount: z.number().int(),
      bytesDone: z.number(),
      bytesTotal: z.number(),
      rate: z.number(),
      etaSeconds: z.number().nullable(),
    })
    .nullable(),
  /** The upload of this run (also in the upload queue). */
  upload: z
    .object({ id: z.string(), state: uploadState, bytesSent: z.number(), totalBytes: z.number(), rate: z.number(), etaSeconds: z.number().nullable() })
    .nullable(),
  /** The QC-only job on the server. */
  checkJob: z.object({ jobId: z.string(), state: z.number().int() }).nullable(),
  report: qcReport.nullable(),
  impute: z
    .object({
      options: qcFixOptions,
      jobId: z.string().nullable(),
      /** What the rewrite changed (from the change log's counts). */
      changes: z
        .object({
          swapped: z.number(),
          flipped: z.number(),
          flippedAndSwapped: z.number(),
          droppedMismatches: z.number(),
          droppedAmbiguous: z.number(),
          /** Listed sites not found in the files (the files changed, or another build). */
          notFound: z.number(),
        })
        .nullable(),
    })
    .nullable(),
  copies: z.array(
    z.object({
      purpose: z.enum(['slim', 'corrected']),
      folder: z.string(),
      files: z.number().int(),
      bytes: z.number(),
      changeLog: z.string().nullable(),
      deleted: z.boolean(),
    }),
  ),
  /** The copies stay after the job's results are downloaded. */
  keepCopies: z.boolean(),
  notice: z.string().nullable(),
  error: ipcError.nullable(),
});
export type QcRunView = z.infer<typeof qcRunView>;

export const qcStartRequest = startUploadRequest
  .extend({
    /** Submit a QC-only job first (else: slim copies straight to imputation). */
    check: z.boolean(),
    slim: z.boolean(),
  })
  .strict();
export type QcStartRequest = z.output<typeof qcStartRequest>;

export const qcInspectRequest = z.object({ serverId: z.string(), fileIds: z.array(z.string()).min(1).max(100) }).strict();

export const qcInspection = z.object({
  /** These files (names and sizes) were never submitted to this server from this app. */
  firstSubmission: z.boolean(),
  /** The app definition's QC-only value of `mode` (null: the server's app has none). */
  qcMode: z.object({ value: z.string(), label: z.string() }).nullable(),
  /** Slim copies: their expected size (null when the files cannot be read as BGZF VCF). */
  slim: z.object({ inputBytes: z.number(), outputBytes: z.number() }).nullable(),
  slimProblem: z.string().nullable(),
});
export type QcInspection = z.infer<typeof qcInspection>;

export const qcRunRef = z.object({ id: z.string() }).strict();
