// The worker side of TaskPool (task-pool.ts): runs each posted task, reports progress, and answers
// done, cancelled (the pool set the shared flag and the task threw `Cancelled`) or error.
import { parentPort } from 'node:worker_threads';
import { onMessagesUntilStop } from './worker-stop';

export interface TaskMessage<Task> {
  type: 'task';
  id: number;
  task: Task;
  cancel: SharedArrayBuffer;
}

export type TaskReply<Result> =
  | { type: 'progress'; id: number; bytes: number }
  | { type: 'done'; id: number; result: Result }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; message: string };

export type TaskRunner<Task, Result> = (task: Task, onProgress: (bytes: number) => void, isCancelled: () => boolean) => Result | Promise<Result>;

/** Serves tasks on this worker thread's port (does nothing on the main thread). */
export function serveTasks<Task, Result>(run: TaskRunner<Task, Result>, Cancelled: new () => Error): void {
  const port = parentPort;
  if (!port) return;
  onMessagesUntilStop(port, async (message: TaskMessage<Task>) => {
    if (message?.type !== 'task') return;
    const { id } = message;
    const flag = new Int32Array(message.cancel);
    const progress = (bytes: number): void => port.postMessage({ type: 'progress', id, bytes } satisfies TaskReply<Result>);
    try {
      const result = await run(message.task, progress, () => Atomics.load(flag, 0) !== 0);
      port.postMessage({ type: 'done', id, result } satisfies TaskReply<Result>);
    } catch (error) {
      if (error instanceof Cancelled) port.postMessage({ type: 'cancelled', id } satisfies TaskReply<Result>);
      else port.postMessage({ type: 'error', id, message: (error as Error)?.message ?? String(error) } satisfies TaskReply<Result>);
    }
  });
}
