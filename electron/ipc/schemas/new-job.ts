// The New job form, uploads and pre-flight checks: part of the IPC contract (electron/ipc/contract.ts). Pure TypeScript (zod only).
import { z } from 'zod';
import { ipcErrorCodes } from './errors';

const option = z.object({ value: z.string(), label: z.string() });
/** One input of the server's app form (docs/server-behaviour.md#app-form), in the server's order. */
export const formField = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('select'), id: z.string(), label: z.string(), details: z.string().nullable(), options: z.array(option), initial: z.string() }),
  /** A list bound to another field: its options depend on that field's value (populations per panel). */
  z.object({
    kind: z.literal('bound-select'),
    id: z.string(),
    label: z.string(),
    details: z.string().nullable(),
    bind: z.string(),
    groups: z.record(z.string(), z.array(option)),
    initial: z.string(),
  }),
  z.object({ kind: z.literal('checkbox'), id: z.string(), label: z.string(), details: z.string().nullable() }),
  /** Terms the user must accept (check1, check2). */
  z.object({ kind: z.literal('terms'), id: z.string(), label: z.string() }),
  z.object({ kind: z.literal('text'), id: z.string(), label: z.string(), details: z.string().nullable(), initial: z.string() }),
  z.object({ kind: z.literal('files'), id: z.string(), label: z.string() }),
]);
export type FormField = z.infer<typeof formField>;

export const jobForm = z.object({
  serverId: z.string(),
  appId: z.string(),
  appName: z.string(),
  appVersion: z.string(),
  submitLabel: z.string(),
  fields: z.array(formField),
  /** The server's per-user limit on waiting+running jobs (a per-server setting) and how many are live now. */
  liveJobLimit: z.number().int(),
  liveJobs: z.number().int(),
  /** Why a submit would be refused before uploading (maintenance, job limit), or null. */
  blocker: z.object({ code: z.enum(ipcErrorCodes), message: z.string() }).nullable(),
});
export type JobForm = z.infer<typeof jobForm>;

export const uploadState = z.enum(['queued', 'checking', 'uploading', 'submitted', 'failed', 'canceled']);
export const uploadView = z.object({
  id: z.string(),
  serverId: z.string(),
  serverLabel: z.string(),
  jobName: z.string(),
  state: uploadState,
  files: z.array(z.object({ name: z.string(), size: z.number(), bytesSent: z.number() })),
  bytesSent: z.number(),
  totalBytes: z.number(),
  /** Smoothed bytes per second. */
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  jobId: z.string().nullable(),
  /** Where the results password of the submitted job is kept (see jobPasswordStatus); null before. */
  passwordState: z.enum(['keychain', 'unsaved', 'saved-by-you', 'lost', 'locked', 'unknown', 'not-needed']).nullable(),
  error: z.object({ code: z.enum(ipcErrorCodes), message: z.string() }).nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type UploadView = z.infer<typeof uploadView>;

export const startUploadRequest = z
  .object({
    serverId: z.string(),
    appId: z.string().max(200),
    fileIds: z.array(z.string()).min(1).max(100),
    /** Values of select, bound-select and text fields, by field id. */
    values: z.record(z.string(), z.string().max(1000)),
    /** Checkboxes and terms by field id; unchecked ones are left out of the submit. */
    checked: z.record(z.string(), z.boolean()),
    jobName: z.string().max(250),
    /** Generated in main (never seen here) or typed by the user. */
    password: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('generate') }),
      z.object({ mode: z.literal('typed'), value: z.string().min(1).max(200) }),
    ]),
  })
  .strict();
export type StartUploadRequest = z.output<typeof startUploadRequest>;

// ---- pre-flight VCF checks (the server's input validation, run locally) ------------------------

export const finding = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  /** The server's exact text ('' where the server says nothing). */
  serverMessage: z.string(),
  explanation: z.string(),
  fix: z.string(),
  /** The server would stop at this finding first (its order: tabix, then the validator, then QC). */
  firstStop: z.boolean().optional(),
});
export type Finding = z.infer<typeof finding>;

export const preflightFile = z.object({
  fileId: z.string(),
  name: z.string(),
  samples: z.number(),
  chromosomes: z.array(z.string()),
  variants: z.number(),
  chunks: z.number(),
  phased: z.boolean(),
  firstPosition: z.number().nullable(),
  lastPosition: z.number().nullable(),
  suggestedBuild: z.enum(['hg19', 'hg38']).nullable(),
  findings: z.array(finding),
});

export const preflightReport = z.object({
  ok: z.boolean(),
  files: z.array(preflightFile),
  /** Findings about the set of files (sample counts, one file per chromosome, density, options). */
  crossFile: z.array(finding),
});
export type PreflightReport = z.infer<typeof preflightReport>;

export const preflightRequest = z
  .object({
    /** The caller's id for this check: progress events carry it, and cancel names it. */
    checkId: z.string().min(1).max(100),
    serverId: z.string(),
    fileIds: z.array(z.string()).min(1).max(100),
    values: z.record(z.string(), z.string().max(1000)),
  })
  .strict();
