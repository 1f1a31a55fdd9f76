// One HTTP answer to a download GET (undici-get.ts makes them): status, headers, and a body that
// is written to disk in batches, read as a short text (an error answer) or thrown away.
import type { BatchSink } from './batch-queue';

export type AnswerHeaders = Record<string, string | string[] | undefined>;

export interface AnswerBody {
  /**
   * Streams the body to `sink` in ~1 MiB batches, in order, with back-pressure; `onBytes` gets
   * the running count of body bytes received. Resolves when the whole body is written. On a
   * break, everything that arrived is still written, then it rejects with the break (or with the
   * sink's error, which also stops the transfer).
   */
  pump(sink: BatchSink, onBytes?: (received: number) => void): Promise<void>;
  /** At most `limit` bytes of the body as text (error answers); the rest is not read. */
  text(limit: number): Promise<string>;
  /** Throws the body away (closing the connection). */
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
