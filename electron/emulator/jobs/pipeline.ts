import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { scanVcfFile, validateInput } from '../../services/vcf/index';
import type { SubmitOptions, ValidationLimits, VcfFileSummary } from '../../services/vcf/index';
import { panelQcFilter } from '../apps';
import type { FlavourProfile } from '../apps';
import type { Build } from '../panel/panel-model';
import {
  exportedMessage,
  JOB_CANCELED,
  JOB_FAILED,
  NO_VCF_GZ,
  PHASING_ENGINES,
  PHASING_OPTIONS,
  PIPELINE_CANCELED,
  PIPELINE_FAILED,
  populationNotSupported,
  progressBar,
  STATUS_KILLED,
  STATUS_RUNNING,
} from './messages';
import { JobState, STEP_NAMES } from './model';
import type { Job, LogMessage } from './model';
import { writeChromosomeZip, writeQcFiles, writeQcHtml } from './outputs';
import { qcReport } from './qc-report';
import type { QcReport } from './qc-report';
import { qcOfFiles, qcOfSummaries } from './qc-run';
import type { QcOutcome, QcSettings } from './site-qc';
import { OUTPUT_CELL_BUDGET } from './dose-output';

/** Emulator-clock durations of the simulated pipeline (tests speed the clock up). */
export const PIPELINE_TIMINGS = {
  /** main.nf refusing to start (bad phasing option, no .vcf.gz). */
  startFailureMs: 5_000,
  validationMs: 20_000,
  qcMs: 40_000,
  phasingPerChunkMs: 15_000,
  imputationPerChunkMs: 20_000,
  compressionPerChromosomeMs: 10_000,
  exportMs: 10_000,
};

/** The pipeline's phasing window (params.phasing.window). */
const PHASING_WINDOW = 5_000_000;

export interface PipelineHost {
  profile: FlavourProfile;
  limits: ValidationLimits;
  now(): number;
  /** Process due events (called after async work such as a scan finished). */
  kick(): void;
  /** The job reached a final state at `at`; the export registers what is in its output folder. */
  finish(job: Job, state: number, at: number): void;
  /** Mail address the server "sent" the password to, or null when mail is off. */
  notificationMail(job: Job): string | null;
  /** True while seeded jobs catch up to the present (the schedule must not drift then). */
  catchingUp?(): boolean;
}

type Phase = 'start-failure' | 'validation' | 'qc' | 'phasing' | 'imputation' | 'compression' | 'exporting' | 'finishing' | 'over';

const STEP = { validation: 0, qc: 1, imputation: 2, summary: 3 } as const;

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The summary's chromosomes in sorted file-name order (InputValidationCommand sorts the files): 1 10 11 ... 2 20. */
function fileOrderChromosomes(summary: string, files: VcfFileSummary[]): string {
  const chromosomes = [...files]
    .filter((f) => !f.fatal && f.name.endsWith('.vcf.gz'))
    .sort((a, b) => byName(a.name, b.name))
    .map((f) => f.chromosomes[0] ?? '');
  return summary.replace(/^Chromosomes: .*$/m, `Chromosomes: ${chromosomes.join(' ')}`);
}

/** One running job: the four steps of imputationserver2 advanced by the emulator clock. */
export class PipelineRun {
  nextEventAt = Number.POSITIVE_INFINITY;
  private phase: Phase = 'validation';
  private readonly abort = new AbortController();
  private summaries: VcfFileSummary[] = [];
  private statusMessage: LogMessage | null = null;
  private progressMessage: LogMessage | null = null;
  private done = 0;
  private total = 0;
  private chunks = 0;
  private label = '';
  private startFailure = '';
  private qc: QcOutcome | null = null;
  private report: QcReport | null = null;
  private pendingState: number = JobState.SUCCESS;
  private pending: Promise<void> = Promise.resolve();
  private readonly zips: Promise<void>[] = [];
  private zipError: unknown = null;

  constructor(
    private readonly job: Job,
    private readonly host: PipelineHost,
    /** Pre-made scan results (demo seed); otherwise the uploaded files are scanned for real. */
    private readonly presetSummaries: VcfFileSummary[] | null = null,
  ) {}

  private get outputDir(): string {
    return join(this.job.workspace, 'output');
  }

  private submitOptions(): SubmitOptions {
    const p = this.job.params;
    return {
      build: p.build,
      phasing: p.phasing,
      refpanelId: p.panel?.id ?? p.refpanel,
      refpanelBuild: p.panel?.build ?? 'hg19',
      population: p.population,
      mode: p.mode,
      r2Filter: p.r2Filter,
    };
  }

  private add(step: number, type: LogMessage['type'], text: string, at: number): LogMessage {
    const message: LogMessage = { type, text, time: at };
    this.job.steps[step].messages.push(message);
    return message;
  }

  /**
   * Wait for async work, then fire no earlier than `plannedAt`, and not in the past: later steps
   * start from when the work really ended. While the demo seed catches up, the plan is kept exactly.
   */
  private waitFor(work: Promise<void>, plannedAt: number): void {
    this.nextEventAt = Number.POSITIVE_INFINITY;
    this.pending = work.then(
      () => {
        if (this.phase === 'over') return;
        this.nextEventAt = this.host.catchingUp?.() ? plannedAt : Math.max(plannedAt, this.host.now());
        this.host.kick();
      },
      (error: unknown) => {
        if (this.phase === 'over') return;
        this.job.log.push(`internal error: ${String(error)}`);
        this.phase = 'finishing';
        this.pendingState = JobState.FAILED;
        this.nextEventAt = this.host.catchingUp?.() ? plannedAt : Math.max(plannedAt, this.host.now());
        this.host.kick();
      },
    );
  }

  private vcfInputs(): string[] {
    return this.job.inputFiles.filter((f) => f.endsWith('.vcf.gz')).sort((a, b) => byName(basename(a), basename(b)));
  }

  start(at: number): void {
    const job = this.job;
    job.state = JobState.RUNNING;
    job.startTime = at;
    job.steps = STEP_NAMES.map((name) => ({ id: 0, name, messages: [] }));
    job.log.push(`Job started at ${new Date(at).toISOString()}`);
    // main.nf checks the phasing engine, then that *.vcf.gz files exist, before any process runs.
    if (!PHASING_ENGINES.includes(job.params.phasing)) this.startFailure = PHASING_OPTIONS;
    else if (!this.presetSummaries && this.vcfInputs().length === 0) this.startFailure = NO_VCF_GZ;
    if (this.startFailure) {
      this.phase = 'start-failure';
      this.nextEventAt = at + PIPELINE_TIMINGS.startFailureMs;
      return;
    }
    this.statusMessage = this.add(STEP.validation, 3, STATUS_RUNNING, at);
    if (this.presetSummaries) {
      this.summaries = this.presetSummaries;
      this.nextEventAt = at + PIPELINE_TIMINGS.validationMs;
      return;
    }
    this.waitFor(this.scan(), at + PIPELINE_TIMINGS.validationMs);
  }

  get over(): boolean {
    return this.phase === 'over';
  }

  /** Async work (a scan, QC, a zip) the next event waits for, if any. */
  get awaiting(): Promise<void> | null {
    return this.phase !== 'over' && !Number.isFinite(this.nextEventAt) ? this.pending : null;
  }

  /** Seeding: run to the end (or until `stopAt`) without the clock, awaiting async work. */
  async runOffline(stopAt = Number.POSITIVE_INFINITY): Promise<void> {
    while (this.phase !== 'over') {
      if (Number.isFinite(this.nextEventAt)) {
        if (this.nextEventAt > stopAt) return;
        this.fire(this.nextEventAt);
      } else {
        await this.pending;
      }
    }
  }

  private async scan(): Promise<void> {
    const summaries: VcfFileSummary[] = [];
    for (const file of this.vcfInputs()) summaries.push(await scanVcfFile(file, { signal: this.abort.signal }));
    this.summaries = summaries;
  }

  fire(at: number): void {
    switch (this.phase) {
      case 'start-failure':
        return this.failAtStart(at);
      case 'validation':
        return this.finishValidation(at);
      case 'qc':
        return this.finishQc(at);
      case 'phasing':
      case 'imputation':
      case 'compression':
        return this.progress(at);
      case 'exporting':
        return this.complete(at);
      case 'finishing':
        return this.complete(at);
      case 'over':
        this.nextEventAt = Number.POSITIVE_INFINITY;
    }
  }

  private endStatus(): void {
    if (this.statusMessage) this.statusMessage.text = ''; // a finished status view renders empty (hidden)
    this.statusMessage = null;
  }

  /** Cloudgene's failure lines in the last step (NextflowStep#run, main.nf onComplete), then the end. */
  private fail(at: number, reason: string | null = null): void {
    this.add(STEP.summary, 1, PIPELINE_FAILED, at);
    if (reason) this.add(STEP.summary, 1, reason, at);
    this.add(STEP.summary, 1, JOB_FAILED, at);
    this.phase = 'finishing';
    this.pendingState = JobState.FAILED;
    this.complete(at);
  }

  private failAtStart(at: number): void {
    this.fail(at, this.startFailure);
  }

  private finishValidation(at: number): void {
    this.endStatus();
    const p = this.job.params;
    const panel = p.panel;
    if (panel && !panel.populations.some((pop) => pop.id.toLowerCase() === p.population.toLowerCase())) {
      this.add(
        STEP.validation,
        1,
        populationNotSupported(
          p.population,
          panel.id,
          panel.populations.map((x) => x.id),
        ),
        at,
      );
      return this.fail(at);
    }
    const outcome = validateInput(this.summaries, this.submitOptions(), this.host.limits);
    for (const m of outcome.messages) this.add(STEP.validation, m.type, outcome.ok ? fileOrderChromosomes(m.text, this.summaries) : m.text, at);
    if (!outcome.ok) return this.fail(at);
    this.phase = 'qc';
    this.statusMessage = this.add(STEP.qc, 3, STATUS_RUNNING, at);
    this.waitFor(this.runQc(), at + PIPELINE_TIMINGS.qcMs);
  }

  private qcSettings(): QcSettings & { policy: ReturnType<typeof panelQcFilter> } {
    const p = this.job.params;
    const policy = panelQcFilter(p.panel!);
    return {
      uploadBuild: (p.build === 'hg38' ? 'hg38' : 'hg19') as Build,
      panelBuild: p.panel!.build,
      chunkSize: this.host.limits.chunkSizeBp,
      phasingWindow: PHASING_WINDOW,
      minSnps: policy.minSnps,
      overlap: policy.overlap,
      sampleCallrate: policy.sampleCallrate,
      keepTypedPerChromosome: Math.max(1, Math.floor(OUTPUT_CELL_BUDGET / Math.max(1, this.summaries[0]?.samples ?? 1))),
      policy,
    };
  }

  /** The QC process: statistics, then its files are published whether it passed or not. */
  private async runQc(): Promise<void> {
    const p = this.job.params;
    const settings = this.qcSettings();
    const qc = this.presetSummaries ? qcOfSummaries(this.summaries, settings, this.job.id) : await qcOfFiles(this.vcfInputs(), settings, this.abort.signal);
    const population = p.panel!.populations.find((x) => x.id.toLowerCase() === p.population.toLowerCase());
    const report = qcReport(
      { uploadBuild: settings.uploadBuild, panelBuild: settings.panelBuild, skipFrequencyCheck: !population || population.samples <= 0 },
      qc.counts,
      qc.chunks,
      settings.policy,
    );
    if (this.abort.signal.aborted) return;
    await mkdir(this.outputDir, { recursive: true });
    await writeQcFiles(this.outputDir, {
      report: report.raw,
      excludedRows: qc.excludedRows,
      typedOnlyRows: qc.typedOnlyRows,
      chunkRows: qc.chunkRows,
      liftOverRows: settings.uploadBuild !== settings.panelBuild ? qc.liftOverRows : null,
    });
    if (!report.failed)
      await writeQcHtml(
        this.outputDir,
        report.messages.map((m) => m.text),
      );
    this.qc = qc;
    this.report = report;
  }

  private finishQc(at: number): void {
    this.endStatus();
    const p = this.job.params;
    const report = this.report!;
    for (const m of report.messages) this.add(STEP.qc, m.type, m.text, at);
    if (report.failed) return this.fail(at);
    this.add(STEP.qc, 0, 'Quality Control Report', at);
    this.chunks = report.remainingChunks;
    if (p.mode !== 'imputation') return this.beginExport(at);
    if (p.phasing !== 'no_phasing' && !this.summaries.every((s) => s.phased)) {
      this.beginProgress('phasing', p.phasing === 'beagle' ? 'Phasing with Beagle' : 'Phasing with Eagle', this.chunks, STEP.imputation, at);
    } else {
      this.beginProgress('imputation', 'Imputation', this.chunks, STEP.imputation, at);
    }
  }

  private beginProgress(phase: 'phasing' | 'imputation' | 'compression', label: string, total: number, step: number, at: number): void {
    this.phase = phase;
    this.label = label;
    this.done = 0;
    this.total = Math.max(1, total);
    this.progressMessage = this.add(step, 3, progressBar(label, 0, this.total), at);
    this.nextUnit(at);
  }

  private unitMs(): number {
    if (this.phase === 'phasing') return PIPELINE_TIMINGS.phasingPerChunkMs;
    if (this.phase === 'imputation') return PIPELINE_TIMINGS.imputationPerChunkMs;
    return PIPELINE_TIMINGS.compressionPerChromosomeMs;
  }

  /** Schedules the next unit; a compression unit starts writing that chromosome's zip (the export waits for it). */
  private nextUnit(at: number): void {
    this.nextEventAt = at + this.unitMs();
    const chromosome = this.phase === 'compression' ? this.qc!.chromosomes[this.done] : undefined;
    if (chromosome !== undefined) {
      this.zips.push(
        this.writeZip(chromosome).catch((error: unknown) => {
          this.zipError ??= error;
        }),
      );
    }
  }

  private writeZip(chromosome: string): Promise<void> {
    const p = this.job.params;
    const qc = this.qc!;
    return writeChromosomeZip(
      this.outputDir,
      {
        jobId: this.job.id,
        chromosome,
        build: p.panel!.build,
        sampleIds: qc.sampleIds,
        typed: qc.typed.get(chromosome) ?? [],
        panelId: p.panel!.id,
        pipelineVersion: this.host.profile.pipelineVersion,
        phasing: p.phasing,
        meta: p.meta,
        minR2: Number(p.r2Filter) || 0,
        date: this.job.startTime,
        password: p.password,
        aes: p.aesEncryption,
      },
      this.abort.signal,
    );
  }

  private progress(at: number): void {
    this.done++;
    const message = this.progressMessage!;
    message.text = progressBar(this.label, this.done, this.total);
    if (this.done < this.total) return this.nextUnit(at);
    message.type = 0;
    this.progressMessage = null;
    if (this.phase === 'phasing') return this.beginProgress('imputation', 'Imputation', this.chunks, STEP.imputation, at);
    if (this.phase === 'imputation') return this.beginProgress('compression', 'Compression and Encryption', this.qc!.chromosomes.length, STEP.summary, at);
    this.beginExport(at);
  }

  /** main.nf onComplete prints the export line (also in QC-only mode), then Cloudgene exports. */
  private beginExport(at: number): void {
    const mail = this.host.notificationMail(this.job);
    this.add(STEP.summary, 0, exportedMessage(mail, this.job.params.password), at);
    this.phase = 'exporting';
    this.job.state = JobState.EXPORTING;
    this.pendingState = JobState.SUCCESS;
    this.waitFor(
      Promise.all(this.zips).then(() => {
        if (this.zipError) throw this.zipError;
      }),
      at + PIPELINE_TIMINGS.exportMs,
    );
  }

  private complete(at: number): void {
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.nextEventAt = Number.POSITIVE_INFINITY;
    this.host.finish(this.job, this.pendingState, at);
  }

  /** User cancel while running or exporting: killed processes, then state 6. */
  cancel(at: number): void {
    if (this.phase === 'over') return;
    this.abort.abort();
    if (this.statusMessage) {
      this.statusMessage.text = STATUS_KILLED;
      this.statusMessage.type = 1;
    }
    if (this.progressMessage) this.progressMessage.type = this.done > 0 ? 0 : 1;
    this.add(STEP.summary, 1, PIPELINE_CANCELED, at);
    this.add(STEP.summary, 1, JOB_CANCELED, at);
    this.phase = 'over';
    this.nextEventAt = Number.POSITIVE_INFINITY;
  }

  /** Server restart: the run is lost (the job becomes DEAD). */
  discard(): void {
    this.abort.abort();
    this.phase = 'over';
    this.nextEventAt = Number.POSITIVE_INFINITY;
  }
}
