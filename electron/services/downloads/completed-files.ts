// Which result files of a job are already complete on disk, kept per job in the user-data folder,
// so a file that is there is never downloaded again (each download spends a credit).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJson, writeJsonAtomic } from '../storage/json-file';
import { sanitizeSegment } from './safe-path';

const recordSchema = z.object({
  version: z.literal(1),
  files: z.record(z.string(), z.object({ path: z.string(), bytes: z.number(), completedAt: z.number(), md5: z.string().nullable().optional() })),
});

export type CompletedRecord = z.infer<typeof recordSchema>;
export type CompletedFile = CompletedRecord['files'][string];

export class CompletedFiles {
  // One write chain per job file, so two files finishing together do not lose an entry.
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly dir: string) {}

  fileOf(serverId: string, jobId: string): string {
    return path.join(this.dir, sanitizeSegment(serverId, 'server'), `${sanitizeSegment(jobId, 'job')}.json`);
  }

  async read(serverId: string, jobId: string): Promise<CompletedRecord> {
    const parsed = recordSchema.safeParse(await readJson(this.fileOf(serverId, jobId)));
    return parsed.success ? parsed.data : { version: 1, files: {} };
  }

  /** The record of `name` when it says complete and the file is still there with the same size. */
  async findOnDisk(serverId: string, jobId: string, name: string, finalPath: string): Promise<CompletedFile | null> {
    const entry = (await this.read(serverId, jobId)).files[name];
    if (!entry || path.resolve(entry.path) !== path.resolve(finalPath)) return null;
    try {
      const stats = await fs.stat(finalPath);
      return stats.isFile() && stats.size === entry.bytes ? entry : null;
    } catch {
      return null;
    }
  }

  markComplete(serverId: string, jobId: string, name: string, entry: CompletedFile): Promise<void> {
    return this.update(serverId, jobId, (record) => {
      record.files[name] = entry;
    });
  }

  forget(serverId: string, jobId: string, name: string): Promise<void> {
    return this.update(serverId, jobId, (record) => {
      delete record.files[name];
    });
  }

  private update(serverId: string, jobId: string, change: (record: CompletedRecord) => void): Promise<void> {
    const file = this.fileOf(serverId, jobId);
    const previous = this.chains.get(file) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const record = await this.read(serverId, jobId);
        change(record);
        await writeJsonAtomic(file, record);
      });
    this.chains.set(file, next);
    void next
      .finally(() => {
        if (this.chains.get(file) === next) this.chains.delete(file);
      })
      .catch(() => undefined);
    return next;
  }
}
