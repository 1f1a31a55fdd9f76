// A small pool of scan workers shared by all scans: workers start lazily (starting one costs
// ~0.1-0.5 s), are reused, hold the event loop only while busy, and are replaced if one dies.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { workerEntry } from './worker-path';
import type { RangeTask, RangeResult } from './range-scan';
import type { WorkerReply } from './scan-worker';

interface Job {
  id: number;
  task: RangeTask;
  cancel: SharedArrayBuffer;
  onProgress: (bytes: number) => void;
  resolve: (r: RangeResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export class ScanWorkerPool {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private nextId = 1;

  constructor(readonly size: number = defaultWorkerCount()) {}

  run(task: RangeTask, onProgress: (bytes: number) => void, signal?: AbortSignal): Promise<RangeResult> {
    return new Promise<RangeResult>((resolve, reject) => {
      const cancel = new SharedArrayBuffer(4);
      const job: Job = { id: this.nextId++, task, cancel, onProgress, resolve, reject };
      if (signal) {
        const onAbort = (): void => {
          Atomics.store(new Int32Array(cancel), 0, 1);
          const qi = this.queue.indexOf(job);
          if (qi >= 0) {
            this.queue.splice(qi, 1);
            reject(abortError());
          }
        };
        if (signal.aborted) {
          reject(abortError());
          return;
        }
        signal.addEventListener('abort', onAbort, { once: true });
        const done = (): void => signal.removeEventListener('abort', onAbort);
        job.resolve = (r) => {
          done();
          resolve(r);
        };
        job.reject = (e) => {
          done();
          reject(e);
        };
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops all workers (pending jobs are rejected). */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    for (const job of this.queue.splice(0)) job.reject(new Error('scan pool closed'));
    await Promise.all(
      slots.map(async (s) => {
        s.job?.reject(new Error('scan pool closed'));
        await s.worker.terminate();
      }),
    );
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => s.job === null);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ type: 'task', id: job.id, task: job.task, cancel: job.cancel });
    }
  }

  private spawn(): Slot {
    const entry = workerEntry();
    const worker = entry.eval
      ? new Worker(entry.specifier as string, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1])
      : new Worker(entry.specifier);
    const slot: Slot = { worker, job: null };
    worker.on('message', (msg: WorkerReply) => {
      const job = slot.job;
      if (!job || msg.id !== job.id) return;
      if (msg.type === 'progress') {
        job.onProgress(msg.bytes);
        return;
      }
      slot.job = null;
      worker.unref();
      if (msg.type === 'done') job.resolve(msg.result);
      else if (msg.type === 'cancelled') job.reject(abortError());
      else job.reject(new Error(msg.message));
      this.pump();
    });
    const fail = (err: Error): void => {
      this.slots = this.slots.filter((s) => s !== slot);
      slot.job?.reject(err);
      slot.job = null;
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) fail(new Error(`scan worker exited with code ${code}`));
    });
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 4));
}

export function abortError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

let shared: ScanWorkerPool | null = null;
export function sharedPool(): ScanWorkerPool {
  shared ??= new ScanWorkerPool();
  return shared;
}
