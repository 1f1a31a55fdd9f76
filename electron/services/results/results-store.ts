// Per job, in the user-data folder: the cached quality summary, the last copy of the job's facts
// (so the view and the methods record work while the server does not answer) and the submission
// record. One folder per server and job: results/<server>/<job>/.
import path from 'node:path';
import { z } from 'zod';
import { qualitySummary, type QualitySummary } from '../../ipc/contract';
import { sanitizeSegment } from '../downloads/safe-path';
import { readJson, writeJsonAtomic } from '../storage/json-file';

export const jobSnapshot = z.object({
  rawName: z.string().nullable(),
  name: z.string(),
  application: z.string(),
  state: z.number(),
  submittedOn: z.number(),
  endTime: z.number(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  qcStatistics: z.array(z.object({ label: z.string(), value: z.string() })),
  files: z.array(z.object({ name: z.string(), credits: z.number().nullable() })),
});
export type JobSnapshot = z.infer<typeof jobSnapshot>;

export class ResultsStore {
  constructor(private readonly userDataDir: string) {}

  dir(serverId: string, jobId: string): string {
    return path.join(this.userDataDir, 'results', sanitizeSegment(serverId, 'server'), sanitizeSegment(jobId, 'job'));
  }

  private async read<T>(file: string, schema: z.ZodType<T>): Promise<T | null> {
    const raw = await readJson(file).catch(() => null);
    const parsed = schema.safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  summary(serverId: string, jobId: string): Promise<QualitySummary | null> {
    return this.read(path.join(this.dir(serverId, jobId), 'summary.json'), qualitySummary);
  }

  saveSummary(summary: QualitySummary): Promise<void> {
    return writeJsonAtomic(path.join(this.dir(summary.serverId, summary.jobId), 'summary.json'), summary);
  }

  snapshot(serverId: string, jobId: string): Promise<JobSnapshot | null> {
    return this.read(path.join(this.dir(serverId, jobId), 'job.json'), jobSnapshot);
  }

  saveSnapshot(serverId: string, jobId: string, snapshot: JobSnapshot): Promise<void> {
    return writeJsonAtomic(path.join(this.dir(serverId, jobId), 'job.json'), snapshot);
  }

  readDoc<T>(serverId: string, jobId: string, name: string, schema: z.ZodType<T>): Promise<T | null> {
    return this.read(path.join(this.dir(serverId, jobId), name), schema);
  }

  writeDoc(serverId: string, jobId: string, name: string, value: unknown): Promise<void> {
    return writeJsonAtomic(path.join(this.dir(serverId, jobId), name), value);
  }
}
