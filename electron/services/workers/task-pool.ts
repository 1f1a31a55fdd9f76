// A pool of worker threads that run one task each at a time (the VCF scan and the results reader):
// workers start on first use (a start costs 0.1-0.5 s), are reused, hold the event loop only while
// busy, and are replaced when one dies. Cancel is a shared flag the worker checks as it reads.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { TaskMessage, TaskReply } from './task-worker';
import { startWorker, type WorkerEntry } from './worker-entry';
import { stopWorker } from './worker-stop';

export interface TaskPoolOptions {
  /** Where the worker is (resolved at each start, so a missing bundle fails the task, not the import). */
  entry: () => WorkerEntry;
  size?: number;
  /** Why pending tasks fail on close(). */
  closedMessage: string;
  /** Why a task fails when its worker stops. */
  exitMessage: (code: number) => string;
}

interface Job<Task, Result> {
  id: number;
  task: Task;
  cancel: SharedArrayBuffer;
  onProgress: (bytes: number) => void;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

interface Slot<Task, Result> {
  worker: Worker;
  job: Job<Task, Result> | null;
}

export function abortError(): Error {
  const error = new Error('The operation was canceled.');
  error.name = 'AbortError';
  return error;
}

/** Workers for a pool: one per core (main only posts tasks and adds up results), at most four. */
export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export class TaskPool<Task, Result> {
  readonly size: number;
  private slots: Slot<Task, Result>[] = [];
  private queue: Job<Task, Result>[] = [];
  private nextId = 1;

  constructor(private readonly options: TaskPoolOptions) {
    this.size = options.size ?? defaultWorkerCount();
  }

  run(task: Task, onProgress: (bytes: number) => void, signal?: AbortSignal): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError());
      const cancel = new SharedArrayBuffer(4);
      const onAbort = (): void => {
        Atomics.store(new Int32Array(cancel), 0, 1);
        const queued = this.queue.indexOf(job);
        if (queued >= 0) {
          this.queue.splice(queued, 1);
          job.reject(abortError());
        }
      };
      const job: Job<Task, Result> = {
        id: this.nextId++,
        task,
        cancel,
        onProgress,
        resolve: (result) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(result);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops all workers (pending tasks are rejected; running ones are told to stop, then the worker ends). */
  async close(): Promise<number[]> {
    const slots = this.slots;
    this.slots = [];
    for (const job of this.queue.splice(0)) job.reject(new Error(this.options.closedMessage));
    return Promise.all(
      slots.map(async (slot) => {
        if (slot.job) {
          Atomics.store(new Int32Array(slot.job.cancel), 0, 1);
          slot.job.reject(new Error(this.options.closedMessage));
          slot.job = null;
        }
        return stopWorker(slot.worker);
      }),
    );
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((candidate) => candidate.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ type: 'task', id: job.id, task: job.task, cancel: job.cancel } satisfies TaskMessage<Task>);
    }
  }

  private spawn(): Slot<Task, Result> {
    const worker = startWorker(this.options.entry());
    const slot: Slot<Task, Result> = { worker, job: null };
    worker.on('message', (message: TaskReply<Result>) => {
      const job = slot.job;
      if (!job || message.id !== job.id) return;
      if (message.type === 'progress') return job.onProgress(message.bytes);
      slot.job = null;
      worker.unref();
      if (message.type === 'done') job.resolve(message.result);
      else if (message.type === 'cancelled') job.reject(abortError());
      else job.reject(new Error(message.message));
      this.pump();
    });
    const fail = (error: Error): void => {
      this.slots = this.slots.filter((candidate) => candidate !== slot);
      slot.job?.reject(error);
      slot.job = null;
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(this.options.exitMessage(code)));
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}
