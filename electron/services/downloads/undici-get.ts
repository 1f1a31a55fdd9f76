// One GET of a download through undici's low-level `Dispatcher.dispatch()`, direct or through a
// proxy alike. The body goes straight from undici's parser into reusable 1 MiB batches that are
// written with `writev`, with back-pressure through the handler's pause and resume.
//
// Why dispatch() and not request(): request() turns every chunk into a stream event and keeps
// the chunks (views into whole socket reads) queued in the stream, which cost CPU per GiB and
// let a body in 1-byte pieces hold ~64 KiB per byte. Here each chunk goes into a batch at once,
// and the batches count the memory they hold (body-batcher.ts).
//
// Why the controller API (onRequestStart / onResponseStart / onResponseData / onResponseEnd /
// onResponseError): it is undici 7's current handler interface (the onConnect / onHeaders /
// onData / onComplete / onError one is deprecated), and its controller pauses and resumes the
// parser from anywhere (the disk's write callback), not only through onData's return value.
//
// What undici enforces for us (llhttp in strict mode): a status line and header block that are
// HTTP/1.1, CRLF line ends, no NUL or other control bytes in header values, one Content-Length,
// never Content-Length with Transfer-Encoding, hex chunk sizes with CRLF, a
// body no longer than its length, a head of at most `maxHeaderSize` (16 KiB by default),
// `headersTimeout` and `bodyTimeout`. On top of that, here: a total deadline for the head (undici's
// headersTimeout restarts on each interim 1xx answer), a cap and a deadline on error bodies read
// as text, and the caller's abort signal.
//
// undici 7 crashes the process (an uncatchable AssertionError from the socket's 'end' handler)
// when a response is paused and the server closes the connection (nodejs/undici#5360, fixed in
// undici 8). A server can cause that at will (a head and a close), so each exchange watches its
// own socket (found through undici's documented `undici:client:sendHeaders` diagnostics channel)
// and resumes the parser before undici sees the end; the socket's buffer is empty by then, so
// this costs no memory.
import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import type { Answer, AnswerBody } from './answer';
import { BatchQueue, type BatchSink } from './batch-queue';
import { BodyBatcher } from './body-batcher';

export interface UndiciGetOptions {
  dispatcher: Dispatcher;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Total time from the call until the answer's head is complete (not an idle timer). */
  headDeadlineMs: number;
  /** Longest silence while the body flows (not counted while the disk holds it back); 0 = none. */
  bodyIdleMs: number;
  userAgent: string;
  /** Called when undici is about to write the request: from then on it may have reached the server. */
  onRequestSent?: () => void;
}

export type UndiciGetErrorCode = 'DOWNLOAD_HEAD_DEADLINE' | 'DOWNLOAD_ABORTED' | 'DOWNLOAD_BAD_URL' | 'DOWNLOAD_BAD_FRAMING' | 'DOWNLOAD_DISCARDED';

/** Failures raised here (undici's own errors keep their `UND_ERR_*` / `HPE_*` codes). */
export class UndiciGetError extends Error {
  constructor(
    readonly code: UndiciGetErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'UndiciGetError';
  }
}

/** Progress is reported at least every this many bytes, and within this delay otherwise. */
const PROGRESS_STEP_BYTES = 64 * 1024;
const PROGRESS_DELAY_MS = 50;

/** The exchange whose request undici is writing right now (set in onRequestStart, which undici
 *  calls synchronously just before it publishes `sendHeaders` for the same request). */
let writing: Exchange | null = null;
subscribe('undici:client:sendHeaders', (message) => {
  const exchange = writing;
  writing = null;
  const { request, socket } = message as { request?: { method?: string }; socket?: Socket };
  if (exchange && request?.method === 'GET' && socket) exchange.watch(socket);
});

export function undiciGet(url: string, options: UndiciGetOptions): Promise<Answer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new UndiciGetError('DOWNLOAD_BAD_URL', 'the download address is not a URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new UndiciGetError('DOWNLOAD_BAD_URL', `the download address uses ${target.protocol.replace(/:$/, '')}, not http or https`));
  }
  return new Promise<Answer>((resolve, reject) => {
    const exchange = new Exchange(options, resolve, reject);
    exchange.start(target);
  });
}

type Consumer =
  | { kind: 'none'; early: Buffer[] }
  | { kind: 'pump'; batcher: BodyBatcher; onBytes?: (received: number) => void }
  | { kind: 'text'; parts: Buffer[]; kept: number; limit: number; done: () => void }
  | { kind: 'dump' };

class Exchange implements Dispatcher.DispatchHandler {
  private phase: 'head' | 'body' | 'ended' | 'failed' = 'head';
  private controller: Dispatcher.DispatchController | null = null;
  private failure: Error | null = null;
  private headTimer: NodeJS.Timeout | null = null;
  private consumer: Consumer = { kind: 'none', early: [] };
  private received = 0;
  private reported = 0;
  private progressTimer: NodeJS.Timeout | null = null;
  private settleBody!: (error: Error | null) => void;
  private readonly bodyDone: Promise<void>;
  private readonly onAbort = () => this.fail(new UndiciGetError('DOWNLOAD_ABORTED', 'stopped'));

  constructor(
    private readonly options: UndiciGetOptions,
    private readonly resolveHead: (answer: Answer) => void,
    private readonly rejectHead: (error: unknown) => void,
  ) {
    this.bodyDone = new Promise<void>((resolve, reject) => {
      this.settleBody = (error) => (error ? reject(error) : resolve());
    });
    this.bodyDone.catch(() => undefined); // a body nobody reads (dump, a failed head) must not be "unhandled"
  }

  start(target: URL): void {
    const { options } = this;
    if (options.signal?.aborted) return this.onAbort();
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.headTimer = setTimeout(
      () => this.fail(new UndiciGetError('DOWNLOAD_HEAD_DEADLINE', `no answer within ${seconds(options.headDeadlineMs)}`)),
      options.headDeadlineMs,
    );
    try {
      options.dispatcher.dispatch(
        {
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: 'GET',
          headers: { accept: '*/*', 'accept-encoding': 'identity', 'user-agent': options.userAgent, ...options.headers },
          headersTimeout: options.headDeadlineMs,
          bodyTimeout: options.bodyIdleMs,
          // Close the connection after this answer: with the downloads' own Agent every GET, and
          // so every credit spent, goes out on a fresh connection, never on one the server may
          // have closed meanwhile.
          reset: true,
        },
        this,
      );
    } catch (error) {
      this.fail(error as Error); // bad arguments (e.g. a header undici refuses): nothing was sent
    }
  }

  // --- undici's handler interface --------------------------------------------------------------

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.failure) {
      controller.abort(this.failure);
      return;
    }
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the sendHeaders subscriber hands this exchange its socket
    writing = this;
    queueMicrotask(() => {
      if (writing === this) writing = null;
    });
    this.options.onRequestSent?.();
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Answer['headers']): void {
    this.controller = controller;
    if (statusCode < 200 || this.phase !== 'head') return; // an interim answer (103 Early Hints): the real one follows
    // We ask for identity: chunked is the only transfer coding a server may add, once. llhttp
    // decodes chunked and passes any other coding through, which would be written as the file.
    const codings = transferCodings(headers['transfer-encoding']);
    if (codings !== null && (codings.length !== 1 || codings[0] !== 'chunked')) {
      this.fail(new UndiciGetError('DOWNLOAD_BAD_FRAMING', `the answer uses a transfer coding that was not asked for (${codings.join(', ')})`));
      return;
    }
    this.phase = 'body';
    this.clearHeadTimer();
    controller.pause(); // until the caller says what to do with the body
    this.resolveHead({ statusCode, headers, body: this.answerBody() });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.phase !== 'body') return;
    const consumer = this.consumer;
    switch (consumer.kind) {
      case 'pump': {
        this.received += chunk.length;
        if (!consumer.batcher.take(chunk)) controller.pause();
        if (this.received - this.reported >= PROGRESS_STEP_BYTES) this.report();
        else this.progressTimer ??= setTimeout(() => this.report(), PROGRESS_DELAY_MS);
        return;
      }
      case 'text': {
        const piece = chunk.subarray(0, consumer.limit - consumer.kept);
        consumer.parts.push(Buffer.from(piece));
        consumer.kept += piece.length;
        if (consumer.kept >= consumer.limit) consumer.done();
        return;
      }
      case 'none':
        // Paused at the head, so this is at most the rest of one read: keep it for the caller.
        consumer.early.push(Buffer.from(chunk));
        controller.pause();
        return;
      case 'dump':
        return;
    }
  }

  onResponseEnd(): void {
    if (this.phase !== 'body') return;
    this.phase = 'ended';
    this.cleanUp();
    this.endBody(null);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  // --- the socket guard (undici#5360) ---------------------------------------------------------

  watch(socket: Socket): void {
    if (this.phase === 'ended' || this.phase === 'failed') return;
    // Ahead of undici's own listeners, which must never meet a paused parser at the end. The
    // socket serves this one exchange (reset: true), so the listeners go with it.
    socket.prependListener('end', this.onSocketEnd);
    socket.prependListener('error', this.onSocketError);
  }

  private readonly onSocketEnd = () => {
    if (this.controller?.paused) this.controller.resume();
  };

  private readonly onSocketError = (error: NodeJS.ErrnoException) => {
    // undici takes a reset like a close and finishes the parser (for macOS, where a complete answer
    // may end so): a paused parser cannot be finished, and a body that runs until the close would
    // be taken as complete. A reset is reported as the break it is.
    if (error.code === 'ECONNRESET') error.code = 'DOWNLOAD_RESET';
  };

  // --- the body, for the caller ----------------------------------------------------------------

  private answerBody(): AnswerBody {
    return {
      pump: (sink, onBytes) => this.pump(sink, onBytes),
      text: (limit) => this.text(limit),
      dump: async () => {
        this.consumer = { kind: 'dump' };
        this.fail(new UndiciGetError('DOWNLOAD_DISCARDED', 'the answer was not needed'));
      },
    };
  }

  private async pump(sink: BatchSink, onBytes?: (received: number) => void): Promise<void> {
    const queue = new BatchQueue(
      () => this.controller?.resume(),
      () => this.fail(queue.failure as Error),
    );
    queue.attach(sink);
    const early = this.consumer.kind === 'none' ? this.consumer.early : [];
    const batcher = new BodyBatcher(queue);
    this.consumer = { kind: 'pump', batcher, onBytes };
    for (const chunk of early) {
      this.received += chunk.length;
      batcher.take(chunk);
    }
    if (this.phase === 'body') {
      this.report();
      this.controller?.resume();
    } else {
      // The answer ended (or broke) before it was asked for: what arrived is written all the same.
      batcher.flush();
      this.report();
    }
    await queue.settle(this.bodyDone);
  }

  /** Up to `limit` bytes of the body as text (an error answer); the rest is not read. */
  private text(limit: number): Promise<string> {
    return new Promise<string>((resolve) => {
      const parts: Buffer[] = this.consumer.kind === 'none' ? this.consumer.early : [];
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (this.phase === 'body') this.fail(new UndiciGetError('DOWNLOAD_DISCARDED', 'the rest of the answer was not needed'));
        resolve(Buffer.concat(parts).subarray(0, limit).toString('utf8'));
      };
      // The message is a nicety: a server that trickles it gets no more time than it had for the head.
      const deadline = setTimeout(done, this.options.headDeadlineMs);
      this.consumer = { kind: 'text', parts, kept: parts.reduce((sum, part) => sum + part.length, 0), limit, done };
      this.bodyDone.then(done, done);
      if (this.consumer.kept >= limit) return done();
      if (this.phase === 'body') this.controller?.resume();
    });
  }

  // --- ending ----------------------------------------------------------------------------------

  /** Stops the exchange with `error` (once): before the head the answer fails, after it the body. */
  private fail(error: Error): void {
    if (this.phase === 'ended' || this.phase === 'failed') return;
    const wasHead = this.phase === 'head';
    this.phase = 'failed';
    this.failure = error;
    this.cleanUp();
    // Synchronously calls onResponseError, which finds the phase already 'failed'.
    this.controller?.abort(error);
    if (wasHead) {
      this.rejectHead(error);
      this.settleBody(error);
    } else {
      this.endBody(error);
    }
  }

  private endBody(error: Error | null): void {
    if (this.consumer.kind === 'pump') {
      // What arrived is written either way: a free resume continues exactly there.
      this.consumer.batcher.flush();
      this.report();
    }
    this.settleBody(error);
  }

  private report(): void {
    if (this.progressTimer) clearTimeout(this.progressTimer);
    this.progressTimer = null;
    if (this.consumer.kind !== 'pump' || this.reported === this.received) return;
    this.reported = this.received;
    this.consumer.onBytes?.(this.received);
  }

  private clearHeadTimer(): void {
    if (this.headTimer) clearTimeout(this.headTimer);
    this.headTimer = null;
  }

  private cleanUp(): void {
    this.clearHeadTimer();
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }
}

function transferCodings(value: string | string[] | undefined): string[] | null {
  if (value === undefined) return null;
  return [value]
    .flat()
    .join(',')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter(Boolean);
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}
