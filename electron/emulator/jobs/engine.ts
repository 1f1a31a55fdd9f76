import { rmSync } from 'node:fs';
import { rename, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ValidationLimits, VcfFileSummary } from '../../services/vcf/index';
import type { FlavourProfile } from '../apps';
import type { EmulatorClock } from '../clock';
import { randomFileHash, randomString } from '../random';
import { isLive, JobState } from './model';
import type { Job, JobParams, OutputFile } from './model';
import { PipelineRun } from './pipeline';
import { listOutputFiles } from './outputs';
import type { WrittenFile } from './outputs';

const DAY_MS = 86_400_000;

export interface EngineConfig {
  clock: EmulatorClock;
  profile: FlavourProfile;
  limits: ValidationLimits;
  workers: number;
  downloadCredits: number;
  retention: { notificationAfterDays: number; retireAfterDays: number };
  dataDir: string;
  mail: boolean;
  mailOf(username: string): string;
  log(line: string): void;
}

export interface NewJobInput {
  username: string;
  applicationId: string;
  params: JobParams;
  /** Folder holding the uploaded files (moved into the job workspace). */
  uploadDir: string | null;
  uploadedNames: string[];
  jobName: string | null;
  userAgent: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** `job-YYYYMMDD-HHMMSS-mmm` in local server time (docs/server-behaviour.md#conventions). */
export function formatJobId(ms: number): string {
  const d = new Date(ms);
  return `job-${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}-${pad(d.getMilliseconds(), 3)}`;
}

/** Jobs, the global queue with its worker threads, retention, and the download tables. */
export class JobEngine {
  readonly jobs = new Map<string, Job>();
  /** Live jobs (states 1-3) in queue order. */
  private readonly queue: Job[] = [];
  private readonly runs = new Map<string, PipelineRun>();
  readonly fileByHash = new Map<string, { job: Job; file: OutputFile }>();
  readonly jobByParamHash = new Map<string, Job>();
  private nextDbId = 1000;
  private updating = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private catchingUp = false;

  constructor(private readonly config: EngineConfig) {}

  private get clock(): EmulatorClock {
    return this.config.clock;
  }

  /** Unique even when two submits land in the same millisecond (the id's ms part moves on). */
  newJobId(at: number): string {
    let ms = at;
    while (this.jobs.has(formatJobId(ms))) ms++;
    return formatJobId(ms);
  }

  private workspaceOf(id: string): string {
    return join(this.config.dataDir, 'workspace', id);
  }

  /** Builds a job object (not yet queued). */
  makeJob(id: string, username: string, applicationId: string, params: JobParams, submittedOn: number, name?: string, userAgent = ''): Job {
    const job: Job = {
      id,
      name: name ?? id,
      applicationId,
      application: `${this.config.profile.appName} ${this.config.profile.appVersion}`,
      username,
      state: JobState.WAITING,
      positionInQueue: -1,
      submittedOn,
      startTime: 0,
      endTime: 0,
      deletedOn: -1,
      userAgent: userAgent.slice(0, 350),
      params,
      inputFiles: [],
      workspace: this.workspaceOf(id),
      steps: [],
      output: { id: 0, hash: randomString(40), files: [], exported: false },
      persisted: false,
      log: [],
      filesDeleted: false,
    };
    this.jobs.set(id, job);
    this.jobByParamHash.set(job.output.hash, job);
    return job;
  }

  async submit(input: NewJobInput): Promise<Job> {
    const now = this.clock.now();
    this.update(now);
    const id = this.newJobId(now);
    const job = this.makeJob(id, input.username, input.applicationId, input.params, now, input.jobName ?? undefined, input.userAgent);
    const inputDir = join(job.workspace, 'input', 'files');
    await mkdir(join(job.workspace, 'input'), { recursive: true });
    if (input.uploadDir) {
      await rename(input.uploadDir, inputDir);
      job.inputFiles = input.uploadedNames.map((name) => join(inputDir, name));
    }
    job.log.push(`Job submitted at ${new Date(now).toISOString()}`);
    if (!input.params.panel) {
      // Initialization fails while resolving the app link: state 5 before the first GET (docs/server-behaviour.md#checked-later).
      job.log.push(`Initialization failed: Application ${input.params.refpanel} is not installed or wrong permissions.`);
      this.persist(job, JobState.FAILED, now);
      return job;
    }
    this.enqueue(job, now);
    return job;
  }

  enqueue(job: Job, at: number, preset: VcfFileSummary[] | null = null): void {
    job.state = JobState.WAITING;
    this.queue.push(job);
    this.runs.set(job.id, new PipelineRun(job, this.host(), preset));
    this.fillWorkers(at);
    this.updatePositions();
    this.schedule();
  }

  private host() {
    return {
      profile: this.config.profile,
      limits: this.config.limits as ValidationLimits,
      now: () => this.clock.now(),
      kick: () => this.update(this.clock.now()),
      finish: (job: Job, state: number, at: number) => this.finish(job, state, at),
      notificationMail: (job: Job) => (this.config.mail ? this.config.mailOf(job.username) : null),
      catchingUp: () => this.catchingUp,
    };
  }

  /** 0-based count of waiting jobs in front of each queued job (docs/server-behaviour.md#queue-position). */
  private updatePositions(): void {
    let waiting = 0;
    for (const job of this.queue) {
      job.positionInQueue = waiting;
      if (job.state === JobState.WAITING) waiting++;
    }
  }

  private fillWorkers(at: number): void {
    let running = this.queue.filter((j) => j.state !== JobState.WAITING).length;
    for (const job of this.queue) {
      if (running >= this.config.workers) break;
      if (job.state !== JobState.WAITING) continue;
      this.runs.get(job.id)?.start(Math.max(at, job.submittedOn));
      running++;
    }
  }

  /** Applies every event due by `now`, in time order, then retention. */
  update(now = this.clock.now()): void {
    if (this.updating) return;
    this.updating = true;
    try {
      for (;;) {
        let next: { job: Job; run: PipelineRun } | null = null;
        for (const job of this.queue) {
          const run = this.runs.get(job.id);
          if (run && run.nextEventAt <= now && (!next || run.nextEventAt < next.run.nextEventAt)) next = { job, run };
        }
        if (!next) break;
        next.run.fire(next.run.nextEventAt);
      }
      this.applyRetention(now);
    } finally {
      this.updating = false;
    }
    this.schedule();
  }

  /** A real timer so live jobs move on even when nobody asks (unref'd: never keeps the process alive). */
  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let next = Number.POSITIVE_INFINITY;
    for (const job of this.queue) next = Math.min(next, this.runs.get(job.id)?.nextEventAt ?? next);
    if (!Number.isFinite(next)) return;
    const delay = Math.min(60_000, Math.max(5, this.clock.realDelayUntil(next)));
    this.timer = setTimeout(() => this.update(this.clock.now()), delay);
    this.timer.unref();
  }

  private removeFromQueue(job: Job): void {
    const index = this.queue.indexOf(job);
    if (index >= 0) this.queue.splice(index, 1);
    this.runs.delete(job.id);
  }

  private persist(job: Job, state: number, at: number): void {
    job.state = state;
    job.endTime = at;
    job.persisted = true;
    for (const step of job.steps) step.id = this.nextDbId++;
    job.output.id = this.nextDbId++;
    job.output.exported = true;
  }

  registerFiles(job: Job, files: WrittenFile[]): void {
    job.output.files = files.map((f) => ({ name: f.name, absPath: f.absPath, bytes: f.bytes, hash: randomFileHash(), count: this.config.downloadCredits }));
    for (const file of job.output.files) this.fileByHash.set(file.hash, { job, file });
  }

  /** The export: whatever the output folder holds now (failed and canceled jobs export what they had). */
  private exportFiles(job: Job): WrittenFile[] {
    return listOutputFiles(join(job.workspace, 'output'));
  }

  private finish(job: Job, state: number, at: number): void {
    this.removeFromQueue(job);
    this.registerFiles(job, this.exportFiles(job));
    this.persist(job, state, at);
    job.positionInQueue = -1;
    job.log.push(`Job finished with state ${state} at ${new Date(at).toISOString()}`);
    this.fillWorkers(at);
    this.updatePositions();
  }

  /** Seeding: a job that ran in the past outside the queue; optionally canceled or lost (DEAD) at a time. */
  async runInPast(job: Job, presets: VcfFileSummary[], startAt: number, stop: { cancelAt?: number; dieAt?: number } = {}): Promise<void> {
    const host = {
      ...this.host(),
      now: () => 0,
      kick: () => undefined,
      finish: (j: Job, state: number, at: number) => {
        this.registerFiles(j, this.exportFiles(j));
        this.persist(j, state, at);
        j.positionInQueue = -1;
      },
    };
    const run = new PipelineRun(job, host, presets);
    run.start(startAt);
    await run.runOffline(stop.cancelAt ?? stop.dieAt);
    if (run.over) return;
    if (stop.cancelAt !== undefined) {
      run.cancel(stop.cancelAt);
      this.registerFiles(job, this.exportFiles(job));
      this.persist(job, JobState.CANCELED, stop.cancelAt);
    } else {
      run.discard();
      job.state = JobState.DEAD;
      job.steps = [];
      job.persisted = true;
    }
  }

  /** Seeding: applies every event due by `now` and waits for the async work they start, keeping the plan exact. */
  async catchUp(now: number): Promise<void> {
    this.catchingUp = true;
    try {
      this.update(now);
      for (let round = 0; round < 10_000; round++) {
        const waiting = [...this.runs.values()].map((run) => run.awaiting).filter((p): p is Promise<void> => p !== null);
        if (waiting.length === 0) return;
        await Promise.all(waiting);
        this.update(this.clock.now());
      }
    } finally {
      this.catchingUp = false;
    }
  }

  liveJobCount(username: string): number {
    return this.queue.filter((j) => j.username === username).length;
  }

  queueSize(): number {
    return this.queue.length;
  }

  /** GET .../cancel: 6 for live jobs, a no-op otherwise (docs/server-behaviour.md#cancel). */
  cancel(job: Job): void {
    if (!isLive(job.state)) return;
    const at = this.clock.now();
    const run = this.runs.get(job.id);
    if (job.state !== JobState.WAITING) run?.cancel(at);
    const shownPosition = job.positionInQueue;
    this.finish(job, JobState.CANCELED, at);
    job.positionInQueue = shownPosition; // the cancel answer may still show the old position
    queueMicrotask(() => {
      job.positionInQueue = -1;
    });
  }

  /** GET .../restart: only DEAD jobs go back to the queue with the same id. */
  restart(job: Job): void {
    const at = this.clock.now();
    job.submittedOn = at;
    job.startTime = 0;
    job.endTime = 0;
    job.steps = [];
    job.persisted = false;
    job.output = { ...job.output, files: [], exported: false };
    rmSync(join(job.workspace, 'output'), { recursive: true, force: true }); // the run starts over
    this.enqueue(job, at);
  }

  /** DELETE: state 10, workspace removed; afterwards the job is 404 everywhere. */
  delete(job: Job): void {
    if (isLive(job.state)) {
      this.runs.get(job.id)?.discard();
      this.removeFromQueue(job);
      this.fillWorkers(this.clock.now());
      this.updatePositions();
    }
    job.state = JobState.DELETED;
    job.positionInQueue = -1;
    this.deleteFiles(job);
  }

  private deleteFiles(job: Job): void {
    job.filesDeleted = true;
    void rm(job.workspace, { recursive: true, force: true }).catch(() => undefined);
  }

  /** Server restart: jobs in 1/2/3 become DEAD (-1). */
  simulateServerRestart(): void {
    for (const job of [...this.queue]) {
      this.runs.get(job.id)?.discard();
      job.state = JobState.DEAD;
      job.positionInQueue = -1;
      job.steps = [];
      job.persisted = true;
      job.output.exported = false;
    }
    this.queue.length = 0;
    this.runs.clear();
  }

  /** 4 → 8 and 5/6 → 9 after `notificationAfterDays`; 8/9 → 7 at `deletedOn` (docs/server-behaviour.md#job-states). */
  private applyRetention(now: number): void {
    const { notificationAfterDays, retireAfterDays } = this.config.retention;
    for (const job of this.jobs.values()) {
      const s = job.state;
      if (s === JobState.SUCCESS || s === JobState.FAILED || s === JobState.CANCELED) {
        const notifyAt = job.endTime + notificationAfterDays * DAY_MS;
        if (notifyAt <= now) {
          job.state = s === JobState.SUCCESS ? JobState.SUCCESS_NOTIFIED : JobState.FAILED_NOTIFIED;
          job.deletedOn = notifyAt + (retireAfterDays - notificationAfterDays) * DAY_MS;
        }
      }
      if ((job.state === JobState.SUCCESS_NOTIFIED || job.state === JobState.FAILED_NOTIFIED) && job.deletedOn <= now) {
        job.state = JobState.RETIRED;
        this.deleteFiles(job);
      }
    }
  }

  /** The user's non-deleted jobs, newest first (ordered by id descending). */
  jobsOf(username: string): Job[] {
    const list: Job[] = [];
    for (const job of this.jobs.values()) if (job.username === username && job.state !== JobState.DELETED) list.push(job);
    return list.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const run of this.runs.values()) run.discard();
  }
}
