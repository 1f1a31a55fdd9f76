// The body of a download as a queue of ~1 MiB batches written one at a time, in order, to a sink
// (the `.part` file), so back-pressure, order and "write what arrived, even on a break" live in
// one place (the undici handler in undici-get.ts feeds it through body-batcher.ts).
//
// Why batches: a write per 64 KiB socket read costs a thread-pool round trip each, and those were
// most of the downloader's CPU per GiB (issue 7). One `writev` per batch costs a sixteenth.

/** Writes all of `segments` (in order) and resolves, or rejects with the disk's error. */
export type BatchSink = (segments: Buffer[], bytes: number) => Promise<void>;

export interface Batch {
  segments: Buffer[];
  bytes: number;
  /** Memory the batch keeps alive until released (a whole batch buffer even when it carries a few
   *  bytes): what the queue's limit counts. Defaults to `bytes`. */
  held?: number;
  /** Called once the batch is written (or dropped): its memory may be reused. */
  release?: () => void;
}

/** Body bytes gathered per write. */
export const BATCH_BYTES = 1024 * 1024;
/** Memory waiting for the sink beyond which the producer pauses (back-pressure to the socket).
 *  Counted in bytes held, not data bytes: a body sent in 1-byte pieces must not hold more. */
export const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export class BatchQueue {
  /** The sink's error, once it failed: nothing more is written after it. */
  failure: unknown = null;
  private queue: Batch[] = [];
  /** Memory held by queued batches and the one being written. */
  private heldBytes = 0;
  private sink: BatchSink | null = null;
  private writing = false;
  private full = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param onRoom the queue drained below the limit after `push` said "full": resume the producer
   * @param onFailure the sink failed: stop the producer (nothing it sends will be written)
   */
  constructor(
    private readonly onRoom: () => void,
    private readonly onFailure: () => void,
  ) {}

  /** Queues a batch; false means enough is waiting for the sink and the producer should pause. */
  push(batch: Batch): boolean {
    if (this.failure !== null || batch.bytes === 0) {
      batch.release?.();
      return this.failure === null;
    }
    this.queue.push(batch);
    this.heldBytes += heldBy(batch);
    this.writeNext();
    // Sticky until `onRoom`: the producer stays paused until the queue has drained to half.
    if (this.heldBytes >= MAX_QUEUED_BYTES) this.full = true;
    return !this.full;
  }

  /** Starts writing to `sink` (batches pushed before this wait for it). */
  attach(sink: BatchSink): void {
    this.sink = sink;
    this.writeNext();
  }

  /**
   * Waits for the body to end (`bodyDone`) and for everything pushed to be written. Throws the
   * sink's error first (it also stopped the body), else the body's own break.
   */
  async settle(bodyDone: Promise<void>): Promise<void> {
    let broken: unknown = null;
    try {
      await bodyDone;
    } catch (error) {
      broken = error;
    }
    await this.idle();
    if (this.failure !== null) throw this.failure;
    if (broken !== null) throw broken;
  }

  /** Resolves once everything pushed so far is written, or the sink failed. */
  idle(): Promise<void> {
    if (!this.writing && (this.queue.length === 0 || this.failure !== null || this.sink === null)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private writeNext(): void {
    if (this.writing || this.sink === null) return;
    const batch = this.queue.shift();
    if (!batch) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.writing = true;
    this.sink(batch.segments, batch.bytes).then(
      () => this.written(batch),
      (error: unknown) => {
        this.failure ??= error ?? new Error('write failed');
        for (const dropped of this.queue.splice(0)) {
          this.heldBytes -= heldBy(dropped);
          dropped.release?.();
        }
        this.written(batch);
        this.onFailure();
      },
    );
  }

  private written(batch: Batch): void {
    this.writing = false;
    this.heldBytes -= heldBy(batch);
    batch.release?.();
    if (this.full && this.failure === null && this.heldBytes < MAX_QUEUED_BYTES / 2) {
      this.full = false;
      this.onRoom();
    }
    this.writeNext();
  }
}

function heldBy(batch: Batch): number {
  return batch.held ?? batch.bytes;
}
