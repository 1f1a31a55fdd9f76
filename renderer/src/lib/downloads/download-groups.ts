// Transfers grouped by job for the Downloads screen, and the latest transfer of each file for a job's page.
import type { DownloadItem } from '../../../../electron/ipc/contract';
import { isFinished } from './download-format';

export interface DownloadGroup {
  key: string;
  serverId: string;
  jobId: string;
  destDir: string;
  items: DownloadItem[];
  /** Newest activity in the group, to show the busiest job first. */
  latest: number;
  live: boolean;
}

export const groupKey = (serverId: string, jobId: string): string => `${serverId}\u0000${jobId}`;

/** Live jobs first, then newest first; files by name within a job. */
export function groupByJob(items: readonly DownloadItem[]): DownloadGroup[] {
  const groups = new Map<string, DownloadGroup>();
  for (const item of items) {
    const key = groupKey(item.serverId, item.jobId);
    let group = groups.get(key);
    if (!group) {
      group = { key, serverId: item.serverId, jobId: item.jobId, destDir: item.destDir, items: [], latest: 0, live: false };
      groups.set(key, group);
    }
    group.items.push(item);
    group.latest = Math.max(group.latest, item.createdAt);
    if (!isFinished(item.state)) group.live = true;
  }
  const list = [...groups.values()];
  for (const group of list) group.items.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
  return list.sort((a, b) => Number(b.live) - Number(a.live) || b.latest - a.latest);
}

/** "3 of 7 downloaded · 1 failed" for a group header. */
export function groupSummary(items: readonly DownloadItem[]): string {
  const count = (state: DownloadItem['state']) => items.filter((item) => item.state === state).length;
  const parts = [`${count('completed')} of ${items.length} downloaded`];
  const failed = count('failed');
  const asking = count('needs-confirmation');
  const canceled = count('canceled');
  if (asking > 0) parts.push(`${asking} waiting for your OK`);
  if (failed > 0) parts.push(`${failed} failed`);
  if (canceled > 0) parts.push(`${canceled} canceled`);
  return parts.join(' · ');
}

/** The newest transfer of each file of one job, by file name. */
export function latestByName(items: readonly DownloadItem[], serverId: string, jobId: string): Map<string, DownloadItem> {
  const latest = new Map<string, DownloadItem>();
  for (const item of items) {
    if (item.serverId !== serverId || item.jobId !== jobId) continue;
    const seen = latest.get(item.name);
    if (!seen || item.createdAt >= seen.createdAt) latest.set(item.name, item);
  }
  return latest;
}

/** Merges changed items into the list (by id), keeping the list's order and adding new ones at the end. */
export function mergeItems(list: readonly DownloadItem[], changed: readonly DownloadItem[]): DownloadItem[] {
  const byId = new Map(changed.map((item) => [item.id, item]));
  const next = list.map((item) => {
    const update = byId.get(item.id);
    if (!update) return item;
    byId.delete(item.id);
    // An older event must not undo a newer one (events and a list answer can cross).
    return update.updatedAt >= item.updatedAt ? update : item;
  });
  return [...next, ...byId.values()];
}

/** The job's name from its folder `<jobId>-<job name>` (the default layout), or null. */
export function jobNameFromFolder(destDir: string, jobId: string): string | null {
  const folder =
    destDir
      .split(/[\\/]/)
      .filter((part) => part !== '')
      .pop() ?? '';
  if (!folder.startsWith(`${jobId}-`)) return null;
  const name = folder.slice(jobId.length + 1);
  return name === '' || name === jobId ? null : name;
}

export { sumOfLabels } from '../../../../electron/shared/size-label';
