// Worker thread entry of the results reader: summary ranges of info files and filtered exports,
// posted by ResultsWorkerPool. Cancel is a shared flag set by the coordinator, checked per block.
import { serveTasks } from '../workers/task-worker';
import { ReadCancelled } from './bgzf-lines';
import { exportFiltered, type ExportTask, type ExportTaskResult } from './filter-export';
import { summarizeRange, type SummaryRangeResult } from './summary-range';
import type { RangeSpec } from './bgzf-lines';

export type ResultsTask = { kind: 'summary-range'; range: RangeSpec } | { kind: 'export'; export: ExportTask };
export type ResultsTaskResult = { kind: 'summary-range'; result: SummaryRangeResult } | { kind: 'export'; result: ExportTaskResult };

export async function runResultsTask(task: ResultsTask, onProgress: (bytes: number) => void, isCancelled: () => boolean): Promise<ResultsTaskResult> {
  if (task.kind === 'summary-range') return { kind: 'summary-range', result: summarizeRange(task.range, onProgress, isCancelled) };
  return { kind: 'export', result: await exportFiltered(task.export, onProgress, isCancelled) };
}

serveTasks(runResultsTask, ReadCancelled);
