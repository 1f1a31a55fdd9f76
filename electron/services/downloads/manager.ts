// The download queue: which result files to fetch, how many at a time, what a retry may cost.
//
// Every GET of a result file spends one of its download credits (docs/server-behaviour.md#downloads-and-credits), so the
// manager never sends a request it does not need: a file complete on disk is skipped, a break in
// S3 mode resumes for free on the pre-signed URL, and a break in local mode (which can only start
// over, with a new credit) is retried by itself only while more than `autoRetryCreditThreshold`
// credits remain; otherwise it waits in 'needs-confirmation' for the user.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { CompletedFiles } from './completed-files';
import { statfsFreeBytes, type FreeSpaceProbe } from './disk-space';
import { DownloadError, isDownloadError } from './errors';
import { JsonFileWriter } from '../storage/json-file';
import { queueDocument, readQueueFile } from './queue-file';
import { DEFAULT_CREDIT_POLICY, mayAutoSpend, nextStepAfterFailure, restartSpendsCredit, type CreditPolicy } from './credit-policy';
import { checkMd5 } from './md5';
import { withMd5Companions, pairReadyToCheck } from './md5-pairs';
import { jobsDone, totalsOf } from './queue-summary';
import { etaSeconds, RateMeter } from './rate-meter';
import { caseCollisions, resolveResultPath } from './safe-path';
import { formatBytes } from '../../shared/format-bytes';
import { parseSizeLabel } from '../../shared/size-label';
import { partBytesOnDisk } from './part-file';
import { partPathOf, runTransfer, type ResumeInfo, type TransferResult } from './transfer';
import {
  FINAL_STATES,
  type DownloadEvent,
  type DownloadFile,
  type DownloadItem,
  type DownloadItemView,
  type EnqueueOptions,
  type TotalProgress,
} from './types';

export interface DownloadManagerOptions {
  /** The persisted queue (a JSON file in the user-data folder). */
  queueFile: string;
  /** Folder of the per-job records of completed files (in the user-data folder). */
  completedDir: string;
  /** Transfers at a time (a setting; default 3). */
  concurrency?: number;
  /** A retry that spends a credit starts by itself only while more credits than this remain (default 2). */
  autoRetryCreditThreshold?: number;
  /** Most automatic retries per file that spend a credit (default 3). */
  maxPaidRetries?: number;
  /** Most automatic retries per file that spend none (resume on S3, refused connections; default 5). */
  maxFreeRetries?: number;
  /** First back-off before an automatic retry; doubles each time (default 1 s). */
  retryDelayMs?: number;
  /** Least time between two progress events of one transfer (default 200 ms: 5 a second). */
  progressIntervalMs?: number;
  /** Space kept free on the disk besides the files themselves (default 64 MiB). */
  diskReserveBytes?: number;
  freeSpace?: FreeSpaceProbe;
  /** Given when a proxy is configured: transfers then go through it (see TransferOptions). */
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Idle time after which a silent connection counts as broken (default 120 s). */
  timeoutMs?: number;
  now?: () => number;
  /** Diagnostics; never given URLs (their hashes authorize downloads) or passwords. */
  log?: (line: string) => void;
  /** Servers whose unfinished downloads cannot continue after a restart (the built-in demo
   *  server starts afresh each run, on a new port with new jobs): they end as failed on open. */
  freshEachRun?: readonly string[];
}

type Listener = (event: DownloadEvent) => void;
type StopReason = 'pause' | 'cancel' | 'shutdown';

interface Active {
  controller: AbortController;
  stopReason: StopReason | null;
  meter: RateMeter;
  lastEmit: number;
  done: Promise<void>;
}

export class DownloadManager {
  private readonly items = new Map<string, DownloadItem>();
  private readonly active = new Map<string, Active>();
  private readonly listeners = new Set<Listener>();
  private readonly completed: CompletedFiles;
  private readonly writer: JsonFileWriter;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly policy: CreditPolicy;
  private wakeTimer: NodeJS.Timeout | null = null;
  private lastTotalEmit = 0;
  /** The transfers the total progress is about: everything since the queue was last idle. */
  private readonly batch = new Set<string>();
  private closed = false;
  /** The network is down (setOnline): nothing new starts. */
  private offline = false;

  private constructor(private readonly options: DownloadManagerOptions) {
    this.now = options.now ?? Date.now;
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    this.policy = {
      autoRetryCreditThreshold: options.autoRetryCreditThreshold ?? DEFAULT_CREDIT_POLICY.autoRetryCreditThreshold,
      maxPaidRetries: options.maxPaidRetries ?? DEFAULT_CREDIT_POLICY.maxPaidRetries,
      maxFreeRetries: options.maxFreeRetries ?? DEFAULT_CREDIT_POLICY.maxFreeRetries,
    };
    this.completed = new CompletedFiles(options.completedDir);
    this.writer = new JsonFileWriter(
      options.queueFile,
      () => queueDocument(this.items.values()),
      (error) => this.log(`could not save the download queue: ${(error as Error).message}`),
    );
  }

  /** Loads the persisted queue and carries on where the app stopped. */
  static async open(options: DownloadManagerOptions): Promise<DownloadManager> {
    const manager = new DownloadManager(options);
    for (const restored of await readQueueFile(options.queueFile)) {
      manager.items.set(restored.id, restored);
      if (options.freshEachRun?.includes(restored.serverId) && !FINAL_STATES.includes(restored.state)) {
        manager.fail(restored, new DownloadError('not-found', { detail: 'the demo server starts afresh each time the app starts' }));
        continue;
      }
      // Transfers cut off by the last shutdown go back in the queue; a paid restart obeys the credit policy.
      if (restored.state === 'running' || restored.state === 'verifying') {
        restored.state = 'queued';
        if (manager.restartSpendsCredit(restored)) {
          const cut = new DownloadError('interrupted', { detail: 'the app was closed during the download' });
          restored.retries.push({ at: manager.now(), reason: cut.message, creditLost: true });
          if (!manager.mayAutoSpend(restored)) manager.askConfirmation(restored, cut);
        }
      }
    }
    manager.pump();
    return manager;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): DownloadItemView[] {
    return [...this.items.values()].sort((a, b) => a.createdAt - b.createdAt).map((item) => this.view(item));
  }

  get(id: string): DownloadItemView | null {
    const item = this.items.get(id);
    return item ? this.view(item) : null;
  }

  /**
   * Queues result files of one job. Names the server gives that cannot be saved safely become
   * failed items with the reason; files already complete on disk are marked done without a request.
   */
  async enqueue(files: DownloadFile[], options: EnqueueOptions): Promise<DownloadItemView[]> {
    const wanted = withMd5Companions(files, options.jobFiles ?? []);
    // Names of one job that only differ in case would overwrite each other on Windows and macOS.
    const clashes = caseCollisions([...(options.jobFiles ?? []), ...files].map((file) => file.name));
    const added: DownloadItem[] = [];
    for (const { file, md5Of, hasMd5 } of wanted) {
      // One row per file and folder: asking again (another "Download all", an automatic download
      // after a manual one) reuses it instead of adding a duplicate.
      const existing = this.findExisting(file, options.destDir);
      if (existing) {
        await this.again(existing, file, hasMd5);
        added.push(existing);
        continue;
      }
      const item = this.newItem(file, options.destDir, md5Of, hasMd5);
      const clash = clashes.get(file.name);
      if (clash && item.path) {
        Object.assign(item, { path: null, state: 'failed', finishedAt: item.createdAt, error: new DownloadError('unsafe-name', { detail: clash }).toJSON() });
      }
      this.items.set(item.id, item);
      added.push(item);
      if (item.path) {
        const done = await this.completed.findOnDisk(file.serverId, file.jobId, file.name, item.path);
        if (done) {
          Object.assign(item, {
            state: 'completed',
            alreadyComplete: true,
            receivedBytes: done.bytes,
            totalBytes: done.bytes,
            checksum: done.md5 ? 'ok' : item.checksum === 'pending' ? 'pending' : 'none',
            finishedAt: this.now(),
          } satisfies Partial<DownloadItem>);
        }
      }
      this.changed(item);
    }
    for (const item of added) if (item.md5Of && item.state === 'completed') await this.verifyPair(item);
    this.emitTotal(true);
    this.pump();
    this.checkJobDone(added);
    return added.map((item) => this.view(item));
  }

  /** Stops a transfer and keeps what arrived (S3 mode continues from there for free). */
  pause(id: string): void {
    const item = this.items.get(id);
    if (!item || FINAL_STATES.includes(item.state) || item.state === 'paused') return;
    const active = this.active.get(id);
    this.setState(item, 'paused');
    if (active) this.stop(active, 'pause');
  }

  /**
   * Continues a paused, failed or waiting transfer. When that spends a credit that a broken
   * attempt already spent, it needs `spendCredit: true` unless more than the threshold remain.
   */
  resume(id: string, options: { spendCredit?: boolean } = {}): DownloadItemView | null {
    const item = this.items.get(id);
    if (!item) return null;
    if (item.path === null || item.state === 'completed' || item.state === 'running' || item.state === 'verifying') {
      return this.view(item);
    }
    if (item.error?.code === 'credits-exhausted' && !options.spendCredit) return this.view(item);
    item.notBefore = 0;
    const paid = this.restartSpendsCredit(item);
    if (paid && !options.spendCredit && !this.mayAutoSpend(item)) {
      if (item.state !== 'needs-confirmation') this.askConfirmation(item, new DownloadError('interrupted'));
      return this.view(item);
    }
    if (paid && item.state !== 'needs-confirmation') {
      // Local streaming cannot continue a part: the download starts again and spends a credit.
      item.retries.push({ at: this.now(), reason: 'Started again from the beginning after a stop.', creditLost: true });
    }
    item.error = null;
    item.finishedAt = null;
    this.setState(item, 'queued');
    this.pump();
    return this.view(item);
  }

  /**
   * The network went away or came back. While it is away nothing new starts, so queued items
   * keep their free retries. Back online, waiting retries start at once, and transfers that failed
   * on the connection continue where that costs no credit (or the credit policy allows it).
   */
  setOnline(online: boolean): void {
    this.offline = !online;
    if (!online) return;
    for (const item of this.items.values()) {
      if (item.state === 'queued') item.notBefore = 0;
      const connectionLost = item.error?.code === 'network' || item.error?.code === 'interrupted';
      if (item.state === 'failed' && connectionLost && (!this.restartSpendsCredit(item) || this.mayAutoSpend(item))) {
        this.log(`download ${item.id} (${item.name}) continues: back online`);
        this.resume(item.id);
      }
    }
    this.pump();
  }

  /** Stops a transfer and deletes what arrived. */
  async cancel(id: string): Promise<void> {
    const item = this.items.get(id);
    if (!item || FINAL_STATES.includes(item.state)) return;
    const active = this.active.get(id);
    item.finishedAt = this.now();
    item.resume = null;
    this.setState(item, 'canceled');
    if (active) {
      this.stop(active, 'cancel');
      await active.done;
    }
    if (item.path) await fs.rm(partPathOf(item.path), { force: true });
    this.checkJobDone([item]);
  }

  /** Drops a finished transfer from the list (the file stays on disk). */
  remove(id: string): void {
    const item = this.items.get(id);
    if (!item || !FINAL_STATES.includes(item.state)) return;
    this.items.delete(id);
    void this.writer.save();
    this.emit({ type: 'removed', id });
  }

  totals(): TotalProgress {
    let bytesPerSecond = 0;
    for (const active of this.active.values()) bytesPerSecond += active.meter.bytesPerSecond;
    return totalsOf(this.items.values(), this.batch, bytesPerSecond);
  }

  /** Stops every transfer, keeping them queued for the next start, and saves the queue. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    const stopping = [...this.active.values()];
    for (const active of stopping) this.stop(active, 'shutdown');
    await Promise.all(stopping.map((active) => active.done));
    await this.writer.save();
    await this.writer.flush();
  }

  // ---- the queue ----

  private pump(): void {
    if (this.closed || this.offline) return;
    if (this.wakeTimer) {
      clearTimeout(this.wakeTimer);
      this.wakeTimer = null;
    }
    const now = this.now();
    let nextWake = Infinity;
    const queued = [...this.items.values()]
      .filter((item) => item.state === 'queued')
      // `.md5` companions first: they are tiny and let the big file be checked as soon as it lands.
      .sort((a, b) => Number(b.md5Of !== null) - Number(a.md5Of !== null) || a.createdAt - b.createdAt);
    for (const item of queued) {
      if (this.active.size >= this.concurrency) break;
      // A stopped transfer may still be closing its file; it starts again once that one has let go.
      if (this.active.has(item.id)) continue;
      if (item.notBefore > now) {
        nextWake = Math.min(nextWake, item.notBefore);
        continue;
      }
      this.start(item);
    }
    if (nextWake !== Infinity && this.active.size < this.concurrency) {
      this.wakeTimer = setTimeout(() => this.pump(), Math.max(10, nextWake - now));
    }
  }

  private start(item: DownloadItem): void {
    const active: Active = {
      controller: new AbortController(),
      stopReason: null,
      meter: new RateMeter(),
      lastEmit: 0,
      done: Promise.resolve(),
    };
    this.active.set(item.id, active);
    this.batch.add(item.id);
    item.error = null;
    this.setState(item, 'running');
    active.done = this.run(item, active)
      .catch((error) => this.log(`download ${item.id} ended unexpectedly: ${(error as Error).message}`))
      .finally(() => {
        if (this.active.get(item.id) === active) this.active.delete(item.id);
        this.emitTotal(true);
        this.pump();
        const idle = [...this.items.values()].every((other) => other.state !== 'queued' && other.state !== 'running' && other.state !== 'verifying');
        if (idle) this.batch.clear();
      });
  }

  private async run(item: DownloadItem, active: Active): Promise<void> {
    const finalPath = item.path as string;
    const resume = this.validResume(item);
    const partBytes = await partBytesOnDisk(partPathOf(finalPath)); // never through a planted link
    item.receivedBytes = resume ? Math.min(partBytes, resume.totalBytes) : 0;
    active.meter.sample(item.receivedBytes, this.now());

    const space = await this.checkSpace(item, resume ? partBytes : 0);
    if (space) return this.fail(item, space);

    let result: TransferResult;
    try {
      result = await runTransfer({
        url: item.url,
        finalPath,
        resume,
        signal: active.controller.signal,
        dispatcher: this.options.dispatcher,
        userAgent: this.options.userAgent,
        timeoutMs: this.options.timeoutMs,
        now: this.now,
        onCreditSpent: () => {
          item.creditsSpent++;
          if (item.creditsLeft > 0) item.creditsLeft--;
          this.changed(item);
        },
        onResponse: ({ totalBytes, resume: next }) => {
          item.totalBytes = totalBytes;
          item.resume = next;
          this.changed(item);
        },
        onProgress: ({ receivedBytes }) => {
          item.receivedBytes = receivedBytes;
          this.progress(item, active, false);
        },
      });
    } catch (error) {
      const failure = isDownloadError(error) ? error : new DownloadError('interrupted', { cause: error });
      return this.afterFailure(item, active, failure);
    }
    item.resumedFromBytes = result.resumedFromBytes;
    this.progress(item, active, true);
    await this.afterSuccess(item);
  }

  private async afterSuccess(item: DownloadItem): Promise<void> {
    const finalPath = item.path as string;
    item.receivedBytes = await sizeOf(finalPath);
    item.totalBytes = item.receivedBytes;
    item.resume = null;
    item.finishedAt = this.now();
    await this.completed.markComplete(item.serverId, item.jobId, item.name, {
      path: finalPath,
      bytes: item.receivedBytes,
      completedAt: item.finishedAt,
      md5: null,
    });
    this.setState(item, 'completed');
    await this.verifyPair(item);
    this.checkJobDone([item]);
  }

  private async afterFailure(item: DownloadItem, active: Active, error: DownloadError): Promise<void> {
    const reason = active.stopReason;
    if (error.code === 'aborted' || reason) {
      // The state was set by pause() / cancel(). A shutdown leaves it 'running' on disk, as a crash
      // would: the next start puts it back in the queue under the credit policy (open()).
      if (reason === 'shutdown') await this.writer.save();
      return;
    }
    const resumeValid = this.validResume(item) !== null;
    const step = nextStepAfterFailure(
      {
        code: error.code,
        resumeValid,
        creditsSpent: item.creditsSpent,
        creditsLeft: item.creditsLeft,
        earlierRetries: {
          free: item.retries.filter((retry) => !retry.creditLost).length,
          paid: item.retries.filter((retry) => retry.creditLost).length,
        },
      },
      this.policy,
    );
    if (error.code === 'credits-exhausted') item.creditsLeft = 0;
    if (error.code === 'link-expired' || error.code === 'retired' || error.code === 'not-found') item.resume = null;
    // A resumed part that does not continue the file is useless: start again from byte 0.
    if (error.code === 'invalid-response' && item.path) await fs.rm(partPathOf(item.path), { force: true });
    if (step.action === 'fail') return this.fail(item, error);
    item.retries.push({ at: this.now(), reason: error.message, creditLost: step.creditLost });
    if (step.action === 'retry') return this.retryLater(item, error, step.attempt);
    this.askConfirmation(item, error);
  }

  private retryLater(item: DownloadItem, error: DownloadError, attempt: number): void {
    const base = this.options.retryDelayMs ?? 1000;
    item.notBefore = this.now() + base * 2 ** Math.min(attempt - 1, 6);
    item.error = error.toJSON();
    this.log(`download ${item.id} (${item.name}) retries: ${error.code}`);
    this.setState(item, 'queued');
  }

  private askConfirmation(item: DownloadItem, cause: DownloadError): void {
    const left = item.creditsLeft;
    const error = new DownloadError(cause.code, {
      status: cause.status,
      detail: [cause.detail, `downloading it again from the start spends one of the ${left} downloads left for this file`].filter(Boolean).join('; '),
    });
    item.error = error.toJSON();
    this.setState(item, 'needs-confirmation');
  }

  private fail(item: DownloadItem, error: DownloadError): void {
    item.error = error.toJSON();
    item.finishedAt = this.now();
    this.setState(item, 'failed');
    this.checkJobDone([item]);
  }

  // ---- the credit policy ----

  private restartSpendsCredit(item: DownloadItem): boolean {
    return restartSpendsCredit(this.validResume(item) !== null, item.creditsSpent);
  }

  private mayAutoSpend(item: DownloadItem): boolean {
    return mayAutoSpend(item.creditsLeft, this.policy);
  }

  private validResume(item: DownloadItem): ResumeInfo | null {
    return item.resume && item.resume.expiresAt > this.now() ? item.resume : null;
  }

  // ---- checks ----

  private async checkSpace(item: DownloadItem, alreadyOnDisk: number): Promise<DownloadError | null> {
    const probe = this.options.freeSpace ?? statfsFreeBytes;
    const remaining = (other: DownloadItem) => Math.max(0, (other.totalBytes ?? other.estimatedBytes ?? 0) - other.receivedBytes);
    let needed = Math.max(0, (item.totalBytes ?? item.estimatedBytes ?? 0) - alreadyOnDisk);
    for (const [id] of this.active) {
      const other = this.items.get(id);
      if (other && id !== item.id) needed += remaining(other);
    }
    const reserve = this.options.diskReserveBytes ?? 64 * 1024 * 1024;
    let free: number;
    try {
      free = await probe(item.destDir);
    } catch (error) {
      this.log(`free space unknown for a download folder: ${(error as Error).message}`);
      return null;
    }
    if (free >= needed + reserve) return null;
    return new DownloadError('disk-full', {
      detail: `about ${formatBytes(needed)} needed, ${formatBytes(free)} free in ${item.destDir}. Free some space or choose another download folder`,
    });
  }

  /** Checks a file against its `.md5` companion once both are on disk. */
  private async verifyPair(finished: DownloadItem): Promise<void> {
    const pair = pairReadyToCheck(this.items.values(), finished);
    if (!pair) return;
    const { target, md5Item } = pair;
    this.setState(target, 'verifying');
    let result;
    try {
      result = await checkMd5(target.path, md5Item.path);
    } catch (error) {
      this.log(`md5 check failed to run: ${(error as Error).message}`);
      this.setState(target, 'completed');
      return;
    }
    if (result.ok) {
      target.checksum = 'ok';
      await this.completed.markComplete(target.serverId, target.jobId, target.name, {
        path: target.path,
        bytes: target.receivedBytes,
        completedAt: target.finishedAt ?? this.now(),
        md5: result.digest,
      });
      this.setState(target, 'completed');
      return;
    }
    // A damaged file must not count as complete: it goes, so a retry fetches it again.
    target.checksum = 'mismatch';
    await fs.rm(target.path, { force: true });
    await this.completed.forget(target.serverId, target.jobId, target.name);
    target.receivedBytes = 0;
    this.fail(target, new DownloadError('checksum-mismatch', { detail: `expected ${result.expected ?? '?'}, got ${result.actual}` }));
  }

  private checkJobDone(touched: DownloadItem[]): void {
    for (const event of jobsDone(touched, this.items.values())) this.emit(event);
  }

  // ---- items, events ----

  private newItem(file: DownloadFile, destDir: string, md5Of: string | null, hasMd5: boolean): DownloadItem {
    const now = this.now();
    const resolved = resolveResultPath(destDir, file.name);
    const item: DownloadItem = {
      id: randomUUID(),
      serverId: file.serverId,
      jobId: file.jobId,
      name: file.name,
      url: file.url,
      sizeLabel: file.sizeLabel,
      destDir: path.resolve(destDir),
      path: resolved.ok ? resolved.path : null,
      state: resolved.ok ? 'queued' : 'failed',
      creditsLeft: file.credits,
      creditsSpent: 0,
      receivedBytes: 0,
      resumedFromBytes: 0,
      totalBytes: null,
      estimatedBytes: parseSizeLabel(file.sizeLabel)?.min ?? null,
      resume: null,
      md5Of,
      checksum: hasMd5 ? 'pending' : 'none',
      alreadyComplete: false,
      error: resolved.ok ? null : new DownloadError('unsafe-name', { detail: resolved.reason }).toJSON(),
      retries: [],
      notBefore: 0,
      createdAt: now,
      updatedAt: now,
      finishedAt: resolved.ok ? null : now,
    };
    return item;
  }

  /** The newest row for this file in this folder, in any state. */
  private findExisting(file: DownloadFile, destDir: string): DownloadItem | null {
    const dir = path.resolve(destDir);
    let found: DownloadItem | null = null;
    for (const item of this.items.values()) {
      if (item.serverId === file.serverId && item.jobId === file.jobId && item.name === file.name && item.destDir === dir) {
        if (!found || item.createdAt >= found.createdAt) found = item;
      }
    }
    return found;
  }

  /** A file asked for again: left alone while it moves or is on disk, else its row starts again. */
  private async again(item: DownloadItem, file: DownloadFile, hasMd5: boolean): Promise<void> {
    if (!FINAL_STATES.includes(item.state) || item.path === null) return;
    if (item.state === 'completed' && (await this.completed.findOnDisk(item.serverId, item.jobId, item.name, item.path))) return;
    // The server's count of credits and its link are the fresh ones.
    item.url = file.url;
    item.creditsLeft = file.credits;
    if (item.state === 'completed') {
      // Downloaded before, but the file is gone from disk: fetch it again.
      Object.assign(item, { state: 'canceled', receivedBytes: 0, totalBytes: null, alreadyComplete: false, checksum: hasMd5 ? 'pending' : 'none' });
    }
    this.resume(item.id);
  }

  private setState(item: DownloadItem, state: DownloadItem['state']): void {
    item.state = state;
    this.changed(item);
    this.emitTotal(true);
  }

  private changed(item: DownloadItem): void {
    item.updatedAt = this.now();
    void this.writer.save();
    this.emit({ type: 'item', item: this.view(item) });
  }

  private progress(item: DownloadItem, active: Active, force: boolean): void {
    const now = this.now();
    const rate = active.meter.sample(item.receivedBytes, now);
    const interval = this.options.progressIntervalMs ?? 200;
    if (!force && now - active.lastEmit < interval) return;
    active.lastEmit = now;
    const size = item.totalBytes ?? item.estimatedBytes;
    this.emit({
      type: 'progress',
      id: item.id,
      receivedBytes: item.receivedBytes,
      totalBytes: item.totalBytes,
      estimatedBytes: item.estimatedBytes,
      bytesPerSecond: rate,
      etaSeconds: etaSeconds(size === null ? null : Math.max(0, size - item.receivedBytes), rate),
    });
    this.emitTotal(force);
  }

  private emitTotal(force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastTotalEmit < (this.options.progressIntervalMs ?? 200)) return;
    this.lastTotalEmit = now;
    this.emit({ type: 'total', ...this.totals() });
  }

  private view(item: DownloadItem): DownloadItemView {
    const { url: _url, resume: _resume, ...rest } = item;
    const resume = this.validResume(item);
    return {
      ...rest,
      error: item.error ? { ...item.error } : null,
      retries: item.retries.map((retry) => ({ ...retry })),
      resumeIsFree: resume !== null,
      resumableUntil: resume?.expiresAt ?? null,
    };
  }

  private emit(event: DownloadEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.log(`a download listener failed: ${(error as Error).message}`);
      }
    }
  }

  private stop(active: Active, reason: StopReason): void {
    active.stopReason ??= reason;
    active.controller.abort(new DownloadError('aborted'));
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}
