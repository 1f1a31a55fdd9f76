// Desktop notifications for job outcomes. The last state seen of every job is kept in the
// user-data folder, so a restart of the app never repeats a notification.
import path from 'node:path';
import { z } from 'zod';
import type { Preferences } from '../../ipc/contract';
import type { Job } from '../cloudgene/schemas';
import type { Notifier } from '../ports';
import { jobDisplayName } from '../../shared/html-text';
import { loadJsonFile, writeJsonAtomic } from '../storage/json-file';
import { isFailure, isLive, isSuccess } from '../../shared/job-states';
import { filesOf, firstErrorOf, type ServerRef } from './job-view';

const RETENTION_MS = 7 * 24 * 60 * 60 * 1000; // results are deleted 7 days after the end (docs/server-behaviour.md#job-states)
const RETIRE_WARNING_MS = 48 * 60 * 60 * 1000;

const seenSchema = z.record(z.string(), z.object({ state: z.number(), retireNotified: z.boolean().default(false) }));
type Seen = z.output<typeof seenSchema>;

export class JobAlerts {
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly seen: Seen,
    private readonly notifier: Notifier,
    private readonly preferences: () => Preferences,
    private readonly now: () => number,
  ) {}

  static async open(userDataDir: string, notifier: Notifier, preferences: () => Preferences, now: () => number = Date.now): Promise<JobAlerts> {
    const file = path.join(userDataDir, 'job-states.json');
    const { value } = await loadJsonFile(
      file,
      () => ({}),
      (raw) => seenSchema.parse(raw),
    );
    return new JobAlerts(file, value, notifier, preferences, now);
  }

  /**
   * Called with every fresh copy of a job; notifies on the transitions a user cares about.
   * Returns the state it had moved from (also across a restart of the app), or null when the
   * state did not change or the job is new to the app.
   */
  observe(server: ServerRef, job: Job): number | null {
    const key = `${server.id}|${job.id}`;
    const before = this.seen[key];
    let changed = false;
    let previous: number | null = null;
    if (!before) {
      this.seen[key] = { state: job.state, retireNotified: false };
      changed = true;
    } else if (before.state !== job.state) {
      if (isLive(before.state) || before.state === -1) this.notifyOutcome(server, job);
      previous = before.state;
      before.state = job.state;
      changed = true;
    }
    const entry = this.seen[key]!;
    if ((job.state === 8 || job.state === 9) && job.deletedOn > 0 && !entry.retireNotified) {
      const left = job.deletedOn - this.serverNow(job);
      if (left > 0 && left <= RETIRE_WARNING_MS) {
        if (this.preferences().notify.retiring) {
          this.notifier.notify({
            kind: 'job-retiring',
            title: `Results of ${jobDisplayName(job.name, job.id)} will be deleted soon`,
            body: `The server deletes them on ${formatDate(job.deletedOn)}. Download them before then.`,
            route: 'jobs',
            param: `${server.id}/${job.id}`,
          });
        }
        entry.retireNotified = true;
        changed = true;
      }
    }
    if (changed) this.save();
    return previous;
  }

  /** Forgets a job (deleted). */
  forget(serverId: string, jobId: string): void {
    delete this.seen[`${serverId}|${jobId}`];
    this.save();
  }

  async flush(): Promise<void> {
    await this.saving;
  }

  private notifyOutcome(server: ServerRef, job: Job): void {
    const notify = this.preferences().notify;
    const name = jobDisplayName(job.name, job.id);
    const target = { route: 'jobs' as const, param: `${server.id}/${job.id}` };
    if (isSuccess(job.state) && notify.succeeded) {
      const files = filesOf(job).length;
      const end = job.endTime > 0 ? job.endTime : this.serverNow(job);
      const until = job.deletedOn > 0 ? job.deletedOn : end + RETENTION_MS;
      this.notifier.notify({
        kind: 'job-succeeded',
        title: `${name} finished`,
        // A job seen in a list comes without its files (docs/server-behaviour.md#job-list): no count then.
        body: `${files > 0 ? `${files} file${files === 1 ? '' : 's'}` : 'Results'} ready on ${server.label}, download before ${formatDate(until)}.`,
        ...target,
      });
    } else if (isFailure(job.state) && notify.failed) {
      const error = firstErrorOf(job);
      this.notifier.notify({
        kind: 'job-failed',
        title: `${name} failed`,
        body: error ? truncate(error, 200) : `The job failed on ${server.label}.`,
        ...target,
      });
    } else if (job.state === 6 && notify.canceled) {
      this.notifier.notify({ kind: 'job-canceled', title: `${name} was canceled`, body: `On ${server.label}.`, ...target });
    }
  }

  private serverNow(job: Job): number {
    return job.currentTime ?? this.now();
  }

  private save(): void {
    const snapshot = structuredClone(this.seen);
    this.saving = this.saving.then(() => writeJsonAtomic(this.file, snapshot)).catch(() => undefined);
  }
}

function formatDate(epochMs: number): string {
  return new Date(epochMs).toUTCString().replace(/:\d\d GMT$/, ' UTC');
}

function truncate(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
