// The persisted download queue: a JSON file in the user-data folder, read back after a restart.
// Items that do not fit the shape (an older or damaged file) are dropped, not fatal.
import { z } from 'zod';
import { readJson } from '../storage/json-file';
import type { DownloadItem } from './types';

const resumeSchema = z.object({ url: z.string(), totalBytes: z.number(), expiresAt: z.number(), etag: z.string().nullable() });
const itemSchema = z.object({
  id: z.string(),
  serverId: z.string(),
  jobId: z.string(),
  name: z.string(),
  url: z.string(),
  sizeLabel: z.string().nullable(),
  destDir: z.string(),
  path: z.string().nullable(),
  state: z.enum(['queued', 'running', 'paused', 'needs-confirmation', 'verifying', 'completed', 'failed', 'canceled']),
  creditsLeft: z.number(),
  creditsSpent: z.number(),
  receivedBytes: z.number(),
  resumedFromBytes: z.number().default(0),
  totalBytes: z.number().nullable(),
  estimatedBytes: z.number().nullable(),
  resume: resumeSchema.nullable(),
  md5Of: z.string().nullable(),
  checksum: z.enum(['none', 'pending', 'ok', 'mismatch']),
  alreadyComplete: z.boolean(),
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      status: z.number().optional(),
      serverMessage: z.string().optional(),
      detail: z.string().optional(),
    })
    .nullable(),
  retries: z.array(z.object({ at: z.number(), reason: z.string(), creditLost: z.boolean() })),
  notBefore: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
});
const queueSchema = z.object({ version: z.literal(1), items: z.array(z.unknown()) });

export async function readQueueFile(file: string): Promise<DownloadItem[]> {
  const parsed = queueSchema.safeParse(await readJson(file));
  if (!parsed.success) return [];
  const items: DownloadItem[] = [];
  for (const raw of parsed.data.items) {
    const item = itemSchema.safeParse(raw);
    if (item.success) items.push(item.data as DownloadItem);
  }
  return items;
}

export function queueDocument(items: Iterable<DownloadItem>): { version: 1; items: DownloadItem[] } {
  return { version: 1, items: [...items] };
}
