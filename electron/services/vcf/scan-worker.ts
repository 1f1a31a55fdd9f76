// Worker thread entry: runs scanRange() (or scanStream() for files that are not BGZF) for tasks
// posted by the pool. Cancel is a shared flag the coordinator sets (checked between read
// batches); progress is posted per batch.
import { parentPort } from 'node:worker_threads';
import { scanRange, ScanCancelled, type RangeTask } from './range-scan';
import { scanStream } from './stream-scan';
import type { RangeResult } from './range-scan';

export interface WorkerTaskMessage {
  type: 'task';
  id: number;
  task: RangeTask;
  cancel: SharedArrayBuffer;
}
export type WorkerReply =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; result: RangeResult }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (port) {
  port.on('message', async (msg: WorkerTaskMessage) => {
    if (msg?.type !== 'task') return;
    const flag = new Int32Array(msg.cancel);
    const progress = (bytes: number): void => port.postMessage({ type: 'progress', id: msg.id, bytes } satisfies WorkerReply);
    const cancelled = (): boolean => Atomics.load(flag, 0) !== 0;
    try {
      const { task } = msg;
      const result = task.stream
        ? await scanStream({ path: task.path, format: task.stream, chunkSizes: task.chunkSizes }, progress, cancelled)
        : scanRange(task, progress, cancelled);
      port.postMessage({ type: 'done', id: msg.id, result } satisfies WorkerReply);
    } catch (err) {
      if (err instanceof ScanCancelled) port.postMessage({ type: 'cancelled', id: msg.id } satisfies WorkerReply);
      else port.postMessage({ type: 'error', id: msg.id, message: (err as Error)?.message ?? String(err) } satisfies WorkerReply);
    }
  });
}
