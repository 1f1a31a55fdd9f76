// Uploads wait here, one at a time per server, in main (so they survive a reload of the window).
// Each is checked just before it starts (server up, not in maintenance, below the job limit,
// files unchanged), then streamed with progress; nothing is retried silently: a multipart POST
// cannot resume, and a retry may create a second job.
import { randomUUID } from 'node:crypto';
import { AppError, type EventSink, type IpcErrorCode, type UploadView } from '../../ipc/contract';
import { uploadError } from '../app-errors';
import { CloudgeneError } from '../cloudgene/errors';
import type { JobsService } from '../jobs/jobs-service';
import type { KeepAwake, Logger } from '../ports';
import { secretAccounts, type SecretStore } from '../secrets/secret-store';
import type { ServersService } from '../servers/servers-service';
import type { UploadFile } from '../multipart/file-snapshot';
import type { UploadProgress } from '../multipart/progress';
import { submitJob } from '../multipart/submit';
import { passwordProblem } from '../../shared/password-rules';
import { generatePassword } from './password';

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
  /** What would stop a submit now (token, maintenance, job limit), asked right before each upload. */
  blocker: (serverId: string) => Promise<{ code: IpcErrorCode; message: string } | null>;
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
      else this.finish(entry, 'failed', uploadError(error));
    } finally {
      release?.();
    }
  }

  /** The checks a user would rather hear before a 20 GB upload than after it (PRODUCT.md). */
  private async preflight(request: UploadRequest): Promise<void> {
    const blocker = await this.deps.blocker(request.serverId);
    if (blocker) throw new AppError(blocker.code, blocker.code === 'job-limit' ? `${blocker.message} Nothing was uploaded.` : blocker.message);
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
