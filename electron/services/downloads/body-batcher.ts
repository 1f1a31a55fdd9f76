// Copies body chunks into reusable 1 MiB buffers and queues each full one for the disk.
//
// Why a copy: a chunk from undici is a view into the socket read it came from (64 KiB or more).
// Keeping such views until they are written would hold a whole read for every chunk, so a body
// sent in 1-byte pieces held ~64 KiB per byte. A copy holds what the batch buffers hold, and those
// are counted by the queue whatever the chunking (BatchQueue `held`).
import { BATCH_BYTES, type BatchQueue } from './batch-queue';

/** Chunks up to this size are copied byte by byte: cheaper than a native copy call. */
const SMALL_CHUNK = 32;

export class BodyBatcher {
  private readonly free: Buffer[] = [];
  private current: Buffer | null = null;
  private used = 0;

  constructor(private readonly queue: BatchQueue) {}

  /** Copies `chunk` into batches; false means the queue is full and the producer should pause. */
  take(chunk: Uint8Array): boolean {
    let room = true;
    let at = 0;
    while (at < chunk.length) {
      const target = this.current ?? this.startBatch();
      const count = Math.min(chunk.length - at, BATCH_BYTES - this.used);
      if (count <= SMALL_CHUNK) {
        for (let i = 0; i < count; i++) target[this.used + i] = chunk[at + i];
      } else {
        target.set(chunk.subarray(at, at + count), this.used);
      }
      this.used += count;
      at += count;
      if (this.used === BATCH_BYTES && !this.flush()) room = false;
    }
    return room;
  }

  /** Queues the batch being filled (at the end of the body, on a break, or when full). */
  flush(): boolean {
    const buffer = this.current;
    const bytes = this.used;
    this.current = null;
    this.used = 0;
    if (buffer === null || bytes === 0) {
      if (buffer) this.free.push(buffer);
      return true;
    }
    return this.queue.push({ segments: [buffer.subarray(0, bytes)], bytes, held: buffer.length, release: () => this.free.push(buffer) });
  }

  private startBatch(): Buffer {
    this.current = this.free.pop() ?? Buffer.allocUnsafe(BATCH_BYTES);
    this.used = 0;
    return this.current;
  }
}
