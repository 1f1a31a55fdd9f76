// The results workers: started on first use (a start costs 0.1-0.5 s), reused, holding the event
// loop only while busy, replaced when one dies. Main only posts tasks and adds up what comes back,
// so it stays responsive while gigabytes are read.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResultsTask, ResultsTaskResult, ResultsWorkerReply } from './results-worker';
import { resultsWorkerEntry } from './worker-path';

interface Job {
  id: number;
  task: ResultsTask;
  cancel: SharedArrayBuffer;
  onProgress: (bytes: number) => void;
  resolve: (result: ResultsTaskResult) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export function abortError(): Error {
  const error = new Error('The operation was canceled.');
  error.name = 'AbortError';
  return error;
}

export class ResultsWorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;

  constructor(readonly size: number = Math.max(1, Math.min(availableParallelism(), 4))) {}

  run(task: ResultsTask, onProgress: (bytes: number) => void, signal?: AbortSignal): Promise<ResultsTaskResult> {
    return new Promise<ResultsTaskResult>((resolve, reject) => {
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
      const job: Job = {
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

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const job of this.queue.splice(0)) job.reject(new Error('The results reader was closed.'));
    await Promise.all(
      slots.map(async (slot) => {
        slot.job?.reject(new Error('The results reader was closed.'));
        await slot.worker.terminate();
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
      slot.worker.postMessage({ type: 'task', id: job.id, task: job.task, cancel: job.cancel });
    }
  }

  private spawn(): Slot {
    const entry = resultsWorkerEntry();
    const worker = entry.eval
      ? new Worker(entry.specifier, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1])
      : new Worker(entry.specifier);
    const slot: Slot = { worker, job: null };
    worker.on('message', (message: ResultsWorkerReply) => {
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
      if (this.slots.includes(slot)) fail(new Error(`A results worker stopped (exit code ${code}).`));
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}
