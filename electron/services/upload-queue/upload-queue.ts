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
import type { JobPasswords, UploadRef } from '../passwords/job-passwords';
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
  /** The job exports no zip files (a QC check): its password is kept as usual but never asked for. */
  zipless?: boolean;
}

export interface UploadQueueDeps {
  servers: ServersService;
  jobs: JobsService;
  passwords: JobPasswords;
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
  /** Chosen once per upload: a "Submit again" sends the same password (it may already be kept). */
  password: string;
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
      password: request.password.mode === 'typed' ? request.password.value : generatePassword(),
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
        passwordState: null,
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
    if (entry.view.state === 'queued') {
      this.finish(entry, 'canceled', null);
      void this.releasePassword(entry);
    } else if (entry.view.state === 'checking' || entry.view.state === 'uploading') entry.abort.abort();
    return structuredClone(entry.view);
  }

  /**
   * Sends a failed upload again, whole (a multipart POST cannot resume), with the same password.
   * For a failure whose cause is cured: a new token, the server back, the job limit freed.
   */
  retry(id: string): UploadView {
    const entry = this.entries.get(id);
    if (!entry) throw new AppError('not-found', 'That upload is no longer known.');
    if (entry.view.state !== 'failed') throw new AppError('invalid-request', 'Only a failed upload can be submitted again.');
    entry.abort = new AbortController();
    Object.assign(entry.view, { state: 'queued', error: null, bytesSent: 0, rate: 0, etaSeconds: null, finishedAt: null });
    entry.view.files = entry.view.files.map((file) => ({ ...file, bytesSent: 0 }));
    this.changed(entry);
    const queued = structuredClone(entry.view);
    this.next(entry.view.serverId);
    return queued;
  }

  /** Forgets a finished upload; one that never became a job lets go of its password too. */
  async dismiss(id: string): Promise<{ dismissed: boolean }> {
    const entry = this.entries.get(id);
    if (!entry) return { dismissed: false };
    if (entry.view.state !== 'failed' && entry.view.state !== 'canceled' && entry.view.state !== 'submitted') {
      throw new AppError('invalid-request', 'Cancel the upload first.');
    }
    this.entries.delete(id);
    if (entry.view.state !== 'submitted') await this.releasePassword(entry);
    return { dismissed: true };
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

      // Kept before a byte is sent: whatever happens next, the password is not lost.
      const upload = this.uploadRef(entry);
      await this.deps.passwords.holdForUpload(upload, entry.password);

      entry.view.state = 'uploading';
      this.changed(entry);
      const password = entry.password;
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
      entry.view.passwordState = (await this.deps.passwords.attachToJob(upload, jobId, password)).state;
      entry.view.jobId = jobId;
      entry.view.bytesSent = entry.view.totalBytes;
      this.finish(entry, 'submitted', null);
      await this.deps.jobs.track(request.serverId, jobId).catch(() => undefined);
    } catch (error) {
      if (abort.signal.aborted || (error instanceof CloudgeneError && error.code === 'canceled')) {
        // Canceled before the last byte: the server cannot have made a job, so the password goes.
        const sentAll = entry.view.totalBytes > 0 && entry.view.bytesSent >= entry.view.totalBytes;
        this.finish(entry, 'canceled', null);
        if (!sentAll) await this.releasePassword(entry);
      } else this.finish(entry, 'failed', uploadError(error));
    } finally {
      release?.();
    }
  }

  /** The checks a user would rather hear before a 20 GB upload than after it (PRODUCT.md). */
  private async preflight(request: UploadRequest): Promise<void> {
    const blocker = await this.deps.blocker(request.serverId);
    if (blocker) throw new AppError(blocker.code, blocker.code === 'job-limit' ? `${blocker.message} Nothing was uploaded.` : blocker.message);
  }

  private uploadRef(entry: Entry): UploadRef {
    const server = this.deps.servers.list().find((candidate) => candidate.id === entry.view.serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    return {
      server: { id: server.id, url: server.url, kind: server.kind },
      uploadId: entry.view.id,
      jobName: entry.request.jobName.trim(),
      source: entry.request.password.mode === 'typed' ? 'typed' : 'generated',
      zipless: entry.request.zipless ?? false,
    };
  }

  private async releasePassword(entry: Entry): Promise<void> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === entry.view.serverId);
    if (server)
      await this.deps.passwords
        .releaseUpload(server.url, entry.view.id)
        .catch((error: unknown) => this.deps.log.warn(`could not release a password: ${String(error)}`));
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
