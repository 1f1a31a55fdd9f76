// The scan workers, one pool shared by all scans.
import { TaskPool } from '../workers/task-pool';
import type { RangeResult, RangeTask } from './range-scan';
import { workerEntry } from './worker-path';

export class ScanWorkerPool extends TaskPool<RangeTask, RangeResult> {
  constructor(size?: number) {
    super({ entry: workerEntry, size, closedMessage: 'scan pool closed', exitMessage: (code) => `scan worker exited with code ${code}` });
  }
}

let shared: ScanWorkerPool | null = null;
export function sharedPool(): ScanWorkerPool {
  shared ??= new ScanWorkerPool();
  return shared;
}
