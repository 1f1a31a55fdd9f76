// The checks and fixes main runs (they survive a reload of the window and a restart of the app).
import type { QcFixOptions, QcRunView, RequestOf } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';

function merged(list: QcRunView[], run: QcRunView): QcRunView[] {
  const rest = list.filter((candidate) => candidate.id !== run.id);
  return [run, ...rest].sort((a, b) => b.createdAt - a.createdAt);
}

export class QcRunsStore {
  runs = $state.raw<QcRunView[]>([]);
  error = $state<string | null>(null);

  /** Subscribes to qc:changed and qc:removed, then reads the list; returns the detach function. */
  attach(): () => void {
    const stops = [
      api().on('qc:changed', (run) => (this.runs = merged(this.runs, run))),
      api().on('qc:removed', ({ id }) => (this.runs = this.runs.filter((run) => run.id !== id))),
    ];
    void api()
      .qc.list()
      .then((list) => {
        for (const run of list) this.runs = merged(this.runs, run);
      })
      .catch((caught: unknown) => (this.error = describeError(caught)));
    return () => stops.forEach((stop) => stop());
  }

  async start(request: RequestOf<'qc:start'>): Promise<QcRunView> {
    const run = await api().qc.start(request);
    this.runs = merged(this.runs, run);
    return run;
  }

  /** Runs an action; its error is shown with the runs. */
  private async act(action: () => Promise<QcRunView | unknown>): Promise<void> {
    this.error = null;
    try {
      const result = await action();
      if (result && typeof result === 'object' && 'phase' in result) this.runs = merged(this.runs, result as QcRunView);
    } catch (caught) {
      this.error = describeError(caught);
    }
  }

  impute(id: string, options: QcFixOptions, keepCopies: boolean): Promise<void> {
    return this.act(() => api().qc.impute({ id, options, keepCopies }));
  }

  cancel(id: string): Promise<void> {
    return this.act(() => api().qc.cancel({ id }));
  }

  retry(id: string): Promise<void> {
    return this.act(() => api().qc.retry({ id }));
  }

  keepCopies(id: string, keep: boolean): Promise<void> {
    return this.act(() => api().qc.keepCopies({ id, keep }));
  }

  async dismiss(id: string): Promise<void> {
    await this.act(() => api().qc.dismiss({ id }));
    if (!this.error) this.runs = this.runs.filter((run) => run.id !== id);
  }
}
