// Rewrites one BGZF VCF: main reads whole BGZF blocks in batches, the pool's workers inflate,
// transform and compress them (batch.ts), and main writes the results back in input order, with
// the lines cut between two batches rewritten as small tasks of their own. At most a few batches
// are in flight, so memory stays flat at any file size. The output is written under a temporary
// name and renamed at the end; a failure or a cancel removes it.
import { promises as fs } from 'node:fs';
import { BGZF_EOF_BLOCK, BGZF_MAX_BLOCK_SIZE } from '../vcf/bgzf-write';
import { parseBlockHeader } from '../vcf/bgzf';
import type { BatchResult } from './batch';
import { RewriteWorkerError, type RewritePool } from './pool';
import type { RewriteStats, TransformSpec } from './types';

export interface RewriteFileOptions {
  input: string;
  output: string;
  /** The name the change log gives this file. */
  fileName: string;
  spec: TransformSpec;
  pool: RewritePool;
  /** zlib level of the output (default 5: on genotype-only text zlib's 6 takes three to four times as long for about 7 % less). */
  level?: number;
  /** Compressed bytes read per batch. */
  batchBytes?: number;
  /** Batches read ahead of the writer. */
  maxInFlight?: number;
  signal?: AbortSignal;
  /** Compressed input bytes done so far (in order). */
  onProgress?: (bytesDone: number) => void;
  /** Change-log rows, in file order. */
  onLog?: (rows: string) => Promise<void> | void;
}

export class RewriteCanceled extends Error {
  constructor() {
    super('The rewrite was canceled.');
    this.name = 'RewriteCanceled';
  }
}

/** The input cannot be rewritten as it is (not BGZF, damaged). */
export class RewriteInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RewriteInputError';
  }
}

// Measured (scripts/bench-rewrite.ts): 1 MiB batches, one per worker and two more in flight, keep the workers busy;
// larger ones only add memory.
const DEFAULT_BATCH = 1 << 20;

interface Slot {
  /** Output of this sequence number (batches are odd, joined lines even); null = nothing to write. */
  out: Uint8Array | null;
  log: string;
  /** Input bytes done once this is written. */
  doneAt: number;
}

export async function rewriteFile(options: RewriteFileOptions): Promise<RewriteStats> {
  const { pool, signal } = options;
  const level = options.level ?? 5;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH;
  const maxInFlight = options.maxInFlight ?? pool.size + 2;
  const temp = `${options.output}.part`;
  const stats: RewriteStats = { linesIn: 0, linesOut: 0, headerLines: 0, bytesIn: 0, bytesOut: 0, textIn: 0, textOut: 0, counts: {}, marks: [] };
  const merge = (result: BatchResult): void => {
    stats.linesIn += result.linesIn;
    stats.headerLines += result.headerLines;
    stats.textIn += result.textIn;
    stats.textOut += result.textOut;
    for (const [name, n] of Object.entries(result.counts)) stats.counts[name] = (stats.counts[name] ?? 0) + n;
    for (const mark of result.marks) stats.marks.push(mark);
  };

  await pool.init(options.spec, options.fileName);
  const input = await fs.open(options.input, 'r');
  let output: fs.FileHandle | null = null;
  let failure: unknown = null;
  let writing: Promise<void> = Promise.resolve();
  const fail = (error: unknown): void => {
    failure ??= error;
    wake();
  };
  // one waiter at a time: the reader waits for room, the end waits for the writer
  let waiter: (() => void) | null = null;
  const wake = (): void => {
    const w = waiter;
    waiter = null;
    w?.();
  };
  const onAbort = (): void => fail(new RewriteCanceled());
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    if (signal?.aborted) throw new RewriteCanceled();
    const fileSize = (await input.stat()).size;
    stats.bytesIn = fileSize;
    output = await fs.open(temp, 'w');
    const out = output;

    const ready = new Map<number, Slot>();
    let nextToWrite = 0; // sequence numbers: 2i = the line joined before batch i, 2i + 1 = batch i
    let lastSeq = -1; // known once the input is read
    let inFlight = 0;
    const writeReady = (): void => {
      writing = writing.then(async () => {
        while (failure === null && ready.has(nextToWrite)) {
          const slot = ready.get(nextToWrite)!;
          ready.delete(nextToWrite);
          if (slot.out && slot.out.length > 0) {
            await out.write(slot.out);
            stats.bytesOut += slot.out.length;
          }
          if (slot.log) await options.onLog?.(slot.log);
          if (nextToWrite % 2 === 1) {
            inFlight--;
            options.onProgress?.(slot.doneAt);
          }
          nextToWrite++;
          wake();
        }
      });
      writing.catch(fail);
    };
    const put = (seq: number, slot: Slot): void => {
      ready.set(seq, slot);
      writeReady();
    };

    // Lines cut between batches, joined in batch order as results arrive.
    const results = new Map<number, BatchResult & { doneAt: number }>();
    let nextToJoin = 0;
    let fragment: Uint8Array[] = [];
    const joinLine = (seq: number, parts: Uint8Array[], doneAt: number): void => {
      const text = Buffer.concat(parts);
      if (text.length === 0) {
        put(seq, { out: null, log: '', doneAt });
        return;
      }
      pool.run({ seq, kind: 'lines', data: text, atLineStart: true, level }).then((result) => {
        merge(result);
        put(seq, { out: result.out, log: result.log, doneAt });
      }, fail);
    };
    const join = (): void => {
      while (results.has(nextToJoin)) {
        const result = results.get(nextToJoin)!;
        results.delete(nextToJoin);
        if (result.hasNewline) {
          joinLine(2 * nextToJoin, [...fragment, result.head], result.doneAt);
          fragment = result.tail.length > 0 ? [result.tail] : [];
        } else {
          // one line longer than the batch: it goes on
          put(2 * nextToJoin, { out: null, log: '', doneAt: result.doneAt });
          if (result.head.length > 0) fragment.push(result.head);
        }
        put(2 * nextToJoin + 1, { out: result.out, log: result.log, doneAt: result.doneAt });
        nextToJoin++;
      }
      if (lastSeq >= 0 && nextToJoin === (lastSeq - 1) / 2 + 1 && fragment.length > 0) {
        // the file's last line had no newline
        const last = fragment;
        fragment = [];
        joinLine(lastSeq + 1, last, fileSize);
        lastSeq += 1;
      } else if (lastSeq >= 0 && nextToJoin === (lastSeq - 1) / 2 + 1) wake();
    };

    // Read whole blocks, batch by batch.
    let offset = 0;
    let carry: Uint8Array = new Uint8Array(0);
    let batch = 0;
    for (;;) {
      while (failure === null && inFlight >= maxInFlight) await new Promise<void>((resolve) => (waiter = resolve));
      if (failure !== null) throw failure;
      const buffer = Buffer.allocUnsafeSlow(Math.max(batchBytes, carry.length + BGZF_MAX_BLOCK_SIZE));
      buffer.set(carry, 0);
      let filled = carry.length;
      const readFrom = offset + carry.length;
      const { bytesRead } = await input.read(buffer, filled, buffer.length - filled, readFrom);
      filled += bytesRead;
      if (filled === 0) break;
      // whole blocks only; the rest starts the next batch
      let end = 0;
      const view = buffer.subarray(0, filled);
      for (;;) {
        const header = parseBlockHeader(view, end);
        if (header === 'short') break;
        if (header === null) {
          throw new RewriteInputError(
            offset + end === 0
              ? `${options.fileName} is not compressed with bgzip (BGZF), so it cannot be rewritten. The servers need bgzip-compressed files too.`
              : `${options.fileName} is damaged: no BGZF block at byte ${offset + end}.`,
          );
        }
        if (end + header.blockSize > filled) break;
        end += header.blockSize;
      }
      if (end === 0) {
        if (bytesRead === 0) throw new RewriteInputError(`${options.fileName} ends in the middle of a BGZF block (the file is cut short).`);
        carry = buffer.subarray(0, filled);
        continue;
      }
      carry = Uint8Array.prototype.slice.call(buffer, end, filled) as Uint8Array;
      const index = batch++;
      const doneAt = offset + end;
      const batchStart = offset;
      offset += end;
      inFlight++;
      pool.run({ seq: 2 * index + 1, kind: 'blocks', data: buffer.subarray(0, end), atLineStart: index === 0, level }, true).then(
        (result) => {
          merge(result);
          results.set(index, { ...result, doneAt });
          join();
        },
        (error: unknown) =>
          fail(
            error instanceof RewriteWorkerError && error.offset !== null
              ? new RewriteInputError(`${options.fileName} is damaged near byte ${batchStart + error.offset}: ${error.message}.`)
              : error,
          ),
      );
      if (bytesRead === 0 && carry.length === 0) break;
      if (offset >= fileSize && carry.length === 0) break;
    }
    lastSeq = 2 * batch - 1;
    join();
    // wait until every batch and joined line is written
    while (failure === null && nextToWrite <= lastSeq) await new Promise<void>((resolve) => (waiter = resolve));
    await writing;
    if (failure !== null) throw failure;
    await out.write(BGZF_EOF_BLOCK);
    stats.bytesOut += BGZF_EOF_BLOCK.length;
    await out.close();
    output = null;
    await fs.rename(temp, options.output);
    stats.linesOut = stats.linesIn; // transforms report what they dropped in counts
    return stats;
  } catch (error) {
    throw failure ?? error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await writing.catch(() => undefined);
    await input.close().catch(() => undefined);
    if (output) {
      await output.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
    }
  }
}
