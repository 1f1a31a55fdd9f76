// One job's results insight for the Quality view: what is on disk, the summary (cached, or read
// now with progress), and "get what is missing" (download the missing files, then unpack them).
import type { DownloadItem, EventPayload, QualitySummary, ResultsOverview } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';
import type { JobRef } from '../jobs/job-route';

export type Progress = EventPayload<'results:progress'>;

export const newOperationId = (kind: string): string => `${kind}-${crypto.randomUUID()}`;

export class ResultsModel {
  overview = $state.raw<ResultsOverview | null>(null);
  summary = $state.raw<QualitySummary | null>(null);
  error = $state<string | null>(null);
  /** What the view is doing now, in words (null when idle). */
  activity = $state<string | null>(null);
  progress = $state.raw<Progress | null>(null);
  private operation: string | null = null;
  /** Transfers started by "get what is missing", by id. */
  private waitingFor: Record<string, DownloadItem['state']> = {};
  private generation = 0;

  constructor(readonly ref: JobRef) {}

  async load(): Promise<void> {
    const mine = ++this.generation;
    try {
      const overview = await api().results.overview(this.ref);
      if (mine !== this.generation) return;
      this.overview = overview;
      if (overview.summary) this.summary = overview.summary;
      this.error = null;
    } catch (error) {
      if (mine === this.generation) this.error = describeError(error);
    }
  }

  /** Starts following progress and downloads; returns the stop function (for an $effect). */
  follow(): () => void {
    void this.load();
    const stopProgress = api().on('results:progress', (progress) => {
      if (progress.operationId === this.operation) this.progress = progress;
    });
    const stopDownloads = api().on('downloads:changed', (item) => {
      if (!(item.id in this.waitingFor)) return;
      this.waitingFor[item.id] = item.state;
      void this.afterDownloads();
    });
    return () => {
      stopProgress();
      stopDownloads();
      if (this.operation) void api().results.cancel({ operationId: this.operation });
    };
  }

  get running(): boolean {
    return this.activity !== null;
  }

  /** Reads every info file on the worker threads (the cached summary stays until the new one is there). */
  async summarize(): Promise<void> {
    if (this.running) return;
    const operationId = newOperationId('summary');
    this.operation = operationId;
    this.activity = 'Reading the info files';
    this.progress = null;
    this.error = null;
    try {
      this.summary = await api().results.summarize({ ...this.ref, operationId });
      await this.load();
    } catch (error) {
      this.error = describeError(error);
    } finally {
      this.operation = null;
      this.activity = null;
      this.progress = null;
    }
  }

  cancel(): void {
    if (this.operation) void api().results.cancel({ operationId: this.operation });
  }

  /** Downloads the missing result files (each GET spends a credit), then unpacks the zips. */
  async getMissing(): Promise<void> {
    const overview = this.overview;
    if (!overview || this.running) return;
    this.error = null;
    const names = overview.notDownloaded.filter((file) => file.credits !== 0).map((file) => file.name);
    if (names.length === 0) return this.extract();
    this.activity = `Downloading ${names.length} file${names.length === 1 ? '' : 's'}`;
    try {
      const answer = await api().downloads.start({ ...this.ref, names });
      if (answer.waiting) {
        this.activity = null;
        this.error = `The server does not answer (${answer.waiting.reason}). The download waits and starts by itself; see Downloads.`;
        return;
      }
      this.waitingFor = Object.fromEntries(answer.items.map((item) => [item.id, item.state]));
      await this.afterDownloads();
    } catch (error) {
      this.activity = null;
      this.error = describeError(error);
    }
  }

  private async afterDownloads(): Promise<void> {
    const states = Object.values(this.waitingFor);
    if (states.length === 0 || states.some((state) => !['completed', 'failed', 'canceled'].includes(state))) return;
    this.waitingFor = {};
    const failed = states.filter((state) => state !== 'completed').length;
    if (failed > 0) {
      this.activity = null;
      this.error = `${failed} download${failed === 1 ? '' : 's'} did not finish; see Downloads for why.`;
      await this.load();
      return;
    }
    await this.extract();
  }

  private async extract(): Promise<void> {
    await this.load();
    if (!this.overview || this.overview.notExtracted.length === 0) {
      this.activity = null;
      return;
    }
    this.activity = 'Unpacking the zip files';
    try {
      await api().downloads.extract(this.ref);
      this.activity = null;
      await this.load();
      if (this.overview && this.overview.chromosomes.some((row) => row.info) && !this.overview.summary) await this.summarize();
    } catch (error) {
      this.activity = null;
      this.error = describeError(error);
      await this.load();
    }
  }
}
