// Jobs as the window sees them: part of the IPC contract (electron/ipc/contract.ts). Pure TypeScript (zod only).
import { z } from 'zod';

/** One job in a list (docs/server-behaviour.md#job-fields; states #job-states). Times are epoch ms on the server's clock. */
export const jobSummary = z.object({
  serverId: z.string(),
  serverLabel: z.string(),
  id: z.string(),
  name: z.string(),
  application: z.string(),
  state: z.number().int(),
  /** Waiting jobs ahead of this one (0-based position), or null when not queued. */
  jobsAhead: z.number().int().nullable(),
  submittedOn: z.number(),
  startTime: z.number(),
  endTime: z.number(),
  /** Planned deletion of the results (states 8 and 9), else null. */
  deletedOn: z.number().nullable(),
  /** The server's clock minus ours at the last answer, to show running times correctly. */
  clockOffsetMs: z.number(),
  /** From the "(done/total)" step messages of a live job. */
  progress: z.object({ label: z.string(), done: z.number(), total: z.number() }).nullable(),
});
export type JobSummary = z.infer<typeof jobSummary>;

export const jobMessage = z.object({
  /** 0 ok, 1 error, 2 warning, 3 running. */
  type: z.number().int(),
  /** Server HTML, not yet sanitized: the renderer sanitizes before showing it. */
  html: z.string(),
});

/** What the app knows of a job's results password (the secret itself never comes here, except by reveal). */
export const jobPasswordStatus = z.object({
  /**
   * 'keychain': kept there, the app uses it. 'unsaved': this computer cannot keep it (no or a locked
   * keychain) and the user has not said they saved it. 'saved-by-you': the same, and they have.
   * 'lost': submitted from this app, but the password was not kept on this computer. 'locked':
   * the keychain is locked. 'unknown': not submitted from this app. 'not-needed': a QC check
   * submitted from this app; it exports no zip files, so its password protects nothing.
   */
  state: z.enum(['keychain', 'unsaved', 'saved-by-you', 'lost', 'locked', 'unknown', 'not-needed']),
  /** The app can use it now (copy, extract): from the keychain, this run's memory, or the job's Summary. */
  available: z.boolean(),
  /** How the server gave it to the user: by e-mail, or in the Summary step (mail off); null = not said yet. */
  delivery: z.enum(['email', 'summary']).nullable(),
});
export type JobPasswordStatus = z.infer<typeof jobPasswordStatus>;

export const jobDetail = jobSummary.extend({
  steps: z.array(z.object({ name: z.string(), messages: z.array(jobMessage) })),
  /** Key facts from the Input Validation summary (panel, build, phasing, samples...). */
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  qcStatistics: z.array(z.object({ label: z.string(), value: z.string() })),
  files: z.array(
    z.object({
      name: z.string(),
      hash: z.string(),
      sizeLabel: z.string().nullable(),
      /** Remaining download credits; null = unlimited. */
      credits: z.number().nullable(),
    }),
  ),
  firstError: z.string().nullable(),
  password: jobPasswordStatus,
  /** The job's page on the server's website. */
  webUrl: z.string(),
});
export type JobDetail = z.infer<typeof jobDetail>;

export const jobRef = z.object({ serverId: z.string(), jobId: z.string().min(1).max(200) }).strict();
