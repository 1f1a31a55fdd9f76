// Gathers body chunks into ~1 MiB batches for the disk, bounded by the memory they hold.
//
// A chunk from undici is a view into the socket read it came from (64 KiB on a fast link).
// Keeping every view until it is written would let a body sent in 1-byte pieces hold ~64 KiB per
// byte, so small chunks are copied into a reusable 1 MiB buffer; a chunk that fills most of its
// read is kept as it is (no copy, and it holds little more than its own bytes). Each batch tells
// the queue what it holds (BatchQueue `held`), so the limit counts memory, whatever the chunking.
import { BATCH_BYTES, type BatchQueue } from './batch-queue';

/** A chunk this large that uses at least half of its buffer is kept rather than copied. */
const KEEP_MIN_BYTES = 16 * 1024;
/** Chunks up to this size are copied byte by byte: cheaper than a native copy call. */
const SMALL_CHUNK = 32;

export class BodyBatcher {
  private readonly free: Buffer[] = [];
  private segments: Buffer[] = [];
  private bytes = 0;
  /** Memory held by the kept chunks of this batch. */
  private keptHeld = 0;
  /** The copy buffer of this batch, how far it is filled, and where its open segment starts. */
  private scratch: Buffer | null = null;
  private scratchUsed = 0;
  private spanStart = 0;

  constructor(private readonly queue: BatchQueue) {}

  /** Takes `chunk` into batches; false means the queue is full and the producer should pause. */
  take(chunk: Buffer): boolean {
    if (chunk.length >= KEEP_MIN_BYTES && chunk.length * 2 >= chunk.buffer.byteLength) {
      this.closeSpan();
      this.segments.push(chunk);
      this.bytes += chunk.length;
      this.keptHeld += chunk.buffer.byteLength;
      return this.bytes >= BATCH_BYTES ? this.flush() : true;
    }
    let room = true;
    let at = 0;
    while (at < chunk.length) {
      // The copy buffer is as large as a batch, so a batch never outgrows it.
      const target = (this.scratch ??= this.free.pop() ?? Buffer.allocUnsafe(BATCH_BYTES));
      const count = Math.min(chunk.length - at, BATCH_BYTES - this.bytes);
      if (count <= SMALL_CHUNK) {
        for (let i = 0; i < count; i++) target[this.scratchUsed + i] = chunk[at + i];
      } else {
        target.set(chunk.subarray(at, at + count), this.scratchUsed);
      }
      this.scratchUsed += count;
      this.bytes += count;
      at += count;
      if (this.bytes >= BATCH_BYTES && !this.flush()) room = false;
    }
    return room;
  }

  /** Queues the batch being gathered (when full, at the end of the body, or on a break). */
  flush(): boolean {
    this.closeSpan();
    const { segments, bytes, scratch } = this;
    const held = this.keptHeld + (scratch?.length ?? 0);
    this.segments = [];
    this.bytes = 0;
    this.keptHeld = 0;
    this.scratch = null;
    this.scratchUsed = 0;
    this.spanStart = 0;
    if (bytes === 0) {
      if (scratch) this.free.push(scratch);
      return true;
    }
    return this.queue.push({ segments, bytes, held, release: scratch ? () => this.free.push(scratch) : undefined });
  }

  /** Ends the segment of copied bytes, so a kept chunk follows it in order. */
  private closeSpan(): void {
    if (this.scratch && this.scratchUsed > this.spanStart) {
      this.segments.push(this.scratch.subarray(this.spanStart, this.scratchUsed));
      this.spanStart = this.scratchUsed;
    }
  }
}
