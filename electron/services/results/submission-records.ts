// What the app itself submitted, kept per job once the server gave the job an id: the form's
// values (never the password), each input file with its SHA-256, and what was done to the inputs
// before upload (their preparation records). The methods record reads it; jobs submitted
// elsewhere simply have none.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { preparationStep, type EventSink, type UploadView } from '../../ipc/contract';
import type { Logger } from '../ports';
import { readPreparation } from './preparation-record';
import type { ResultsStore } from './results-store';

export const SUBMISSION_FILE = 'submission.json';

export const submissionRecord = z.object({
  schema: z.literal('imputation-desktop/submission@1'),
  serverId: z.string(),
  jobId: z.string(),
  submittedAt: z.number(),
  appId: z.string(),
  /** The form's values as sent (refpanel keys carry the panel's version: apps@hrc-r1.1@2.0.0). */
  fields: z.record(z.string(), z.string()),
  inputs: z.array(z.object({ name: z.string(), path: z.string(), bytes: z.number(), sha256: z.string().nullable(), note: z.string().optional() })),
  preparation: z.array(preparationStep),
  problems: z.array(z.string()),
});
export type SubmissionRecord = z.infer<typeof submissionRecord>;

/** What the upload queue was asked to send (the part of UploadRequest this needs). */
export interface SubmittedRequest {
  serverId: string;
  appId: string;
  fields: Record<string, string>;
  files: Array<{ path: string; name: string; size: number; mtimeMs: number }>;
}

/** Form fields that must never be written down. */
const SECRET_FIELDS = new Set(['password']);

export async function sha256Of(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), hash, { signal });
  return hash.digest('hex');
}

export class SubmissionRecords {
  private readonly pending = new Map<string, SubmittedRequest>();
  private readonly writing = new Set<Promise<void>>();

  constructor(
    private readonly store: ResultsStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** An upload was queued: remember what it sends until it becomes a job. */
  started(uploadId: string, request: SubmittedRequest): void {
    this.pending.set(uploadId, request);
  }

  /** Follows the upload queue's events: a submitted upload is written down, a dropped one forgotten. */
  changed(view: UploadView): void {
    const request = this.pending.get(view.id);
    if (!request) return;
    if (view.state === 'submitted' && view.jobId) {
      this.pending.delete(view.id);
      const work = this.write(request, view.jobId).catch((error: unknown) =>
        this.log.warn(`could not write the submission record of ${view.jobId}: ${String(error)}`),
      );
      this.writing.add(work);
      void work.finally(() => this.writing.delete(work));
    } else if (view.state === 'canceled') this.pending.delete(view.id);
  }

  get(serverId: string, jobId: string): Promise<SubmissionRecord | null> {
    return this.store.readDoc(serverId, jobId, SUBMISSION_FILE, submissionRecord);
  }

  /** Waits for records still being written (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.writing.size > 0) await Promise.all([...this.writing]);
  }

  private async write(request: SubmittedRequest, jobId: string): Promise<void> {
    const problems: string[] = [];
    const inputs: SubmissionRecord['inputs'] = [];
    const preparation: SubmissionRecord['preparation'] = [];
    for (const file of request.files) {
      let sha256: string | null = null;
      let note: string | undefined;
      try {
        const now = await stat(file.path);
        // The upload refused changed files; a file changed since then is not what was sent.
        if (now.size !== file.size || Math.abs(now.mtimeMs - file.mtimeMs) >= 1) note = 'changed on disk after the upload, so no checksum';
        else sha256 = await sha256Of(file.path);
      } catch {
        note = 'no longer readable after the upload, so no checksum';
      }
      inputs.push({ name: file.name, path: file.path, bytes: file.size, sha256, ...(note ? { note } : {}) });
      const prepared = await readPreparation(file.path);
      preparation.push(...prepared.steps);
      if (prepared.problem) problems.push(prepared.problem);
    }
    const fields = Object.fromEntries(Object.entries(request.fields).filter(([key]) => !SECRET_FIELDS.has(key)));
    const record: SubmissionRecord = {
      schema: 'imputation-desktop/submission@1',
      serverId: request.serverId,
      jobId,
      submittedAt: this.now(),
      appId: request.appId,
      fields,
      inputs,
      preparation,
      problems,
    };
    await this.store.writeDoc(request.serverId, jobId, SUBMISSION_FILE, record);
  }
}

/** The upload queue's event sink, followed by the records: every event still goes to `events`. */
export function followUploads(events: EventSink, records: SubmissionRecords): EventSink {
  return {
    emit(channel, payload) {
      events.emit(channel, payload);
      if (channel === 'uploads:changed') records.changed(payload as UploadView);
    },
  };
}
