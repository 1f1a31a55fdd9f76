// The app's side of the download manager: which files of which job, into which folder, the
// password for extraction from the keychain, events to the window, a notification when a job's
// downloads are done, and automatic downloads when a job succeeds.
import path from 'node:path';
import { AppError, type DownloadItem, type EventSink, type WaitingDownload } from '../../ipc/contract';
import type { Job } from '../cloudgene/schemas';
import type { Logger, Notifier } from '../ports';
import { CloudgeneError } from '../cloudgene/errors';
import type { ServersService } from '../servers/servers-service';
import { extractionError } from '../app-errors';
import { jobDisplayName } from '../../shared/html-text';
import { extractZip } from './extract';
import { resultFilesOfJob } from './job-files';
import type { DownloadManager } from './manager';
import { jobFolderName } from './safe-path';
import type { DownloadItemView } from './types';
import type { WaitingJobs } from './waiting-jobs';

export interface DownloadsServiceDeps {
  manager: DownloadManager;
  servers: ServersService;
  /** The job's results password where the app has it (keychain, this run, the job's Summary). */
  passwordOf: (serverId: string, jobId: string) => Promise<string | null>;
  /** Requests waiting for their server (kept across restarts). */
  waiting: WaitingJobs;
  events: EventSink;
  notifier: Notifier;
  log: Logger;
  showInFolder?: (file: string) => void;
}

/** The encrypted result archives (`chr_20.zip`, `chr_X.zip`). */
const RESULTS_ZIP = /(^|\/)chr_[^/]+\.zip$/;

export class DownloadsService {
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: DownloadsServiceDeps) {
    this.unsubscribe = deps.manager.subscribe((event) => {
      switch (event.type) {
        case 'item':
          deps.events.emit('downloads:changed', toPublic(event.item));
          break;
        case 'removed':
          deps.events.emit('downloads:removed', { id: event.id });
          break;
        case 'progress': {
          const { type: _type, ...progress } = event;
          deps.events.emit('downloads:progress', progress);
          break;
        }
        case 'total': {
          const { type: _type, ...totals } = event;
          deps.events.emit('downloads:totals', totals);
          break;
        }
        case 'job-done': {
          const problems = event.failed + event.canceled;
          deps.notifier.notify({
            kind: 'downloads-done',
            title: problems === 0 ? `Results of ${event.jobId} downloaded` : `Downloads of ${event.jobId} finished with problems`,
            body:
              problems === 0
                ? `${event.completed} file${event.completed === 1 ? '' : 's'} in ${event.destDir}.`
                : `${event.completed} downloaded, ${event.failed} failed, ${event.canceled} canceled. Open Downloads for details.`,
            route: 'downloads',
          });
          break;
        }
      }
    });
  }

  /**
   * All files of a job, or the named ones. One GET per file; complete files are skipped. When the
   * server does not answer, the request waits and is tried again by itself (nothing is spent).
   */
  async start(serverId: string, jobId: string, names?: string[]): Promise<{ items: DownloadItem[]; waiting: WaitingDownload | null }> {
    try {
      return { items: await this.fetchAndEnqueue(serverId, jobId, names ?? null, false), waiting: null };
    } catch (error) {
      if (!isTransient(error)) throw error;
      return {
        items: [],
        waiting: this.deps.waiting.add({ serverId, serverLabel: this.server(serverId).label, jobId, names: names ?? null, automatic: false }, error),
      };
    }
  }

  /** Called when a job the app saw live has succeeded: downloads everything if the server's setting says so. */
  async onJobSucceeded(serverId: string, job: Job): Promise<void> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server?.autoDownload) return;
    try {
      // A job seen in a list comes without its files (docs/server-behaviour.md#job-list): read it whole.
      await this.fetchAndEnqueue(serverId, job.id, null, true);
    } catch (error) {
      if (isTransient(error)) this.deps.waiting.add({ serverId, serverLabel: server.label, jobId: job.id, names: null, automatic: true }, error);
      else this.deps.log.warn(`Automatic download of ${job.id} failed: ${describe(error)}`);
    }
  }

  list(): { items: DownloadItem[]; totals: ReturnType<DownloadManager['totals']>; waiting: WaitingDownload[] } {
    return { items: this.deps.manager.list().map(toPublic), totals: this.deps.manager.totals(), waiting: this.deps.waiting.list() };
  }

  cancelWaiting(serverId: string, jobId: string): { removed: boolean } {
    return { removed: this.deps.waiting.remove(serverId, jobId) };
  }

  /** The network is back: waiting requests are tried at once. */
  online(): void {
    void this.deps.waiting.tryNow();
  }

  /** What a waiting request does when its turn comes (see WaitingJobs). */
  async attemptWaiting(request: { serverId: string; jobId: string; names: string[] | null; automatic: boolean }): Promise<void> {
    await this.fetchAndEnqueue(request.serverId, request.jobId, request.names, request.automatic);
  }

  pause(id: string): { ok: boolean } {
    this.deps.manager.pause(id);
    return { ok: true };
  }

  resume(id: string, spendCredit?: boolean): { ok: boolean } {
    return { ok: this.deps.manager.resume(id, { spendCredit }) !== null };
  }

  async cancel(id: string): Promise<{ ok: boolean }> {
    await this.deps.manager.cancel(id);
    return { ok: true };
  }

  remove(id: string): { ok: boolean } {
    this.deps.manager.remove(id);
    return { ok: true };
  }

  showInFolder(id: string): { shown: boolean } {
    const item = this.deps.manager.get(id);
    if (!item?.path) throw new AppError('not-found', 'That download has no file on disk.');
    if (!this.deps.showInFolder) throw new AppError('unavailable', `"Show in folder" works in the desktop app. The file is at ${item.path}.`);
    this.deps.showInFolder(item.state === 'completed' ? item.path : item.destDir);
    return { shown: true };
  }

  /** Opens every downloaded chr_*.zip of the job into the job's folder. */
  async extract(serverId: string, jobId: string, typed?: string): Promise<{ archives: number; files: number; destDir: string }> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    const zips = this.deps.manager
      .list()
      .filter((item) => item.serverId === serverId && item.jobId === jobId && item.state === 'completed' && item.path && RESULTS_ZIP.test(item.name));
    if (zips.length === 0) throw new AppError('not-found', 'Download the chr_*.zip files of this job first.');
    const password = typed ?? (await this.deps.passwordOf(serverId, jobId));
    if (!password) throw new AppError('not-found', 'The app does not have the password of this job. Type it to unpack the files.');
    let files = 0;
    const destDir = zips[0]!.destDir;
    for (const zip of zips) {
      try {
        files += (await extractZip(zip.path!, path.dirname(zip.path!), password)).files.length;
      } catch (error) {
        throw extractionError(zip.name, error);
      }
    }
    return { archives: zips.length, files, destDir };
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.deps.waiting.close();
    await this.deps.manager.close();
  }

  private server(serverId: string) {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    return server;
  }

  private async fetchAndEnqueue(serverId: string, jobId: string, names: string[] | null, automatic: boolean): Promise<DownloadItem[]> {
    const job = await this.deps.servers.use(serverId, (client) => client.job(jobId));
    if (!automatic) return this.enqueueJob(serverId, job, names ?? undefined);
    // Automatic downloads never spend credits on zips the app has no password for: it says so first.
    const zipNames = resultZips(job);
    if (zipNames.length === 0 || (await this.deps.passwordOf(serverId, jobId).catch(() => null)) !== null) return this.enqueueJob(serverId, job);
    const others = allNames(job).filter((name) => !zipNames.includes(name));
    this.deps.notifier.notify({
      kind: 'downloads-done',
      title: `${jobDisplayName(job.name, job.id)}: zip files not downloaded`,
      body: "The app does not know this job's results password, so it did not spend download credits on the chr_*.zip files. Download them from the job's page.",
      route: 'jobs',
      param: `${serverId}/${jobId}`,
    });
    return others.length > 0 ? this.enqueueJob(serverId, job, others) : [];
  }

  private async enqueueJob(serverId: string, job: Job, names?: string[]): Promise<DownloadItem[]> {
    const server = this.server(serverId);
    const files = resultFilesOfJob(
      { id: job.id, outputParams: job.outputParams.map((output) => ({ files: output.files.map((file) => ({ ...file, count: file.count ?? -1 })) })) },
      server.url,
      serverId,
    );
    if (files.length === 0) throw new AppError('not-found', 'This job has no result files to download (yet).');
    const wanted = names ? files.filter((file) => names.includes(file.name)) : files;
    if (wanted.length === 0) throw new AppError('not-found', 'None of those files belongs to this job.');
    const destDir = path.join(server.downloadDir, jobFolderName(job.id, job.name));
    return (await this.deps.manager.enqueue(wanted, { destDir, jobFiles: files })).map(toPublic);
  }
}

function toPublic(item: DownloadItemView): DownloadItem {
  return item as DownloadItem;
}

/** No answer, a server error or maintenance: worth waiting out. */
function isTransient(error: unknown): boolean {
  return error instanceof CloudgeneError && ['network', 'timeout', 'server-error', 'maintenance', 'invalid-response'].includes(error.code);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function allNames(job: Job): string[] {
  return job.outputParams.flatMap((output) => output.files.map((file) => file.name));
}

function resultZips(job: Job): string[] {
  return allNames(job).filter((name) => RESULTS_ZIP.test(name));
}

export const downloadWaitRules = { isTransient, describe };
