// The results workers (quality summaries, filtered exports): main only posts tasks and adds up what
// comes back, so it stays responsive while gigabytes are read.
import { TaskPool } from '../workers/task-pool';
import type { ResultsTask, ResultsTaskResult } from './results-worker';
import { resultsWorkerEntry } from './worker-path';

export class ResultsWorkerPool extends TaskPool<ResultsTask, ResultsTaskResult> {
  constructor(size?: number) {
    super({
      entry: resultsWorkerEntry,
      size,
      closedMessage: 'The results reader was closed.',
      exitMessage: (code) => `A results worker stopped (exit code ${code}).`,
    });
  }
}
