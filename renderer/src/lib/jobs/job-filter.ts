// Which jobs the list shows, in which order. Pure, so 2,000 jobs filter in a blink and tests can
// check it without a page.
import type { JobSummary } from '../../../../electron/ipc/contract';
import { stateInfo, type StateGroup } from './job-states';

export type SortOrder = 'newest' | 'oldest';

export interface JobFilter {
  text: string;
  group: 'all' | StateGroup;
  /** 'all' or one server's id. */
  serverId: string;
  sort: SortOrder;
}

export const emptyFilter: JobFilter = { text: '', group: 'all', serverId: 'all', sort: 'newest' };

/** The key of a job across servers (ids are unique per server only). */
export const jobKey = (job: Pick<JobSummary, 'serverId' | 'id'>): string => `${job.serverId}/${job.id}`;

function matchesText(job: JobSummary, words: string[]): boolean {
  if (words.length === 0) return true;
  const haystack = `${job.name}\n${job.id}\n${job.serverLabel}`.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** Jobs of the chosen server and state group whose name, id or server contain every word typed. */
export function filterJobs(jobs: readonly JobSummary[], filter: JobFilter): JobSummary[] {
  const words = filter.text
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  const result = jobs.filter(
    (job) =>
      (filter.serverId === 'all' || job.serverId === filter.serverId) &&
      (filter.group === 'all' || stateInfo(job.state).group === filter.group) &&
      matchesText(job, words),
  );
  const direction = filter.sort === 'newest' ? -1 : 1;
  // Ids embed the submit time (job-YYYYMMDD-HHMMSS-mmm), a stable tie-breaker.
  return result.sort((a, b) => direction * (a.submittedOn - b.submittedOn || a.id.localeCompare(b.id)));
}

/** How many jobs of the chosen server (and text) fall into each chip. */
export function countByGroup(jobs: readonly JobSummary[], filter: JobFilter): Record<'all' | StateGroup, number> {
  const counts = { all: 0, live: 0, succeeded: 0, failed: 0, canceled: 0, retired: 0 };
  for (const job of filterJobs(jobs, { ...filter, group: 'all' })) {
    counts.all += 1;
    counts[stateInfo(job.state).group] += 1;
  }
  return counts;
}
