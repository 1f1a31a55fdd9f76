import { basename } from 'node:path';
import { chunkQualityControl, scanVcfFile, validateInput } from '../../services/vcf/index';
import type { SubmitOptions, ValidationLimits, VcfFileSummary } from '../../services/vcf/index';
import type { FlavourProfile } from '../apps';
import { seededRandom } from '../random';
import { exportedMessage, excludedSitesMessage, populationNotSupported, progressBar, statisticsMessage, STATUS_KILLED, STATUS_RUNNING } from './messages';
import type { QcNumbers } from './messages';
import { JobState, STEP_NAMES } from './model';
import type { Job, LogMessage } from './model';
import { writeResults } from './outputs';
import type { WrittenFile } from './outputs';

/** Emulator-clock durations of the simulated pipeline (tests speed the clock up). */
export const PIPELINE_TIMINGS = {
  validationMs: 20_000,
  qcMs: 40_000,
  phasingPerChunkMs: 15_000,
  imputationPerChunkMs: 20_000,
  compressionPerChromosomeMs: 10_000,
  exportMs: 10_000,
};

export interface PipelineHost {
  profile: FlavourProfile;
  limits: ValidationLimits;
  now(): number;
  /** Process due events (called after async work such as a scan finished). */
  kick(): void;
  /** The job reached a final state at `at` with these output files. */
  finish(job: Job, state: number, at: number, files: WrittenFile[]): void;
  /** Mail address the server "sent" the password to, or null when mail is off. */
  notificationMail(job: Job): string | null;
}

type Phase = 'validation' | 'qc' | 'phasing' | 'imputation' | 'compression' | 'exporting' | 'finishing' | 'over';

const STEP = { validation: 0, qc: 1, imputation: 2, summary: 3 } as const;

const stripChr = (c: string): string => c.replace(/^chr/i, '');
function chromosomeOrder(a: string, b: string): number {
  const n = (c: string) => (/^\d+$/.test(c) ? Number(c) : c === 'X' ? 23 : c === 'Y' ? 24 : 25);
  return n(a) - n(b) || a.localeCompare(b);
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
  private chromosomes: string[] = [];
  private qc: QcNumbers | null = null;
  private qcText = '';
  private excludedChunkLines: string[] = [];
  private pendingState: number = JobState.SUCCESS;
  private pendingFiles: WrittenFile[] = [];
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: Job,
    private readonly host: PipelineHost,
    /** Pre-made scan results (demo seed); otherwise the uploaded files are scanned for real. */
    private readonly presetSummaries: VcfFileSummary[] | null = null,
  ) {}

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

  /** Wait for async work, then fire no earlier than `plannedAt`. */
  private waitFor(work: Promise<void>, plannedAt: number): void {
    this.nextEventAt = Number.POSITIVE_INFINITY;
    this.pending = work.then(
      () => {
        if (this.phase === 'over') return;
        this.nextEventAt = Math.max(plannedAt, this.host.now());
        this.host.kick();
      },
      (error: unknown) => {
        if (this.phase === 'over') return;
        this.job.log.push(`internal error: ${String(error)}`);
        this.phase = 'finishing';
        this.pendingState = JobState.FAILED;
        this.pendingFiles = [];
        this.nextEventAt = Math.max(plannedAt, this.host.now());
        this.host.kick();
      },
    );
  }

  start(at: number): void {
    const job = this.job;
    job.state = JobState.RUNNING;
    job.startTime = at;
    job.steps = STEP_NAMES.map((name) => ({ id: 0, name, messages: [] }));
    job.log.push(`Job started at ${new Date(at).toISOString()}`);
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
    const files = this.job.inputFiles.filter((f) => f.endsWith('.vcf.gz')).sort((a, b) => basename(a).localeCompare(basename(b)));
    const summaries: VcfFileSummary[] = [];
    for (const file of files) summaries.push(await scanVcfFile(file, { signal: this.abort.signal }));
    this.summaries = summaries;
  }

  fire(at: number): void {
    switch (this.phase) {
      case 'validation':
        return this.finishValidation(at);
      case 'qc':
        return this.finishQc(at);
      case 'phasing':
      case 'imputation':
      case 'compression':
        return this.progress(at);
      case 'exporting':
        return this.finishExport(at);
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

  private fail(at: number, files: Promise<WrittenFile[]> | null = null): void {
    const summary = STEP.summary;
    this.add(summary, 1, 'Pipeline execution failed.', at);
    this.add(summary, 1, 'Imputation job failed.', at);
    this.phase = 'finishing';
    this.pendingState = JobState.FAILED;
    if (!files) {
      this.nextEventAt = at;
      this.complete(at);
      return;
    }
    this.waitFor(
      files.then((f) => {
        this.pendingFiles = f;
      }),
      at,
    );
  }

  private finishValidation(at: number): void {
    this.endStatus();
    const p = this.job.params;
    const vcfFiles = this.job.inputFiles.filter((f) => f.endsWith('.vcf.gz'));
    if (!this.presetSummaries && vcfFiles.length === 0) {
      this.add(STEP.validation, 1, 'No vcf.gz input files detected.', at);
      return this.fail(at);
    }
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
    for (const m of outcome.messages) this.add(STEP.validation, m.type, m.text, at);
    if (!outcome.ok) return this.fail(at);
    const chunkSize = String(this.host.limits.chunkSizeBp);
    this.chunks = this.summaries.reduce((n, s) => n + (s.chunkSets?.[chunkSize] ?? s.chunks).length, 0);
    this.chromosomes = [...new Set(this.summaries.flatMap((s) => s.chromosomes.map(stripChr)))].sort(chromosomeOrder);
    this.phase = 'qc';
    this.statusMessage = this.add(STEP.qc, 3, STATUS_RUNNING, at);
    this.nextEventAt = at + PIPELINE_TIMINGS.qcMs;
  }

  private finishQc(at: number): void {
    this.endStatus();
    const p = this.job.params;
    const panel = p.panel;
    if (panel && p.build !== panel.build) {
      this.add(STEP.qc, 2, `Uploaded data is ${p.build} and reference is ${panel.build}.`, at);
      this.add(STEP.qc, 0, 'Lift Over', at);
    }
    const population = panel?.populations.find((x) => x.id.toLowerCase() === p.population.toLowerCase());
    if (!population || population.samples <= 0) this.add(STEP.qc, 2, 'Skip allele frequency check.', at);
    this.add(STEP.qc, 0, 'Calculating QC Statistics', at);

    const variants = this.summaries.reduce((n, s) => n + s.variants, 0);
    const random = seededRandom(this.job.id);
    const monomorphic = Math.floor(variants * 0.002 * random());
    const alleleMismatch = Math.floor(variants * 0.004 * random());
    const excluded = monomorphic + alleleMismatch;
    this.qc = {
      altAfSites: Math.floor(variants * (0.15 + 0.1 * random())),
      overlapPercent: 95 + 4.9 * random(),
      match: variants - excluded,
      monomorphic,
      alleleMismatch,
      excluded,
      typedOnly: Math.floor(variants * 0.01 * random()),
    };
    const stats = statisticsMessage(this.qc);
    this.add(STEP.qc, 0, stats, at);

    const chunkQc = chunkQualityControl(this.summaries, this.submitOptions(), this.host.limits);
    const chunkLines = chunkQc.messages.map((m) => m.text);
    const group = excludedSitesMessage(this.qc, chunkLines);
    this.add(STEP.qc, chunkQc.ok ? 2 : 1, group, at);
    this.qcText = `${stats}\n${group}`;
    this.excludedChunkLines = chunkQc.messages.filter((m) => m.type === 2).map((m) => m.text.replace(/<[^>]+>/g, ''));
    if (!chunkQc.ok) return this.fail(at, this.writeFiles(true));
    this.add(STEP.qc, 0, 'Quality Control Report', at);

    const remaining = chunkLines.map((t) => /Remaining chunk\(s\): (\d+)/.exec(t)).find(Boolean);
    this.chunks = remaining && Number(remaining[1]) > 0 ? Number(remaining[1]) : this.chunks;
    if (p.mode !== 'imputation') return this.beginExport(at);
    const phased = this.summaries.length > 0 && this.summaries.every((s) => s.phased);
    if (p.phasing !== 'no_phasing' && !phased) {
      this.beginProgress('phasing', p.phasing === 'beagle' ? 'Phasing with Beagle' : 'Phasing with Eagle', this.chunks, STEP.imputation, at);
    } else {
      this.beginProgress('imputation', 'Imputation', this.chunks, STEP.imputation, at);
    }
  }

  private label = '';

  private beginProgress(phase: 'phasing' | 'imputation' | 'compression', label: string, total: number, step: number, at: number): void {
    this.phase = phase;
    this.label = label;
    this.done = 0;
    this.total = Math.max(1, total);
    this.progressMessage = this.add(step, 3, progressBar(label, 0, this.total), at);
    this.nextEventAt = at + this.unitMs();
  }

  private unitMs(): number {
    if (this.phase === 'phasing') return PIPELINE_TIMINGS.phasingPerChunkMs;
    if (this.phase === 'imputation') return PIPELINE_TIMINGS.imputationPerChunkMs;
    return PIPELINE_TIMINGS.compressionPerChromosomeMs;
  }

  private progress(at: number): void {
    this.done++;
    const message = this.progressMessage!;
    message.text = progressBar(this.label, this.done, this.total);
    if (this.done < this.total) {
      this.nextEventAt = at + this.unitMs();
      return;
    }
    message.type = 0;
    this.progressMessage = null;
    if (this.phase === 'phasing') return this.beginProgress('imputation', 'Imputation', this.chunks, STEP.imputation, at);
    if (this.phase === 'imputation') {
      return this.beginProgress('compression', 'Compression and Encryption', this.chromosomes.length, STEP.summary, at);
    }
    const p = this.job.params;
    const mail = this.host.notificationMail(this.job);
    this.add(STEP.summary, 0, exportedMessage(mail, mail || p.passwordGiven ? null : p.password), at);
    this.beginExport(at);
  }

  private writeFiles(qcFailure: boolean): Promise<WrittenFile[]> {
    const p = this.job.params;
    return writeResults(
      `${this.job.workspace}/output`,
      {
        jobId: this.job.id,
        chromosomes: this.chromosomes,
        build: p.panel?.build ?? p.build,
        sampleIds: this.summaries[0]?.sampleIds ?? [],
        password: p.password,
        aes: p.aesEncryption,
        meta: p.meta,
        imputation: p.mode === 'imputation',
        qcReport: this.qcText,
        excludedSnps: Math.min(this.qc?.excluded ?? 0, 2000),
        excludedChunks: this.excludedChunkLines,
        typedOnly: this.qc?.typedOnly ?? 0,
      },
      qcFailure,
    );
  }

  private beginExport(at: number): void {
    this.phase = 'exporting';
    this.job.state = JobState.EXPORTING;
    this.waitFor(
      this.writeFiles(false).then((f) => {
        this.pendingFiles = f;
      }),
      at + PIPELINE_TIMINGS.exportMs,
    );
  }

  private finishExport(at: number): void {
    this.pendingState = JobState.SUCCESS;
    this.complete(at);
  }

  private complete(at: number): void {
    if (this.phase === 'over') return;
    this.phase = 'over';
    this.nextEventAt = Number.POSITIVE_INFINITY;
    this.host.finish(this.job, this.pendingState, at, this.pendingFiles);
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
    this.add(STEP.summary, 1, 'Pipeline execution canceled.', at);
    this.add(STEP.summary, 1, 'Imputation job canceled.', at);
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
