// Results insight for one job at a time: what is on disk, the quality summary (read on worker
// threads, cached per job), the QC files, the filtered export, the methods record and the
// download commands. The job's password never comes here: unpacking stays with DownloadsService.
import { readdir, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AppError,
  type DownloadItem,
  type EventSink,
  type ExportOptions,
  type ExportPlan,
  type ExportResult,
  type FileStamp,
  type MethodsRecord,
  type QualitySummary,
  type ResultsOverview,
  type ResultsQc,
} from '../../ipc/contract';
import type { Job } from '../cloudgene/schemas';
import { CloudgeneError } from '../cloudgene/errors';
import { fileMd5 } from '../downloads/md5';
import { jobFolderName } from '../downloads/safe-path';
import { factsOf, filesOf, qcStatisticsOf } from '../jobs/job-view';
import type { JobsService } from '../jobs/jobs-service';
import type { Logger } from '../ports';
import type { ServersService } from '../servers/servers-service';
import { jobDisplayName } from '../../shared/html-text';
import { isSuccess } from '../../shared/job-states';
import { readHeadSync } from './bgzf-lines';
import { downloadCommands } from './download-commands';
import { EXPORT_FOLDER, exportPlan, provenanceLine } from './export-plan';
import type { ExportTaskResult } from './filter-export';
import { summarizeInfoFile } from './info-summary';
import { byChromosome, doseName, infoName, inventory, isFile, type Inventory } from './job-results';
import { buildMethodsRecord, METHODS_FILE, methodsParagraph } from './methods-record';
import { combineQualities } from './quality-accumulator';
import { readQc } from './qc-files';
import type { JobSnapshot, ResultsStore } from './results-store';
import type { SubmissionRecords } from './submission-records';
import { ResultsWorkerPool } from './worker-pool';

export interface ResultsServiceDeps {
  servers: ServersService;
  jobs: JobsService;
  /** The download manager's transfers (their folder is the job's folder). */
  downloadItems: () => DownloadItem[];
  events: EventSink;
  log: Logger;
  store: ResultsStore;
  submissions: SubmissionRecords;
  app: { name: string; version: string };
  pool?: ResultsWorkerPool;
  now?: () => number;
}

interface JobContext {
  server: ReturnType<ServersService['list']>[number];
  snapshot: JobSnapshot;
  /** The job as the server answered now; null when the cached copy is used. */
  job: Job | null;
  folder: string;
}

const PROGRESS_EVERY_MS = 150;
const EXTRACTED = /^chr[^/.]+\.(info\.gz|dose\.vcf\.gz|empiricalDose\.vcf\.gz)$/;

export class ResultsService {
  private readonly pool: ResultsWorkerPool;
  private readonly operations = new Map<string, AbortController>();
  private readonly now: () => number;

  constructor(private readonly deps: ResultsServiceDeps) {
    this.pool = deps.pool ?? new ResultsWorkerPool();
    this.now = deps.now ?? Date.now;
  }

  async overview(serverId: string, jobId: string): Promise<ResultsOverview> {
    const context = await this.context(serverId, jobId);
    const inv = await this.inventoryOf(context);
    const [cached, available] = await Promise.all([
      this.deps.store.summary(serverId, jobId),
      this.deps.jobs
        .get(serverId, jobId)
        .then((detail) => detail.password.available)
        .catch(() => false),
    ]);
    const fresh = cached !== null && (await this.stillFits(context.folder, inv, cached));
    return {
      serverId,
      jobId,
      jobName: context.snapshot.name,
      folder: context.folder,
      onServer: isSuccess(context.snapshot.state) && context.snapshot.files.length > 0,
      chromosomes: inv.chromosomes,
      qcFiles: inv.qcFiles,
      notDownloaded: inv.notDownloaded,
      notExtracted: inv.notExtracted,
      passwordAvailable: available,
      summary: fresh ? cached : null,
      summaryStale: cached !== null && !fresh,
    };
  }

  /** Reads every chrN.info.gz of the job (all on the worker pool at once) and caches the result. */
  async summarize(serverId: string, jobId: string, operationId: string): Promise<QualitySummary> {
    const context = await this.context(serverId, jobId);
    const inv = await this.inventoryOf(context);
    const present = inv.chromosomes.filter((row) => row.info);
    if (present.length === 0) {
      throw new AppError('not-found', `No chr*.info.gz file is in ${context.folder} yet. Download and extract the chr_*.zip files first.`);
    }
    const started = this.now();
    const stamps = await this.stamps(
      context.folder,
      present.map((row) => infoName(row.chromosome)),
    );
    return this.operation(operationId, 'summary', stamps, async (signal, progress) => {
      const results = await Promise.all(
        present.map((row) =>
          summarizeInfoFile(this.pool, path.join(context.folder, infoName(row.chromosome)), row.chromosome, {
            signal,
            onProgress: (bytes) => progress(bytes, infoName(row.chromosome)),
          }),
        ),
      );
      const chromosomes = results.map((result) => result.quality);
      const summary: QualitySummary = {
        serverId,
        jobId,
        createdAt: this.now(),
        files: stamps,
        chromosomes,
        overall: combineQualities(chromosomes),
        problems: results.flatMap((result, i) => (result.problem ? [{ file: infoName(present[i].chromosome), message: result.problem }] : [])),
        readMs: this.now() - started,
      };
      await this.deps.store.saveSummary(summary);
      return summary;
    });
  }

  async qc(serverId: string, jobId: string): Promise<ResultsQc> {
    const context = await this.context(serverId, jobId);
    return readQc(context.folder, context.snapshot.qcStatistics);
  }

  async exportPlan(options: ExportOptions): Promise<ExportPlan> {
    const context = await this.context(options.serverId, options.jobId);
    return exportPlan(context.folder, options);
  }

  /** Writes the filtered copies (one task per output file on the worker pool). */
  async export(options: ExportOptions, operationId: string): Promise<ExportResult> {
    const context = await this.context(options.serverId, options.jobId);
    const plan = exportPlan(context.folder, options);
    const missing: string[] = [];
    for (const output of plan.outputs) for (const input of output.inputs) if (!(await isFile(input))) missing.push(path.basename(input));
    if (missing.length > 0) {
      throw new AppError(
        'not-found',
        `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in ${context.folder}. Download and extract the chromosome's chr_*.zip first.`,
      );
    }
    await mkdir(path.join(context.folder, EXPORT_FOLDER), { recursive: true });
    const stamps = await this.stamps(
      context.folder,
      plan.outputs.flatMap((output) => output.inputs.map((input) => path.basename(input))),
    );
    const started = this.now();
    return this.operation(operationId, 'export', stamps, async (signal, progress) => {
      const when = new Date(this.now());
      const results = await Promise.all(
        plan.outputs.map(async (output) => {
          const task = {
            inputs: output.inputs,
            output: output.path,
            minR2: options.minR2,
            minMaf: options.minMaf,
            provenance: provenanceLine(this.deps.app.name, this.deps.app.version, plan.expression, output.inputs, when),
          };
          const answer = await this.pool.run({ kind: 'export', export: task }, (bytes) => progress(bytes, path.basename(output.path)), signal);
          const result = (answer as { result: ExportTaskResult }).result;
          return { path: output.path, records: result.records, kept: result.kept, bytes: result.bytes };
        }),
      );
      return { ...plan, files: results, ms: this.now() - started };
    });
  }

  async methods(serverId: string, jobId: string, operationId: string): Promise<{ record: MethodsRecord; paragraph: string; path: string }> {
    const context = await this.context(serverId, jobId);
    const inv = await this.inventoryOf(context);
    const [qc, submission, cached] = await Promise.all([
      readQc(context.folder, context.snapshot.qcStatistics),
      this.deps.submissions.get(serverId, jobId),
      this.deps.store.summary(serverId, jobId),
    ]);
    const summary = cached && (await this.stillFits(context.folder, inv, cached)) ? cached : null;
    const doseFile = inv.chromosomes.find((row) => row.dose);
    const header = { pipeline: null as string | null, panel: null as string | null };
    if (doseFile) {
      const lines = readHeadSync(path.join(context.folder, doseName(doseFile.chromosome))).lines;
      header.pipeline = lines.find((line) => line.startsWith('##mis_pipeline='))?.slice('##mis_pipeline='.length) ?? null;
      header.panel = lines.find((line) => line.startsWith('##mis_panel='))?.slice('##mis_panel='.length) ?? null;
    }
    // The server's files as downloaded, then what the zips unpacked to.
    const names = [
      ...context.snapshot.files.map((file) => file.name).filter((name) => inv.onDisk.has(name)),
      ...[...inv.onDisk].filter((name) => EXTRACTED.test(name)).sort((a, b) => byChromosome(chromosomeOf(a), chromosomeOf(b)) || a.localeCompare(b)),
    ];
    const unique = [...new Set(names)];
    const stamps = await this.stamps(context.folder, unique);
    return this.operation(operationId, 'methods', stamps, async (signal, progress) => {
      const outputs: MethodsRecord['outputs'] = [];
      for (const stamp of stamps) {
        const digest = await fileMd5(path.join(context.folder, ...stamp.name.split('/')), signal);
        progress(stamp.bytes, stamp.name);
        outputs.push({ name: stamp.name, bytes: stamp.bytes, digest });
      }
      const server = context.server;
      const record = buildMethodsRecord({
        now: new Date(this.now()),
        app: this.deps.app,
        server: { label: server.label, url: server.url, kind: server.kind, name: server.serverName },
        job: {
          id: jobId,
          name: context.snapshot.name,
          application: context.snapshot.application,
          submittedOn: context.snapshot.submittedOn,
          endTime: context.snapshot.endTime,
          facts: context.snapshot.facts,
        },
        submission,
        header,
        qc,
        outputs,
        summary,
      });
      const file = path.join(context.folder, METHODS_FILE);
      await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
      return { record, paragraph: methodsParagraph(record), path: file };
    });
  }

  async downloadCommands(serverId: string, jobId: string): Promise<ReturnType<typeof downloadCommands>> {
    const context = await this.context(serverId, jobId);
    if (!context.job) throw new AppError('network', 'The server does not answer now, and the download links come from it. Try again when it answers.');
    const commands = downloadCommands(
      {
        id: context.job.id,
        name: context.snapshot.name,
        outputParams: context.job.outputParams.map((output) => ({ files: output.files.map((file) => ({ ...file, count: file.count ?? -1 })) })),
      },
      context.server.url,
      serverId,
      new Date(this.now()),
    );
    if (commands.files.length === 0 && commands.exhausted.length === 0) throw new AppError('not-found', 'This job has no result files to download (yet).');
    return commands;
  }

  /** A plot as PNG (base64) or its numbers as CSV, into <folder>/plots/. */
  async saveChart(serverId: string, jobId: string, name: string, format: 'png' | 'csv', data: string): Promise<{ path: string }> {
    const context = await this.context(serverId, jobId);
    const base = name.replace(/\.(png|csv)$/i, '');
    if (!/^[\w.-]+$/.test(base) || base.startsWith('.')) throw new AppError('invalid-request', 'That file name cannot be used.');
    const file = path.join(context.folder, 'plots', `${base}.${format}`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, format === 'png' ? Buffer.from(data, 'base64') : data);
    return { path: file };
  }

  cancel(operationId: string): { canceled: boolean } {
    const controller = this.operations.get(operationId);
    controller?.abort();
    return { canceled: Boolean(controller) };
  }

  /** Waits for submission records still being written (tests, shutdown). */
  idle(): Promise<void> {
    return this.deps.submissions.idle();
  }

  async close(): Promise<void> {
    for (const controller of this.operations.values()) controller.abort();
    await this.deps.submissions.idle();
    await this.pool.close();
  }

  // ---- internals

  /** The job (fresh from the server, else as last seen) and its folder of results. */
  private async context(serverId: string, jobId: string): Promise<JobContext> {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    let job: Job | null = null;
    let snapshot: JobSnapshot | null;
    try {
      job = await this.deps.servers.use(serverId, (client) => client.job(jobId));
      snapshot = {
        rawName: job.name,
        name: jobDisplayName(job.name, job.id),
        application: job.application,
        state: job.state,
        submittedOn: job.submittedOn,
        endTime: job.endTime,
        facts: factsOf(job),
        qcStatistics: qcStatisticsOf(job),
        files: filesOf(job).map((file) => ({ name: file.name, credits: file.credits })),
      };
      await this.deps.store.saveSnapshot(serverId, jobId, snapshot).catch((error: unknown) => this.deps.log.warn(`could not keep job facts: ${String(error)}`));
    } catch (error) {
      // Not found or refused is an answer; a silent server is not: use what was seen last.
      if (!(error instanceof CloudgeneError) || !['network', 'timeout', 'server-error', 'maintenance', 'invalid-response'].includes(error.code)) throw error;
      snapshot = await this.deps.store.snapshot(serverId, jobId);
      if (!snapshot) throw error;
    }
    const item = this.deps.downloadItems().find((candidate) => candidate.serverId === serverId && candidate.jobId === jobId);
    const folder = item?.destDir ?? path.join(server.downloadDir, jobFolderName(jobId, snapshot.rawName));
    return { server, snapshot, job, folder };
  }

  private async inventoryOf(context: JobContext): Promise<Inventory> {
    const local = await readdir(context.folder).catch(() => [] as string[]);
    return inventory(context.folder, context.snapshot.files, local);
  }

  private async stamps(folder: string, names: string[]): Promise<FileStamp[]> {
    return Promise.all(
      names.map(async (name) => {
        const info = await stat(path.join(folder, ...name.split('/')));
        return { name, bytes: info.size, mtimeMs: info.mtimeMs };
      }),
    );
  }

  /** The cached summary covers exactly the info files on disk now, unchanged. */
  private async stillFits(folder: string, inv: Inventory, summary: QualitySummary): Promise<boolean> {
    const names = inv.chromosomes.filter((row) => row.info).map((row) => infoName(row.chromosome));
    if (names.length !== summary.files.length || names.some((name) => !summary.files.some((file) => file.name === name))) return false;
    const now = await this.stamps(folder, names).catch(() => null);
    if (!now) return false;
    return now.every((stamp) => summary.files.some((file) => file.name === stamp.name && file.bytes === stamp.bytes && file.mtimeMs === stamp.mtimeMs));
  }

  /** Runs a long operation under its id: cancel by id, throttled progress events. */
  private async operation<T>(
    operationId: string,
    kind: 'summary' | 'export' | 'methods',
    files: FileStamp[],
    work: (signal: AbortSignal, progress: (bytes: number, file: string) => void) => Promise<T>,
  ): Promise<T> {
    if (this.operations.has(operationId)) throw new AppError('invalid-request', 'That operation is already running.');
    const controller = new AbortController();
    this.operations.set(operationId, controller);
    const totalBytes = files.reduce((sum, file) => sum + file.bytes, 0);
    let doneBytes = 0;
    let lastEmit = 0;
    const emit = (file: string | null) => this.deps.events.emit('results:progress', { operationId, kind, doneBytes, totalBytes, file });
    try {
      emit(null);
      const result = await work(controller.signal, (bytes, file) => {
        doneBytes = Math.min(totalBytes, doneBytes + bytes);
        const now = this.now();
        if (now - lastEmit >= PROGRESS_EVERY_MS) {
          lastEmit = now;
          emit(file);
        }
      });
      doneBytes = totalBytes;
      emit(null);
      return result;
    } catch (error) {
      if (controller.signal.aborted || (error as Error)?.name === 'AbortError') throw new AppError('canceled', 'Canceled.');
      throw error;
    } finally {
      this.operations.delete(operationId);
    }
  }
}

const chromosomeOf = (name: string): string => /^chr([^/.]+)\./.exec(name)?.[1] ?? name;
