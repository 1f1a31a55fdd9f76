// Times of a job as people read them: running time, queue position, and how long the results stay.
import type { JobSummary } from '../../../../electron/ipc/contract';
import { isLive } from './job-states';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Both public servers keep results 7 days after the end (docs/server-behaviour.md#job-states). */
export const RESULTS_KEPT_MS = 7 * DAY;

type Timed = Pick<JobSummary, 'state' | 'startTime' | 'endTime' | 'clockOffsetMs'>;

/**
 * How long the job ran (or has been running). Live jobs count against the server's clock
 * (our clock plus the offset seen at the last answer), so a skewed laptop clock does not lie.
 * Null when it never started.
 */
export function runningTimeMs(job: Timed, now: number): number | null {
  if (job.startTime <= 0) return null;
  if (isLive(job.state)) return Math.max(0, now + job.clockOffsetMs - job.startTime);
  if (job.endTime <= 0) return null;
  return Math.max(0, job.endTime - job.startTime);
}

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  if (ms < MINUTE) return `${Math.floor(ms / 1000)} s`;
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)} min`;
  if (ms < DAY) {
    const hours = Math.floor(ms / HOUR);
    const minutes = Math.floor((ms % HOUR) / MINUTE);
    return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  }
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}

/** A running time for display: a live job's seconds would go stale between the minute ticks. */
export function formatRunningTime(ms: number, live: boolean): string {
  return live && ms < MINUTE ? '< 1 min' : formatDuration(ms);
}

/** jobsAhead is the server's 0-based queue position: the number of waiting jobs in front (docs/server-behaviour.md#queue-position). */
export function queueText(jobsAhead: number | null): string | null {
  if (jobsAhead === null || jobsAhead < 0) return null;
  if (jobsAhead === 0) return 'Next in the queue';
  return `${jobsAhead} job${jobsAhead === 1 ? '' : 's'} ahead`;
}

/**
 * When the server deletes the results (server clock, epoch ms), or null when that is not known
 * or not relevant. 8 and 9 carry the date itself; for 4 it is the end plus the 7 days kept.
 */
export function resultsDeadline(job: Pick<JobSummary, 'state' | 'endTime' | 'deletedOn'>): number | null {
  if (job.deletedOn !== null && job.deletedOn > 0 && (job.state === 8 || job.state === 9)) return job.deletedOn;
  if (job.state === 4 && job.endTime > 0) return job.endTime + RESULTS_KEPT_MS;
  return null;
}

/** "in 3 days", "in 5 hours", "in 20 minutes" for a deadline; null once it has passed. */
export function countdownText(deadline: number, now: number): string | null {
  const left = deadline - now;
  if (left <= 0) return null;
  if (left < HOUR) return `in ${Math.max(1, Math.floor(left / MINUTE))} min`;
  if (left < 2 * DAY) {
    const hours = Math.floor(left / HOUR);
    return `in ${hours} hour${hours === 1 ? '' : 's'}`;
  }
  return `in ${Math.floor(left / DAY)} days`;
}

/** Server time now, from our clock and the offset the job was last seen with. */
export const serverNow = (job: Pick<JobSummary, 'clockOffsetMs'>, now: number): number => now + job.clockOffsetMs;

/** Less than 48 hours left: the servers send their reminder then too (docs/server-behaviour.md#job-states). */
export const deadlineIsNear = (deadline: number, now: number): boolean => deadline - now < 2 * DAY;

/** A compact date for the list: "Nov 27, 9:32 AM" this year, "Nov 27, 2025" before. */
export function formatListDate(epochMs: number, now: number): string {
  const date = new Date(epochMs);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleString(undefined, sameYear ? { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' } : { dateStyle: 'medium' });
}
