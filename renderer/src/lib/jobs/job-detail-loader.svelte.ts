// One job's detail for the job page: read it, and read it again when the watcher reports a change
// or when a download of its files finishes (credits change). The page only shows what this holds.
import type { JobDetail } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';
import type { JobRef } from './job-route';

/** A burst of finished downloads is read once, after this pause. */
const DOWNLOAD_SETTLE_MS = 500;

export class JobDetailLoader {
  detail = $state.raw<JobDetail | null>(null);
  error = $state<string | null>(null);
  private generation = 0;

  constructor(private readonly ref: JobRef) {}

  async load(): Promise<void> {
    const mine = ++this.generation;
    try {
      const answer = await api().jobs.get({ serverId: this.ref.serverId, jobId: this.ref.jobId });
      if (mine !== this.generation) return;
      this.detail = answer;
      this.error = null;
    } catch (error) {
      if (mine === this.generation) this.error = describeError(error);
    }
  }

  /** Starts reading and following; returns the stop function (for an $effect). */
  follow(): () => void {
    void this.load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stopJobs = api().on('jobs:changed', (job) => {
      if (job.serverId === this.ref.serverId && job.id === this.ref.jobId) void this.load();
    });
    const stopDownloads = api().on('downloads:changed', (item) => {
      if (item.serverId !== this.ref.serverId || item.jobId !== this.ref.jobId || (item.state !== 'completed' && item.state !== 'failed')) return;
      clearTimeout(timer);
      timer = setTimeout(() => void this.load(), DOWNLOAD_SETTLE_MS);
    });
    return () => {
      clearTimeout(timer);
      stopJobs();
      stopDownloads();
    };
  }

  /** An action answered with a fresher detail (cancel, restart, password saved). */
  set(detail: JobDetail): void {
    this.generation++;
    this.detail = detail;
  }
}
