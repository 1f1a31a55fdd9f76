// "Check against the panel first" and "Fix and impute", as one action each that the user can
// follow and cancel. A check submits the same files in the app's QC-only mode through the upload
// queue (a real job: it counts toward the job limit and gets a results password), follows the job
// with the jobs service and watcher, downloads only statistics/snps-excluded.txt (one download
// credit) into the job's results folder, and builds the report from that file and the QC step's
// messages. "Fix and impute" writes corrected copies (rewrite/, on worker threads) next to the
// results and submits them in imputation mode with the same settings. Main only coordinates.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import {
  AppError,
  type DownloadItem,
  type EventChannel,
  type EventPayload,
  type EventSink,
  type FormField,
  type JobDetail,
  type JobSummary,
  type QcFixOptions,
  type QcInspection,
  type QcRunView,
  type QcStartRequest,
  type ServerView,
  type UploadView,
} from '../../ipc/contract';
import { isLive, isSuccess } from '../../shared/job-states';
import type { FreeSpaceProbe } from '../downloads/disk-space';
import { CloudgeneError } from '../cloudgene/errors';
import type { DownloadsService } from '../downloads/downloads-service';
import type { FileRegistry } from '../files/file-registry';
import type { JobsService } from '../jobs/jobs-service';
import { assertUnchanged, type UploadFile } from '../multipart/file-snapshot';
import type { NewJobService } from '../newjob/new-job-service';
import type { Logger } from '../ports';
import { RewriteCanceled, RewriteInputError } from '../rewrite/rewrite-file';
import { estimateOutput } from '../rewrite/rewrite-set';
import type { TransformSpec } from '../rewrite/types';
import type { ServersService } from '../servers/servers-service';
import type { UploadQueue } from '../upload-queue/upload-queue';
import { buildReport } from './check-report';
import { copyHeaderLine, fixSpec, writeCopies } from './copy-writer';
import { EXCLUDED_FILE, ExcludedDownloads } from './excluded-download';
import { copiesIntact, correctedFolder, deleteCopies, slimFolder } from './copies';
import { parseExcludedSites } from './excluded-sites';
import { fileSetKey } from './file-sets';
import { imputationValues, qcModeOf } from './qc-mode';
import { readQcMessages } from './qc-messages';
import type { CopySet, QcStore, RunRecord } from './qc-store';
import { toView } from './run-view';

export interface QcServiceDeps {
  store: QcStore;
  servers: Pick<ServersService, 'list'>;
  jobs: Pick<JobsService, 'get' | 'cancel' | 'poll' | 'list'>;
  newJob: Pick<NewJobService, 'uploadRequest' | 'fieldsOf' | 'form'>;
  uploads: Pick<UploadQueue, 'start' | 'cancel'>;
  downloads: Pick<DownloadsService, 'start' | 'list'>;
  files: FileRegistry;
  events: EventSink;
  log: Logger;
  freeSpace?: FreeSpaceProbe;
  /** Worker threads of a rewrite (default: one per core, at most four). */
  workers?: number;
  now?: () => number;
}

/** What a run is doing now that can be stopped. */
interface Activity {
  abort: AbortController;
}

const ACTIVE = new Set(['check-rewriting', 'check-uploading', 'check-running', 'check-downloading', 'impute-rewriting', 'impute-uploading']);

export class QcService {
  private readonly activity = new Map<string, Activity>();
  /** Typed results passwords, for this run of the app only (never written anywhere). */
  private readonly typedPasswords = new Map<string, string>();
  /** Progress of copies being written, per run (not persisted). */
  private readonly rewrites = new Map<string, QcRunView['rewrite']>();
  private readonly uploadsSeen = new Map<string, UploadView>();
  private readonly now: () => number;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly excludedDownloads: ExcludedDownloads;

  constructor(private readonly deps: QcServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.excludedDownloads = new ExcludedDownloads(deps.downloads);
  }

  /** After a restart: what was cut short says so; checks waiting for their job look again. */
  async init(): Promise<void> {
    for (const run of [...this.deps.store.runs()]) if (run.dismissed && run.copies.every((copies) => copies.deleted)) this.deps.store.remove(run.id);
    for (const run of this.deps.store.runs()) {
      if (run.phase === 'check-rewriting' || run.phase === 'check-uploading') {
        await this.cleanupUnsent(run);
        this.update(run, { phase: 'failed', error: { code: 'canceled', message: 'The app was closed before the check was uploaded. Start it again.' } });
      } else if (run.phase === 'impute-rewriting' || run.phase === 'impute-uploading') {
        await this.cleanupUnsent(run);
        this.update(run, {
          phase: run.kind === 'check' ? 'report' : 'failed',
          error: { code: 'canceled', message: 'The app was closed before the copies were uploaded. Nothing was submitted; start again.' },
        });
      } else if (run.phase === 'check-running' || run.phase === 'check-downloading') {
        if (run.phase === 'check-downloading') run.phase = 'check-running';
        this.track(this.refreshCheck(run));
      }
      if (run.impute?.jobId && !run.keepCopies && run.copies.some((copies) => !copies.deleted)) this.track(this.cleanupIfDone(run));
    }
  }

  list(): QcRunView[] {
    return this.deps.store
      .runs()
      .filter((run) => !run.dismissed)
      .map((run) => this.view(run))
      .sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Is this job a check of ours (its results are not downloaded automatically: it has none worth a credit). */
  ownsCheckJob(serverId: string, jobId: string): boolean {
    return this.deps.store.runs().some((run) => run.serverId === serverId && run.checkJobId === jobId);
  }

  async inspect(serverId: string, fileIds: string[]): Promise<QcInspection> {
    const files = fileIds.map((id) => this.deps.files.get(id));
    const fields = await this.fieldsOf(serverId);
    let slim: QcInspection['slim'] = null;
    let slimProblem: string | null = null;
    try {
      const estimate = await estimateOutput(
        files.map((file) => ({ path: file.path, name: file.name, size: file.size })),
        { kind: 'slim-gt' },
      );
      slim = { inputBytes: estimate.inputBytes, outputBytes: estimate.outputBytes };
    } catch (error) {
      slimProblem = error instanceof Error ? error.message : String(error);
    }
    return {
      firstSubmission: !this.deps.store.wasSubmitted(fileSetKey(serverId, files)),
      qcMode: qcModeOf(fields),
      slim,
      slimProblem,
    };
  }

  async start(request: QcStartRequest): Promise<QcRunView> {
    const { check, slim, ...form } = request;
    if (!check && !slim) throw new AppError('invalid-request', 'Nothing to prepare: submit the files as they are.');
    const server = this.server(request.serverId);
    const fields = await this.fieldsOf(request.serverId);
    const qcMode = qcModeOf(fields);
    if (check && !qcMode)
      throw new AppError('unavailable', `The imputation app of ${server.label} offers no QC-only mode, so the files cannot be checked there first.`);
    const upload = await this.deps.newJob.uploadRequest(form);
    const run: RunRecord = {
      id: randomUUID(),
      serverId: server.id,
      kind: check ? 'check' : 'slim',
      jobName: request.jobName.trim(),
      createdAt: this.now(),
      phase: check ? (slim ? 'check-rewriting' : 'check-uploading') : 'impute-rewriting',
      sources: upload.files,
      appId: upload.appId,
      values: upload.fields,
      checkboxes: upload.checkboxes,
      passwordMode: request.password.mode,
      slim,
      qcMode: qcMode?.value ?? null,
      checkUploadId: null,
      checkJobId: null,
      checkJobState: null,
      excludedPath: null,
      report: null,
      impute: check
        ? null
        : { options: { alleles: false, dropMismatches: false, dropAmbiguous: false, slim: true }, uploadId: null, jobId: null, changes: null },
      copies: [],
      keepCopies: false,
      dismissed: false,
      notice: null,
      error: null,
    };
    if (request.password.mode === 'typed') this.typedPasswords.set(run.id, request.password.value);
    this.deps.store.add(run);
    this.deps.store.markSubmitted(fileSetKey(run.serverId, run.sources), this.now());
    this.emit(run);
    const signal = this.begin(run);
    this.track(check ? this.runCheck(run, signal) : this.runImpute(run, signal));
    return this.view(run);
  }

  async impute(id: string, options: QcFixOptions, keepCopies: boolean): Promise<QcRunView> {
    const run = this.run(id);
    if (run.kind !== 'check' || run.phase !== 'report' || !run.report) throw new AppError('invalid-request', 'This check has no report to act on yet.');
    if (run.report.outcome === 'failed') throw new AppError('invalid-request', 'The check job failed before Quality Control: fix what it says first.');
    const fixes = options.alleles || options.dropMismatches || options.dropAmbiguous;
    if (fixes && !run.excludedPath && (options.alleles || options.dropMismatches))
      throw new AppError('not-found', `The fixes need ${EXCLUDED_FILE}, which could not be downloaded. Try the download again first.`);
    for (const source of run.sources) await assertUnchanged(source);
    this.update(run, {
      phase: 'impute-rewriting',
      keepCopies,
      impute: { options, uploadId: null, jobId: null, changes: null },
      error: null,
      notice: null,
    });
    this.track(this.runImpute(run, this.begin(run)));
    return this.view(run);
  }

  /** Reads the check's job and its list again (after a failed download; no credit when the file is already here). */
  async retry(id: string): Promise<QcRunView> {
    const run = this.run(id);
    if (!run.checkJobId || (run.phase !== 'report' && run.phase !== 'failed')) throw new AppError('invalid-request', 'There is nothing to read again here.');
    this.update(run, { phase: 'check-running', error: null, notice: null });
    this.track(this.refreshCheck(run));
    return this.view(run);
  }

  async cancel(id: string): Promise<QcRunView> {
    const run = this.run(id);
    switch (run.phase) {
      case 'check-rewriting':
      case 'impute-rewriting':
        this.activity.get(run.id)?.abort.abort();
        break;
      case 'check-uploading':
        if (run.checkUploadId) this.deps.uploads.cancel(run.checkUploadId);
        else this.activity.get(run.id)?.abort.abort();
        break;
      case 'impute-uploading':
        if (run.impute?.uploadId) this.deps.uploads.cancel(run.impute.uploadId);
        else this.activity.get(run.id)?.abort.abort();
        break;
      case 'check-running': {
        let notice = 'The QC job was canceled on the server.';
        if (run.checkJobId)
          await this.deps.jobs.cancel(run.serverId, run.checkJobId).catch((error: unknown) => {
            // gone from the server (deleted): nothing left to cancel there
            if (!(error instanceof AppError || error instanceof CloudgeneError) || error.code !== 'not-found') throw error;
            notice = 'The QC job is no longer on the server.';
          });
        this.update(run, { phase: 'canceled', notice });
        break;
      }
      case 'check-downloading':
        this.activity.get(run.id)?.abort.abort();
        this.update(run, { phase: 'canceled', notice: `The download of ${EXCLUDED_FILE} was left; the QC job is done on the server.` });
        break;
      default:
        break;
    }
    return this.view(run);
  }

  async keepCopies(id: string, keep: boolean): Promise<QcRunView> {
    const run = this.run(id);
    this.update(run, { keepCopies: keep });
    if (!keep && run.impute?.jobId) await this.cleanupIfDone(run);
    return this.view(run);
  }

  async dismiss(id: string): Promise<{ dismissed: boolean }> {
    const run = this.deps.store.get(id);
    if (!run || run.dismissed) return { dismissed: false };
    if (ACTIVE.has(run.phase)) throw new AppError('invalid-request', 'Cancel it first.');
    if (!run.impute?.jobId) {
      // no job will ever use the copies: they go unless the user keeps them
      if (!run.keepCopies) await this.deleteAllCopies(run);
      this.deps.store.remove(run.id);
    } else {
      run.dismissed = true; // kept (hidden) until its job's results are downloaded, for the clean-up
      await this.deps.store.save();
    }
    this.typedPasswords.delete(run.id);
    this.deps.events.emit('qc:removed', { id });
    return { dismissed: true };
  }

  /** Events of the other services (uploads, jobs, downloads), tapped from the event sink. */
  onEvent<C extends EventChannel>(channel: C, payload: EventPayload<C>): void {
    if (channel === 'uploads:changed') this.onUpload(payload as UploadView);
    else if (channel === 'jobs:changed') this.onJob(payload as JobSummary);
    else if (channel === 'jobs:listChanged') this.onList((payload as { serverId: string }).serverId);
    else if (channel === 'downloads:changed') this.onDownload(payload as DownloadItem);
  }

  /** Waits for the work started in the background (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async close(): Promise<void> {
    for (const activity of this.activity.values()) activity.abort.abort();
    await this.idle();
    await this.deps.store.save();
  }

  // ---- the check ------------------------------------------------------------------------------

  private async runCheck(run: RunRecord, signal: AbortSignal): Promise<void> {
    try {
      let files = run.sources;
      if (run.slim) files = await this.writeCopies(run, 'slim', { kind: 'slim-gt', headerLine: copyHeaderLine('slim', this.now()) }, 'check-rewriting', signal);
      if (signal.aborted) throw new RewriteCanceled();
      const view = this.deps.uploads.start({
        serverId: run.serverId,
        appId: run.appId,
        files,
        fields: { ...run.values, mode: run.qcMode! },
        checkboxes: run.checkboxes,
        jobName: `${run.jobName || 'Files'} (QC check)`,
        // The check exports no zip files, but gets a password like any job (it is one); nobody
        // is asked to save it.
        password: { mode: 'generate' },
        zipless: true,
      });
      this.uploadsSeen.set(view.id, view);
      this.update(run, { phase: 'check-uploading', checkUploadId: view.id });
      this.onUpload(view);
    } catch (error) {
      this.failed(run, error, 'check');
    } finally {
      this.end(run, signal);
    }
  }

  private onUpload(view: UploadView): void {
    this.uploadsSeen.set(view.id, view);
    if (view.state === 'submitted') this.deps.store.markSubmitted(fileSetKey(view.serverId, view.files), this.now());
    for (const run of this.deps.store.runs()) {
      if (run.checkUploadId === view.id && run.phase === 'check-uploading') {
        if (view.state === 'submitted' && view.jobId) {
          this.update(run, { phase: 'check-running', checkJobId: view.jobId, checkJobState: 1 });
          // A job that ends before anyone polls it again sends no change: read it now.
          this.track(this.refreshCheck(run));
        } else if (view.state === 'failed') this.update(run, { phase: 'failed', error: view.error });
        else if (view.state === 'canceled') this.update(run, { phase: 'canceled', notice: 'The upload of the check was canceled.' });
        else this.emit(run);
      } else if (run.impute?.uploadId === view.id && run.phase === 'impute-uploading') {
        if (view.state === 'submitted' && view.jobId) {
          this.update(run, { phase: 'submitted', impute: { ...run.impute, jobId: view.jobId } });
        } else if (view.state === 'failed') this.update(run, { phase: run.kind === 'check' ? 'report' : 'failed', error: view.error });
        else if (view.state === 'canceled')
          this.update(run, { phase: run.kind === 'check' ? 'report' : 'canceled', notice: 'The upload was canceled; no imputation job was submitted.' });
        else this.emit(run);
      }
    }
  }

  private onJob(job: JobSummary): void {
    for (const run of this.deps.store.runs()) {
      if (run.serverId !== job.serverId || run.checkJobId !== job.id || run.phase !== 'check-running') continue;
      if (job.state !== run.checkJobState) this.update(run, { checkJobState: job.state });
      if (!isLive(job.state) && job.state !== -1) this.track(this.afterCheckJob(run));
    }
  }

  private onList(serverId: string): void {
    if (!this.deps.store.runs().some((run) => run.serverId === serverId && run.phase === 'check-running')) return;
    this.track(
      this.deps.jobs.list({ serverId }).then(({ jobs }) => {
        for (const job of jobs) this.onJob(job);
      }),
    );
  }

  /** Reads the check's job now (after a restart, or to try its download again). */
  private async refreshCheck(run: RunRecord): Promise<void> {
    if (!run.checkJobId) return;
    try {
      const job = await this.deps.jobs.poll(run.serverId, run.checkJobId);
      this.onJob(job);
    } catch (error) {
      this.deps.log.info(`The check ${run.checkJobId} could not be read now; it is looked at again with the next update (${String(error)})`);
    }
  }

  private async afterCheckJob(run: RunRecord): Promise<void> {
    if (run.phase !== 'check-running') return;
    const jobId = run.checkJobId!;
    if (run.checkJobState === 6) {
      this.update(run, { phase: 'canceled', notice: 'The QC job was canceled on the server.' });
      return;
    }
    this.update(run, { phase: 'check-downloading' });
    const signal = this.begin(run);
    try {
      const detail = await this.deps.jobs.get(run.serverId, jobId);
      const messages = readQcMessages(detail);
      const listed = detail.files.find((file) => file.name === EXCLUDED_FILE);
      let excludedFile = {
        name: EXCLUDED_FILE,
        state: 'missing' as 'downloaded' | 'missing' | 'failed',
        rows: 0,
        path: null as string | null,
        creditsSpent: 0,
        creditsLeft: listed?.credits ?? null,
        problem: null as string | null,
      };
      let text: string | null = null;
      if (listed) {
        const item = await this.excludedDownloads.fetch(run.serverId, jobId, signal, (notice) =>
          this.update(run, {
            notice:
              notice === 'needs-confirmation'
                ? `The download of ${EXCLUDED_FILE} broke off; trying again costs one more download credit. Confirm it on the Downloads screen.`
                : `${this.server(run.serverId).label} does not answer now; the download of ${EXCLUDED_FILE} waits and starts by itself.`,
          }),
        );
        if (!item || signal.aborted) return;
        excludedFile = { ...excludedFile, creditsSpent: item.creditsSpent, creditsLeft: item.creditsLeft < 0 ? null : item.creditsLeft, path: item.path };
        if (item.state === 'completed' && item.path) {
          text = await fs.readFile(item.path, 'utf8');
          excludedFile.state = 'downloaded';
        } else {
          excludedFile.state = 'failed';
          excludedFile.problem = item.error?.message ?? `The download ended as ${item.state}.`;
        }
      } else if (messages.ran) excludedFile.problem = `The job lists no ${EXCLUDED_FILE}: the server excluded no site, or did not publish the list.`;
      const excluded = text === null ? null : parseExcludedSites(text);
      if (excluded) excludedFile.rows = excluded.sites.length;
      if (excluded && excluded.unreadableRows > 0)
        excludedFile.problem = `${excluded.unreadableRows} rows could not be read (${excluded.problems.join('; ')}).`;
      const report = buildReport({ checkJobId: jobId, state: detail.state, messages, excluded, excludedFile });
      this.update(run, { phase: 'report', report, excludedPath: excludedFile.state === 'downloaded' ? excludedFile.path : null });
    } catch (error) {
      if (signal.aborted) return;
      this.failed(run, error, 'check');
    } finally {
      this.end(run, signal);
    }
  }

  private onDownload(item: DownloadItem): void {
    this.excludedDownloads.onItem(item);
    if (item.state !== 'completed') return;
    for (const run of this.deps.store.runs()) {
      if (run.serverId === item.serverId && run.impute?.jobId === item.jobId && !run.keepCopies && run.copies.some((copies) => !copies.deleted)) {
        this.track(this.cleanupIfDone(run));
      }
    }
  }

  // ---- fix and impute -------------------------------------------------------------------------

  private async runImpute(run: RunRecord, signal: AbortSignal): Promise<void> {
    const options = run.impute!.options;
    try {
      const fields = await this.fieldsOf(run.serverId);
      let files: UploadFile[] = run.sources;
      const fixes = options.alleles || options.dropMismatches || options.dropAmbiguous;
      if (fixes) {
        const spec = await fixSpec(
          run.excludedPath,
          options,
          run.report?.liftOver !== null && run.report?.liftOver !== undefined,
          copyHeaderLine('fix', this.now()),
        );
        files = await this.writeCopies(run, 'corrected', spec, 'impute-rewriting', signal);
      } else if (options.slim) {
        const reusable = run.copies.find((copies) => copies.purpose === 'slim' && copies.specKey === 'slim-gt');
        files =
          reusable && (await copiesIntact(reusable))
            ? reusable.files
            : await this.writeCopies(run, 'slim', { kind: 'slim-gt', headerLine: copyHeaderLine('slim', this.now()) }, 'impute-rewriting', signal);
      }
      if (signal.aborted) throw new RewriteCanceled();
      const typed = this.typedPasswords.get(run.id);
      const lostTyped = run.passwordMode === 'typed' && !typed;
      const view = this.deps.uploads.start({
        serverId: run.serverId,
        appId: run.appId,
        files,
        fields: run.kind === 'check' ? imputationValues(fields, run.values) : run.values,
        checkboxes: run.checkboxes,
        jobName: run.jobName,
        password: typed ? { mode: 'typed', value: typed } : { mode: 'generate' },
      });
      this.uploadsSeen.set(view.id, view);
      this.update(run, {
        phase: 'impute-uploading',
        impute: { ...run.impute!, uploadId: view.id },
        notice: lostTyped ? 'The password you typed was not kept after the app restarted: a strong one was generated and is kept in the keychain.' : run.notice,
      });
      this.onUpload(view);
    } catch (error) {
      this.failed(run, error, 'impute');
    } finally {
      this.end(run, signal);
    }
  }

  /** Writes copies of the run's files with `spec` into their folder; answers them as files to upload. */
  private async writeCopies(
    run: RunRecord,
    purpose: 'slim' | 'corrected',
    spec: TransformSpec,
    phase: 'check-rewriting' | 'impute-rewriting',
    signal: AbortSignal,
  ): Promise<UploadFile[]> {
    const server = this.server(run.serverId);
    const folder =
      purpose === 'corrected' && run.checkJobId
        ? correctedFolder(server.downloadDir, run.checkJobId, `${run.jobName || 'Files'} (QC check)`)
        : slimFolder(server.downloadDir, run.jobName || 'job', this.now());
    const sources = run.sources.map((file) => ({ path: file.path, name: file.name, size: file.size }));
    this.update(run, { phase });
    this.setRewrite(run, {
      purpose,
      fileName: sources[0]?.name ?? '',
      fileIndex: 0,
      fileCount: sources.length,
      bytesDone: 0,
      bytesTotal: 0,
      rate: 0,
      etaSeconds: null,
    });
    try {
      for (const source of run.sources) await assertUnchanged(source);
      const written = await writeCopies({
        sources,
        folder,
        spec,
        changeLog: purpose === 'corrected',
        signal,
        workers: this.deps.workers,
        freeSpace: this.deps.freeSpace,
        onProgress: (progress) =>
          this.setRewrite(run, {
            purpose,
            fileName: progress.fileName,
            fileIndex: progress.fileIndex,
            fileCount: sources.length,
            bytesDone: progress.bytesDone,
            bytesTotal: progress.bytesTotal,
            rate: progress.rate,
            etaSeconds: progress.etaSeconds,
          }),
      });
      const copies: CopySet = {
        purpose,
        folder,
        files: written.files,
        changeLog: written.changeLog,
        specKey: spec.kind === 'slim-gt' ? 'slim-gt' : `edits:${randomUUID()}`,
        deleted: false,
      };
      const others = run.copies.filter((existing) => existing.folder !== folder);
      const counts = written.counts;
      this.update(run, {
        copies: [...others, copies],
        ...(spec.kind === 'site-edits' && run.impute
          ? {
              impute: {
                ...run.impute,
                changes: {
                  swapped: counts.swap ?? 0,
                  flipped: counts.flip ?? 0,
                  flippedAndSwapped: counts['flip-swap'] ?? 0,
                  droppedMismatches: counts.drop ?? 0,
                  droppedAmbiguous: counts['drop-ambiguous'] ?? 0,
                  notFound: written.notFound,
                },
              },
            }
          : {}),
      });
      return written.files;
    } finally {
      this.setRewrite(run, null);
    }
  }

  // ---- clean-up -------------------------------------------------------------------------------

  /** Copies go once their job has succeeded and its results (every chr_*.zip) are downloaded, unless kept. */
  private async cleanupIfDone(run: RunRecord): Promise<void> {
    const jobId = run.impute?.jobId;
    if (!jobId || run.keepCopies || !run.copies.some((copies) => !copies.deleted)) return;
    let detail: JobDetail;
    try {
      detail = await this.deps.jobs.get(run.serverId, jobId);
    } catch {
      return; // asked again at the next download event or start
    }
    if (!isSuccess(detail.state)) return;
    const results = detail.files.filter((file) => /(^|\/)chr_[^/]+\.zip$/.test(file.name)).map((file) => file.name);
    if (results.length === 0) return;
    const items = this.deps.downloads.list().items.filter((item) => item.serverId === run.serverId && item.jobId === jobId && item.state === 'completed');
    if (!results.every((name) => items.some((item) => item.name === name))) return;
    if (run.keepCopies) return;
    // a run dismissed earlier was kept only for this
    await this.deleteAllCopies(run, run.dismissed ? undefined : "The copies were deleted: the job's results are downloaded.");
    if (run.dismissed) this.deps.store.remove(run.id);
  }

  /** Deletes the copies, then says so in one step: the flags and the notice change together. */
  private async deleteAllCopies(run: RunRecord, notice?: string): Promise<void> {
    const pending = run.copies.filter((copies) => !copies.deleted);
    for (const copies of pending) {
      await deleteCopies(copies).catch((error: unknown) => this.deps.log.warn(`could not delete copies in ${copies.folder}: ${String(error)}`));
    }
    for (const copies of pending) copies.deleted = true;
    if (notice) this.update(run, { notice });
    await this.deps.store.save();
  }

  /** Copies of an attempt cut short by a restart (never uploaded) are not worth keeping. */
  private async cleanupUnsent(run: RunRecord): Promise<void> {
    const used = new Set<string>();
    for (const copies of run.copies) if (copies.purpose === 'slim' && run.checkJobId) used.add(copies.folder);
    for (const copies of run.copies) if (!copies.deleted && !used.has(copies.folder) && !run.keepCopies) await deleteCopies(copies).catch(() => undefined);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** What cancel stops until the run hands over to the upload queue or the server. */
  private begin(run: RunRecord): AbortSignal {
    const abort = new AbortController();
    this.activity.set(run.id, { abort });
    return abort.signal;
  }

  private end(run: RunRecord, signal: AbortSignal): void {
    if (this.activity.get(run.id)?.abort.signal === signal) this.activity.delete(run.id);
  }

  private failed(run: RunRecord, error: unknown, stage: 'check' | 'impute'): void {
    if (error instanceof RewriteCanceled) {
      this.update(run, {
        phase: stage === 'impute' && run.kind === 'check' ? 'report' : 'canceled',
        notice: 'Writing the copies was canceled; nothing was uploaded and no copy was left behind.',
      });
      return;
    }
    const code = error instanceof AppError ? error.code : error instanceof RewriteInputError ? 'file-refused' : 'internal';
    const message = error instanceof Error ? error.message : String(error);
    if (code === 'internal') this.deps.log.error(`${stage === 'check' ? 'The check' : 'Fix and impute'} failed`, error);
    this.update(run, { phase: stage === 'impute' && run.kind === 'check' ? 'report' : 'failed', error: { code, message } });
  }

  private async fieldsOf(serverId: string): Promise<FormField[]> {
    return this.deps.newJob.fieldsOf(serverId) ?? (await this.deps.newJob.form(serverId)).fields;
  }

  private server(serverId: string): ServerView {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    return server;
  }

  private run(id: string): RunRecord {
    const run = this.deps.store.get(id);
    if (!run || run.dismissed) throw new AppError('not-found', 'That check is no longer known.');
    return run;
  }

  private setRewrite(run: RunRecord, rewrite: QcRunView['rewrite']): void {
    if (rewrite) this.rewrites.set(run.id, rewrite);
    else this.rewrites.delete(run.id);
    this.emit(run);
  }

  private update(run: RunRecord, change: Partial<RunRecord>): void {
    Object.assign(run, change);
    void this.deps.store.save();
    this.emit(run);
  }

  private emit(run: RunRecord): void {
    if (!run.dismissed) this.deps.events.emit('qc:changed', this.view(run));
  }

  private view(run: RunRecord): QcRunView {
    const server = this.deps.servers.list().find((candidate) => candidate.id === run.serverId);
    const uploadId = run.phase === 'impute-uploading' || run.phase === 'submitted' ? run.impute?.uploadId : run.checkUploadId;
    return toView(run, {
      serverLabel: server?.label ?? 'a removed server',
      rewrite: this.rewrites.get(run.id) ?? null,
      upload: uploadId ? (this.uploadsSeen.get(uploadId) ?? null) : null,
    });
  }

  private track(work: Promise<unknown>): void {
    const tracked = work
      .catch((error: unknown) => this.deps.log.error('unexpected failure in the QC service', error))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }
}
