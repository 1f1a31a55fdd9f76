// The rewriter's worker threads: one transform per file (init), then batches in any order on
// whichever worker is free; the coordinator puts results back in order. Workers live as long as
// the pool (one rewrite of a set of files) and are stopped by close() (after the batch in hand:
// worker-stop.ts says why they are never terminated mid-batch).
import type { Worker } from 'node:worker_threads';
import { defaultWorkerCount } from '../workers/task-pool';
import { startWorker } from '../workers/worker-entry';
import { stopWorker } from '../workers/worker-stop';
import type { BatchResult, BatchTask } from './batch';
import type { EstimateRequest, EstimateResult } from './sample-estimate';
import type { TransformSpec } from './types';
import { rewriteWorkerEntry } from './worker-path';
import type { WorkerReply, WorkerRequest } from './rewrite-worker';

/** A worker failed on the input (offset relative to the batch when known). */
export class RewriteWorkerError extends Error {
  constructor(
    message: string,
    readonly offset: number | null,
  ) {
    super(message);
    this.name = 'RewriteWorkerError';
  }
}

interface Pending {
  resolve: (reply: WorkerReply) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  pending: Map<number, Pending>;
}

type Queued = { message: WorkerRequest; transfer: ArrayBuffer[]; pending: Pending };

export class RewritePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number = defaultWorkerCount()) {}

  /** Every worker builds this transform for the file named (batches of the previous file must be done). */
  async init(spec: TransformSpec, fileName: string): Promise<void> {
    while (this.slots.length < this.size) this.spawn();
    await Promise.all(this.slots.map((slot) => this.send(slot, { type: 'init', id: this.nextId++, spec, fileName }, [])));
  }

  /** Runs a batch on a free worker; with `move`, the task's buffer goes to the worker (no copy, unusable here after). */
  run(task: BatchTask, move = false): Promise<BatchResult> {
    const transfer = move ? [task.data.buffer as ArrayBuffer] : [];
    return this.dispatch({ type: 'batch', id: this.nextId++, task }, transfer).then((reply) => {
      if (reply.type !== 'done') throw new Error('unexpected worker reply');
      return reply.result;
    });
  }

  estimate(request: EstimateRequest): Promise<EstimateResult> {
    if (this.slots.length === 0) this.spawn();
    return this.dispatch({ type: 'estimate', id: this.nextId++, request }, []).then((reply) => {
      if (reply.type !== 'estimated') throw new Error('unexpected worker reply');
      return reply.result;
    });
  }

  /** Stops the workers after the batch each has in hand; resolves with their exit codes (0: ended by themselves). */
  async close(): Promise<number[]> {
    this.closed = true;
    for (const queued of this.queue.splice(0)) queued.pending.reject(new Error('the rewrite was stopped'));
    return Promise.all(
      this.slots.splice(0).map(async (slot) => {
        for (const pending of slot.pending.values()) pending.reject(new Error('the rewrite was stopped'));
        slot.pending.clear();
        return stopWorker(slot.worker);
      }),
    );
  }

  private dispatch(message: WorkerRequest, transfer: ArrayBuffer[]): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(new Error('the rewrite was stopped'));
    return new Promise<WorkerReply>((resolve, reject) => {
      this.queue.push({ message, transfer, pending: { resolve, reject } });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((candidate) => !candidate.busy);
      if (!slot) return;
      const queued = this.queue.shift()!;
      slot.busy = true;
      slot.pending.set(queued.message.id, queued.pending);
      slot.worker.postMessage(queued.message, queued.transfer);
    }
  }

  /** Sends to one particular worker (init), outside the queue. */
  private send(slot: Slot, message: WorkerRequest, transfer: ArrayBuffer[]): Promise<WorkerReply> {
    return new Promise<WorkerReply>((resolve, reject) => {
      slot.pending.set(message.id, { resolve, reject });
      slot.worker.postMessage(message, transfer);
    });
  }

  private spawn(): Slot {
    const worker = startWorker(rewriteWorkerEntry());
    const slot: Slot = { worker, busy: false, pending: new Map() };
    worker.on('message', (reply: WorkerReply) => {
      const pending = slot.pending.get(reply.id);
      if (!pending) return;
      slot.pending.delete(reply.id);
      if (reply.type !== 'ready') slot.busy = false;
      if (reply.type === 'error') pending.reject(new RewriteWorkerError(reply.message, reply.offset));
      else pending.resolve(reply);
      this.pump();
    });
    const fail = (error: Error): void => {
      const index = this.slots.indexOf(slot);
      if (index < 0) return;
      this.slots.splice(index, 1);
      for (const pending of slot.pending.values()) pending.reject(error);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a rewrite worker stopped (exit code ${code})`)));
    this.slots.push(slot);
    return slot;
  }
}
