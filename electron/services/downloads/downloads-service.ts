// The app's side of the download manager: which files of which job, into which folder, the
// password for extraction from the keychain, events to the window, a notification when a job's
// downloads are done, and automatic downloads when a job succeeds.
import path from 'node:path';
import { AppError, type DownloadItem, type EventSink } from '../../ipc/contract';
import type { Job } from '../cloudgene/schemas';
import type { Logger, Notifier } from '../ports';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';
import type { ServersService } from '../servers/servers-service';
import { extractionError } from '../app-errors';
import { extractZip } from './extract';
import { resultFilesOfJob } from './job-files';
import type { DownloadManager } from './manager';
import { jobFolderName } from './safe-path';
import type { DownloadItemView } from './types';

export interface DownloadsServiceDeps {
  manager: DownloadManager;
  servers: ServersService;
  secrets: SecretStore;
  events: EventSink;
  notifier: Notifier;
  log: Logger;
  showInFolder?: (file: string) => void;
}

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

  /** All files of a job, or the named ones. One GET per file; complete files are skipped. */
  async start(serverId: string, jobId: string, names?: string[]): Promise<DownloadItem[]> {
    const job = await this.deps.servers.use(serverId, (client) => client.job(jobId));
    return this.enqueueJob(serverId, job, names);
  }

  /** Called when a job succeeds: downloads everything if the server's setting says so. */
  async onJobSucceeded(serverId: string, job: Job): Promise<void> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server?.autoDownload) return;
    await this.enqueueJob(serverId, job).catch((error: unknown) => this.deps.log.warn(`Automatic download of ${job.id} failed: ${String(error)}`));
  }

  list(): { items: DownloadItem[]; totals: ReturnType<DownloadManager['totals']> } {
    return { items: this.deps.manager.list().map(toPublic), totals: this.deps.manager.totals() };
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
      .filter(
        (item) => item.serverId === serverId && item.jobId === jobId && item.state === 'completed' && item.path && /(^|\/)chr_[^/]+\.zip$/.test(item.name),
      );
    if (zips.length === 0) throw new AppError('not-found', 'Download the chr_*.zip files of this job first.');
    const password = typed ?? (await this.deps.secrets.get(secretAccounts.jobPassword(server.url, jobId)));
    if (!password) {
      throw new AppError(
        'not-found',
        'The password of this job is not in the keychain (it was not submitted from this app). Type the password from the e-mail.',
      );
    }
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

  close(): Promise<void> {
    this.unsubscribe();
    return this.deps.manager.close();
  }

  private async enqueueJob(serverId: string, job: Job, names?: string[]): Promise<DownloadItem[]> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
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
