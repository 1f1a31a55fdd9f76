import { describe, expect, it } from 'vitest';
import { BatchQueue, MAX_QUEUED_BYTES } from '../../electron/services/downloads/batch-queue';

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
