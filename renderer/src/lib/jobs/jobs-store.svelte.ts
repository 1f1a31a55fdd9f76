// The jobs of every server, kept while the app runs so the list keeps its filter, selection and
// scroll position when the user opens a job and comes back. Fed by jobs:list and kept current by
// the watcher's events (jobs:changed patches a row, jobs:listChanged reads the list again).
import type { JobSummary } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';
import { emptyFilter, jobKey, type JobFilter } from './job-filter';

export interface ListProblem {
  serverId: string;
  serverLabel: string;
  message: string;
}

class JobsStore {
  /** Raw: 2,000 rows need no deep proxies; a change replaces the array. */
  jobs = $state.raw<JobSummary[]>([]);
  problems = $state.raw<ListProblem[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  filter = $state<JobFilter>({ ...emptyFilter });
  selectedKey = $state<string | null>(null);
  /** Scroll position of the list, restored when it is shown again. */
  scrollTop = 0;

  private attached = 0;
  private stops: Array<() => void> = [];
  private reading: Promise<void> | null = null;
  private readAgain = false;

  /** Subscribes to the watcher's events while a jobs screen is shown; returns the detach function. */
  attach(): () => void {
    if (this.attached++ === 0) {
      this.stops = [api().on('jobs:changed', (job) => this.patch(job)), api().on('jobs:listChanged', () => void this.load(false))];
    }
    return () => {
      if (--this.attached === 0) {
        this.stops.forEach((stop) => stop());
        this.stops = [];
      }
    };
  }

  /**
   * Reads the list; `refresh` asks every server again (on opening the screen). Calls that come
   * while a read is under way are folded into one more read after it.
   */
  load(refresh: boolean): Promise<void> {
    if (this.reading) {
      this.readAgain = true;
      return this.reading;
    }
    this.reading = this.read(refresh).finally(() => {
      this.reading = null;
      if (this.readAgain) {
        this.readAgain = false;
        void this.load(false);
      }
    });
    return this.reading;
  }

  private async read(refresh: boolean): Promise<void> {
    this.loading = true;
    try {
      const answer = await api().jobs.list({ refresh });
      this.jobs = answer.jobs;
      this.problems = answer.problems;
      this.error = null;
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.loading = false;
      this.loaded = true;
    }
  }

  /** A job changed (state, progress, queue): replace its row; an unknown job means the list grew. */
  patch(job: JobSummary): void {
    const key = jobKey(job);
    const index = this.jobs.findIndex((candidate) => jobKey(candidate) === key);
    if (index < 0) {
      void this.load(false);
      return;
    }
    const next = this.jobs.slice();
    next[index] = job;
    this.jobs = next;
  }

  /** Forgets a job right away (deleted); the listChanged event that follows confirms it. */
  remove(serverId: string, jobId: string): void {
    const key = `${serverId}/${jobId}`;
    this.jobs = this.jobs.filter((job) => jobKey(job) !== key);
  }
}

export const jobsStore = new JobsStore();
