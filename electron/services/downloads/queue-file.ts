// The persisted download queue: a JSON file in the user-data folder, read back after a restart.
// Items that do not fit the shape (an older or damaged file) are dropped, not fatal.
import { z } from 'zod';
import { downloadItem } from '../../ipc/contract';
import { readJson } from '../storage/json-file';
import type { DownloadItem } from './types';

const resumeSchema = z.object({ url: z.string(), totalBytes: z.number(), expiresAt: z.number(), etag: z.string().nullable() });
/** The item the window sees, without what is worked out for it, plus what never leaves main. */
const itemSchema = downloadItem.omit({ resumeIsFree: true, resumableUntil: true }).extend({
  url: z.string(),
  resume: resumeSchema.nullable(),
  resumedFromBytes: z.number().default(0), // files from before it was kept
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
