// Worker thread entry of the results reader: summary ranges of info files and filtered exports,
// posted by ResultsWorkerPool. Cancel is a shared flag set by the coordinator, checked per block.
import { parentPort } from 'node:worker_threads';
import { ReadCancelled } from './bgzf-lines';
import { exportFiltered, type ExportTask, type ExportTaskResult } from './filter-export';
import { summarizeRange, type SummaryRangeResult } from './summary-range';
import type { RangeSpec } from './bgzf-lines';

export type ResultsTask = { kind: 'summary-range'; range: RangeSpec } | { kind: 'export'; export: ExportTask };
export type ResultsTaskResult = { kind: 'summary-range'; result: SummaryRangeResult } | { kind: 'export'; result: ExportTaskResult };

export interface ResultsWorkerMessage {
  type: 'task';
  id: number;
  task: ResultsTask;
  cancel: SharedArrayBuffer;
}

export type ResultsWorkerReply =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; result: ResultsTaskResult }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };

export async function runResultsTask(task: ResultsTask, onProgress: (bytes: number) => void, isCancelled: () => boolean): Promise<ResultsTaskResult> {
  if (task.kind === 'summary-range') return { kind: 'summary-range', result: summarizeRange(task.range, onProgress, isCancelled) };
  return { kind: 'export', result: await exportFiltered(task.export, onProgress, isCancelled) };
}

const port = parentPort;
if (port) {
  port.on('message', async (message: ResultsWorkerMessage) => {
    if (message?.type !== 'task') return;
    const flag = new Int32Array(message.cancel);
    const progress = (bytes: number): void => port.postMessage({ type: 'progress', id: message.id, bytes } satisfies ResultsWorkerReply);
    try {
      const result = await runResultsTask(message.task, progress, () => Atomics.load(flag, 0) !== 0);
      port.postMessage({ type: 'done', id: message.id, result } satisfies ResultsWorkerReply);
    } catch (error) {
      if (error instanceof ReadCancelled) port.postMessage({ type: 'cancelled', id: message.id } satisfies ResultsWorkerReply);
      else port.postMessage({ type: 'error', id: message.id, message: (error as Error)?.message ?? String(error) } satisfies ResultsWorkerReply);
    }
  });
}
