// What the queue as a whole says: the totals line ("2 running, 3 queued · 1.2 GB of 3.4 GB") and
// which jobs have every file finished (for "results downloaded" notifications). Pure.
import { etaSeconds } from './rate-meter';
import { FINAL_STATES, type DownloadEvent, type DownloadItem, type TotalProgress } from './types';

/**
 * Totals over the transfers since the queue was last idle (`batch`) plus every queued file:
 * files still waiting count too, and their bytes are still to come.
 */
export function totalsOf(items: Iterable<DownloadItem>, batch: ReadonlySet<string>, bytesPerSecond: number): TotalProgress {
  let receivedBytes = 0;
  let totalBytes = 0;
  let running = 0;
  let queued = 0;
  for (const item of items) {
    if (!batch.has(item.id) && item.state !== 'queued') continue;
    if (item.state === 'failed' || item.state === 'canceled') continue;
    if (item.state === 'running') running++;
    if (item.state === 'queued') queued++;
    const size = item.totalBytes ?? item.estimatedBytes ?? item.receivedBytes;
    totalBytes += Math.max(size, item.receivedBytes);
    receivedBytes += item.state === 'completed' ? Math.max(size, item.receivedBytes) : item.receivedBytes;
  }
  return { receivedBytes, totalBytes, bytesPerSecond, etaSeconds: etaSeconds(totalBytes - receivedBytes, bytesPerSecond), running, queued };
}

type JobDone = Extract<DownloadEvent, { type: 'job-done' }>;

/** The jobs among `touched` whose files have all reached a final state, with the counts. */
export function jobsDone(touched: readonly DownloadItem[], all: Iterable<DownloadItem>): JobDone[] {
  const list = [...all];
  const seen = new Set<string>();
  const done: JobDone[] = [];
  for (const item of touched) {
    const key = `${item.serverId}\u0000${item.jobId}`;
    if (seen.has(key) || !FINAL_STATES.includes(item.state)) continue;
    seen.add(key);
    const siblings = list.filter((other) => other.serverId === item.serverId && other.jobId === item.jobId);
    if (siblings.some((other) => !FINAL_STATES.includes(other.state))) continue;
    const count = (state: DownloadItem['state']) => siblings.filter((other) => other.state === state).length;
    done.push({
      type: 'job-done',
      serverId: item.serverId,
      jobId: item.jobId,
      destDir: item.destDir,
      completed: count('completed'),
      failed: count('failed'),
      canceled: count('canceled'),
    });
  }
  return done;
}
