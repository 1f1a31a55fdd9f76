// One HTTP answer to a download GET, whichever client fetched it: the direct client
// (http-get.ts) or undici through a proxy (`fromUndici` below).
import { finished } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { BATCH_BYTES, BatchQueue, type BatchSink } from './batch-queue';

export type AnswerHeaders = Record<string, string | string[] | undefined>;

export interface AnswerBody {
  /**
   * Streams the body to `sink` in ~1 MiB batches, in order, with back-pressure; `onBytes` gets
   * the running count of body bytes received. Resolves when the whole body is written. On a
   * break, everything that arrived is still written, then it rejects with the break (or with the
   * sink's error, which also stops the transfer).
   */
  pump(sink: BatchSink, onBytes?: (received: number) => void): Promise<void>;
  /** The body as text, at most `limit` characters (error answers). */
  text(limit: number): Promise<string>;
  /** Throws the body away and frees the connection. */
  dump(): Promise<void>;
}

export interface Answer {
  statusCode: number;
  /** Lower-case names; a repeated header is an array. */
  headers: AnswerHeaders;
  body: AnswerBody;
}

export function header(headers: AnswerHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Collects a body as text through `pump` (both clients share it). */
export async function bodyText(body: AnswerBody, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let kept = 0;
  try {
    await body.pump(async (segments) => {
      for (const segment of segments) {
        if (kept >= limit) return;
        const piece = Buffer.from(segment.subarray(0, limit - kept)); // a copy: the segment's memory is reused
        parts.push(piece);
        kept += piece.length;
      }
    });
  } catch {
    // what arrived is enough for a message
  }
  return Buffer.concat(parts).toString('utf8');
}

/** An undici answer (used when a proxy is configured) in the shape above. */
export function fromUndici(data: Dispatcher.ResponseData): Answer {
  const { body } = data;
  const answerBody: AnswerBody = {
    async pump(sink, onBytes) {
      const queue = new BatchQueue(
        () => body.resume(),
        () => body.destroy(),
      );
      queue.attach(sink);
      let chunks: Buffer[] = [];
      let batchBytes = 0;
      let received = 0;
      const flush = () => {
        const segments = chunks;
        const bytes = batchBytes;
        chunks = [];
        batchBytes = 0;
        return queue.push({ segments, bytes });
      };
      body.on('data', (chunk: Buffer) => {
        received += chunk.length;
        chunks.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= BATCH_BYTES && !flush()) body.pause();
        onBytes?.(received);
      });
      // What arrived before the end (or a break) is written either way.
      await queue.settle(finished(body).finally(flush));
    },
    text: (limit) => bodyText(answerBody, limit),
    dump: () => body.dump(),
  };
  return { statusCode: data.statusCode, headers: data.headers, body: answerBody };
}
