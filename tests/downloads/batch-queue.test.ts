import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { BATCH_BYTES, BatchQueue, MAX_QUEUED_BYTES } from '../../electron/services/downloads/batch-queue';
import { BodyBatcher } from '../../electron/services/downloads/body-batcher';

const MiB = 1024 * 1024;
const batch = (bytes: number, released?: number[]) => ({ segments: [Buffer.alloc(bytes)], bytes, release: () => released?.push(bytes) });

/** A sink whose writes finish only when the test says so. */
function manualSink() {
  const pending: (() => void)[] = [];
  const written: number[] = [];
  return {
    written,
    pending,
    sink: (_segments: Buffer[], bytes: number) =>
      new Promise<void>((resolve) =>
        pending.push(() => {
          written.push(bytes);
          resolve();
        }),
      ),
    async finishOne() {
      pending.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('BatchQueue', () => {
  it('writes batches one at a time, in order, and releases each after its write', async () => {
    const released: number[] = [];
    const queue = new BatchQueue(
      () => undefined,
      () => undefined,
    );
    const writes = manualSink();
    queue.push(batch(1, released));
    queue.push(batch(2, released));
    queue.attach(writes.sink);
    expect(writes.pending).toHaveLength(1); // the second waits for the first
    await writes.finishOne();
    expect(released).toEqual([1]);
    await writes.finishOne();
    await queue.idle();
    expect(writes.written).toEqual([1, 2]);
    expect(released).toEqual([1, 2]);
  });

  it('stays full until drained to half, then calls onRoom once', async () => {
    let rooms = 0;
    const queue = new BatchQueue(
      () => rooms++,
      () => undefined,
    );
    const writes = manualSink();
    queue.attach(writes.sink);
    let accepted = true;
    let pushed = 0;
    while (accepted) {
      accepted = queue.push(batch(MiB));
      pushed++;
    }
    expect(pushed).toBe(MAX_QUEUED_BYTES / MiB);
    await writes.finishOne(); // below the limit, above half
    // A producer that still hands over a batch (one read in flight) is told to stay paused.
    expect(queue.push(batch(MiB))).toBe(false);
    expect(rooms).toBe(0);
    while (writes.pending.length && rooms === 0) await writes.finishOne();
    expect(rooms).toBe(1);
    expect(queue.push(batch(MiB))).toBe(true);
    while (writes.pending.length) await writes.finishOne();
    await queue.idle();
  });

  it('on a failed write: keeps the error, drops the rest, stops the producer', async () => {
    const released: number[] = [];
    let stopped = 0;
    const queue = new BatchQueue(
      () => undefined,
      () => stopped++,
    );
    const full = Object.assign(new Error('no space'), { code: 'ENOSPC' });
    queue.push(batch(1, released));
    queue.push(batch(2, released));
    queue.attach(() => Promise.reject(full));
    await queue.idle();
    expect(queue.failure).toBe(full);
    expect(stopped).toBe(1);
    expect(released.sort()).toEqual([1, 2]);
    expect(queue.push(batch(3, released))).toBe(false);
    expect(released).toContain(3);
  });
});

describe('BatchQueue memory accounting', () => {
  it('counts the memory a batch holds, not its data bytes', async () => {
    const queue = new BatchQueue(
      () => undefined,
      () => undefined,
    );
    const writes = manualSink();
    queue.attach(writes.sink);
    // One data byte each, but each keeps a whole 1 MiB buffer alive until written.
    let pushed = 0;
    while (queue.push({ segments: [Buffer.alloc(1)], bytes: 1, held: MiB })) pushed++;
    expect(pushed + 1).toBe(MAX_QUEUED_BYTES / MiB);
    while (writes.pending.length) await writes.finishOne();
  });
});

describe('BodyBatcher', () => {
  function collect() {
    const batches: { data: Buffer; held: number }[] = [];
    const queue = new BatchQueue(
      () => undefined,
      () => undefined,
    );
    queue.attach(async (segments, bytes) => {
      const data = Buffer.concat(segments);
      expect(data.length).toBe(bytes);
      batches.push({ data, held: 0 });
    });
    return { queue, batches };
  }

  it('keeps order across copied and kept chunks, in batches of about 1 MiB', async () => {
    const { queue, batches } = collect();
    const batcher = new BodyBatcher(queue);
    const parts: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      // Small pieces are copied; a fresh 64 KiB buffer is kept as it is.
      const part = i % 5 === 0 ? randomBytes(64 * 1024) : randomBytes(1 + (i % 37));
      parts.push(part);
      batcher.take(part);
    }
    batcher.flush();
    await queue.idle();
    expect(Buffer.concat(batches.map((batch) => batch.data)).equals(Buffer.concat(parts))).toBe(true);
    expect(batches.slice(0, -1).every((batch) => batch.data.length >= BATCH_BYTES && batch.data.length < BATCH_BYTES + 64 * 1024)).toBe(true);
  });

  it('copies a small view of a large buffer rather than keeping the buffer alive', () => {
    const pushed: { held?: number; bytes: number }[] = [];
    const queue = { push: (batch: { held?: number; bytes: number }) => (pushed.push(batch), true) } as unknown as BatchQueue;
    const batcher = new BodyBatcher(queue);
    const read = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 1000; i++) batcher.take(read.subarray(i, i + 1)); // 1-byte views into one 64 KiB read
    batcher.take(Buffer.alloc(64 * 1024).subarray(0, 20 * 1024)); // uses a third of its buffer: copied too
    batcher.flush();
    expect(pushed).toEqual([expect.objectContaining({ bytes: 1000 + 20 * 1024, held: BATCH_BYTES })]);
  });
});
