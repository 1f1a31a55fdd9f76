// Uploads wait here, one at a time per server, in main (so they survive a reload of the window).
// Each is checked just before it starts (server up, not in maintenance, below the job limit,
// files unchanged), then streamed with progress; nothing is retried silently: a multipart POST
// cannot resume, and a retry may create a second job.
import { randomUUID } from 'node:crypto';
import { AppError, type EventSink, type IpcErrorCode, type UploadView } from '../../ipc/contract';
import { CloudgeneError } from '../cloudgene/errors';
import type { JobsService } from '../jobs/jobs-service';
import type { Logger } from '../ports';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';
import type { ServersService } from '../servers/servers-service';
import { FileChangedError, type UploadFile } from '../multipart/file-snapshot';
import type { UploadProgress } from '../multipart/progress';
import { submitJob } from '../multipart/submit';
import { passwordProblem } from '../../shared/password-rules';
import { generatePassword } from './password';

/** Keeps the machine from sleeping while an upload runs (Electron's powerSaveBlocker). */
export interface KeepAwake {
  start(): () => void;
}

export interface UploadRequest {
  serverId: string;
  appId: string;
  files: UploadFile[];
  fields: Record<string, string>;
  checkboxes: Record<string, boolean>;
  jobName: string;
  password: { mode: 'generate' } | { mode: 'typed'; value: string };
}

export interface UploadQueueDeps {
  servers: ServersService;
  jobs: JobsService;
  secrets: SecretStore;
  events: EventSink;
  log: Logger;
  keepAwake?: KeepAwake;
  /** Waiting + running jobs allowed per user on a server (TOPMed: 3). */
  liveJobLimit: (serverId: string) => number;
  now?: () => number;
}

interface Entry {
  view: UploadView;
  request: UploadRequest;
  abort: AbortController;
}

export class UploadQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Set<string>(); // server ids with an upload in progress
  private readonly now: () => number;
  /** The network is down (setOnline): queued uploads wait instead of failing one after another. */
  private offline = false;

  constructor(private readonly deps: UploadQueueDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(request: UploadRequest): UploadView {
    if (request.password.mode === 'typed') {
      const problem = passwordProblem(request.password.value);
      if (problem) throw new AppError('bad-request', problem);
    }
    const server = this.deps.servers.list().find((candidate) => candidate.id === request.serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    const entry: Entry = {
      request,
      abort: new AbortController(),
      view: {
        id: randomUUID(),
        serverId: server.id,
        serverLabel: server.label,
        jobName: request.jobName,
        state: 'queued',
        files: request.files.map((file) => ({ name: file.name, size: file.size, bytesSent: 0 })),
        bytesSent: 0,
        totalBytes: request.files.reduce((sum, file) => sum + file.size, 0),
        rate: 0,
        etaSeconds: null,
        jobId: null,
        error: null,
        createdAt: this.now(),
        finishedAt: null,
      },
    };
    this.entries.set(entry.view.id, entry);
    this.changed(entry);
    const queued = structuredClone(entry.view);
    this.next(server.id);
    return queued;
  }

  list(): UploadView[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry.view)).sort((a, b) => b.createdAt - a.createdAt);
  }

  cancel(id: string): UploadView {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('not-found', 'That upload is no longer known.');
    if (entry.view.state === 'queued') this.finish(entry, 'canceled', null);
    else if (entry.view.state === 'checking' || entry.view.state === 'uploading') entry.abort.abort();
    return structuredClone(entry.view);
  }

  /** The network went away or came back; back online, waiting uploads start. */
  setOnline(online: boolean): void {
    this.offline = !online;
    if (!online) return;
    for (const serverId of new Set([...this.entries.values()].map((entry) => entry.view.serverId))) this.next(serverId);
  }

  /** Waits for every running upload (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private next(serverId: string): void {
    if (this.offline || this.running.has(serverId)) return;
    const entry = [...this.entries.values()]
      .filter((candidate) => candidate.view.serverId === serverId && candidate.view.state === 'queued')
      .sort((a, b) => a.view.createdAt - b.view.createdAt)[0];
    if (!entry) return;
    this.running.add(serverId);
    void this.run(entry).finally(() => {
      this.running.delete(serverId);
      this.next(serverId);
    });
  }

  private async run(entry: Entry): Promise<void> {
    const { request, abort } = entry;
    const release = this.deps.keepAwake?.start();
    try {
      entry.view.state = 'checking';
      this.changed(entry);
      await this.preflight(request);
      if (abort.signal.aborted) throw new CloudgeneError('canceled');

      entry.view.state = 'uploading';
      this.changed(entry);
      const password = request.password.mode === 'typed' ? request.password.value : generatePassword();
      const fields: Record<string, string> = { ...request.fields, password };
      if (request.jobName.trim()) fields['job-name'] = request.jobName.trim();
      const { jobId } = await this.deps.servers.use(request.serverId, (client) =>
        submitJob({
          client,
          appId: request.appId,
          fields,
          checkboxes: request.checkboxes,
          files: request.files,
          signal: abort.signal,
          onProgress: (progress) => this.progress(entry, progress),
        }),
      );
      const server = this.deps.servers.list().find((candidate) => candidate.id === request.serverId);
      if (server) await this.deps.secrets.set(secretAccounts.jobPassword(server.url, jobId), password);
      entry.view.jobId = jobId;
      entry.view.bytesSent = entry.view.totalBytes;
      this.finish(entry, 'submitted', null);
      await this.deps.jobs.track(request.serverId, jobId).catch(() => undefined);
    } catch (error) {
      if (abort.signal.aborted || (error instanceof CloudgeneError && error.code === 'canceled')) this.finish(entry, 'canceled', null);
      else this.finish(entry, 'failed', describe(error));
    } finally {
      release?.();
    }
  }

  /** The checks a user would rather hear before a 20 GB upload than after it (PRODUCT.md). */
  private async preflight(request: UploadRequest): Promise<void> {
    const info = await this.deps.servers.use(request.serverId, (client) => client.server());
    if (info.maintenance) {
      throw new AppError(
        'maintenance',
        `The server is under maintenance${info.maintenanceMessage ? `: ${info.maintenanceMessage}` : ''}. Try again later; nothing was uploaded.`,
      );
    }
    const { jobs } = await this.deps.jobs.list({ serverId: request.serverId, refresh: true });
    const live = jobs.filter((job) => job.state >= 1 && job.state <= 3).length;
    const limit = this.deps.liveJobLimit(request.serverId);
    if (live >= limit) {
      throw new AppError(
        'job-limit',
        `You have ${live} jobs waiting or running on this server, and it runs at most ${limit} per user. Wait until one finishes; nothing was uploaded.`,
      );
    }
  }

  private progress(entry: Entry, progress: UploadProgress): void {
    entry.view.bytesSent = progress.bytesSent;
    entry.view.totalBytes = progress.totalBytes;
    entry.view.rate = progress.rate;
    entry.view.etaSeconds = progress.etaSeconds;
    entry.view.files = progress.files.map((file) => ({ name: file.name, size: file.size, bytesSent: file.bytesSent }));
    this.changed(entry);
  }

  private finish(entry: Entry, state: UploadView['state'], error: UploadView['error']): void {
    entry.view.state = state;
    entry.view.error = error;
    entry.view.finishedAt = this.now();
    entry.view.rate = 0;
    entry.view.etaSeconds = null;
    this.changed(entry);
  }

  private changed(entry: Entry): void {
    this.deps.events.emit('uploads:changed', structuredClone(entry.view));
  }
}

/** The server's message plus what it means for this upload. */
function describe(error: unknown): { code: IpcErrorCode; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof FileChangedError)
    return { code: 'file-changed', message: `${error.message}. Choose the file again once it is complete; nothing was submitted.` };
  if (error instanceof CloudgeneError) {
    const hints: Partial<Record<string, string>> = {
      'job-limit': ' The server counted your jobs after the upload; wait until one finishes and submit again.',
      'too-large': ' Split the upload (for example one job per few chromosomes) or ask the server team about the limit.',
      network: ' A multipart upload cannot resume: submit again when the connection is back.',
      'server-error': ' Check the job list before submitting again: the job may exist.',
      'bad-request': ' Nothing was started.',
    };
    return { code: error.code === 'canceled' ? 'canceled' : (error.code as IpcErrorCode), message: `${error.message}${hints[error.code] ?? ''}` };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
