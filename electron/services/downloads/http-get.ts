// A lean HTTP/1.1 GET for result files over a direct connection (no proxy: then undici is used).
//
// Why not undici here (issue 7): on a fast link the downloader's CPU went into per-read costs,
// not into the bytes: a new 64 KiB Buffer per socket read (and its garbage collection), a copy
// into undici's wasm parser, a stream push per chunk. This client reads straight into reusable
// 1 MiB batch buffers (`onread` with a user buffer), frames the body in place (chunked framing is
// skipped, not copied out) and hands each full batch to the disk as one `writev`. It uses about a
// quarter of the CPU per GiB of the undici path and less than curl.
//
// Scope, on purpose: one request per connection (`Connection: close`), GET only, identity
// encoding, plain TCP or TLS with the platform's certificate checks. Answers are parsed strictly
// enough to never take a broken frame for data: a bad status line, header block, chunk size or a
// short body is an error, and an answer longer than its Content-Length is cut there.
import net from 'node:net';
import tls from 'node:tls';
import { type Answer, type AnswerBody, type AnswerHeaders, bodyText } from './answer';
import { BATCH_BYTES, BatchQueue, type BatchSink } from './batch-queue';

export interface HttpGetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Longest silence allowed while connecting, waiting for the headers and receiving the body; 0 = none. */
  timeoutMs: number;
  /** Extra TLS settings (tests: a private certificate authority). */
  tls?: Pick<tls.ConnectionOptions, 'ca'>;
  userAgent?: string;
}

/** Errors of this client carry a code like Node's own socket errors do. */
export class HttpGetError extends Error {
  constructor(
    readonly code: 'HTTP_BAD_RESPONSE' | 'HTTP_PREMATURE_CLOSE' | 'HTTP_CONNECT_TIMEOUT' | 'HTTP_HEADERS_TIMEOUT' | 'HTTP_BODY_TIMEOUT' | 'HTTP_ABORTED',
    message: string,
  ) {
    super(message);
    this.name = 'HttpGetError';
  }
}

/** The smallest room left in a batch buffer that is still worth a read into it. */
const MIN_READ_BYTES = 64 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE_BYTES = 1024;
/** The read buffer of a finished exchange (its socket is closed; nothing is read into it). */
const SPENT = Buffer.alloc(MIN_READ_BYTES);
const CR = 0x0d;
const LF = 0x0a;

export function httpGet(url: string, options: HttpGetOptions): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      reject(new HttpGetError('HTTP_BAD_RESPONSE', `not a URL: ${url}`));
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      reject(new HttpGetError('HTTP_BAD_RESPONSE', `unsupported protocol ${target.protocol}`));
      return;
    }
    if (options.signal?.aborted) {
      reject(new HttpGetError('HTTP_ABORTED', 'aborted'));
      return;
    }
    new Exchange(target, options, resolve, reject);
  });
}

type Framing = { kind: 'length'; remaining: number } | { kind: 'chunked' } | { kind: 'close' } | { kind: 'none' };

/** Where the chunked decoder is: in a size line, in data, after data (CRLF) or in the trailers. */
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';

class Exchange {
  private readonly socket: net.Socket;
  private readonly free: Buffer[] = [];
  private batch: Buffer = Buffer.allocUnsafe(BATCH_BYTES);
  /** Bytes of `batch` filled by reads. */
  private used = 0;
  /** Body runs of the current batch, and where the last one ends (to merge adjacent runs). */
  private segments: Buffer[] = [];
  private runStart = -1;
  private runEnd = -1;
  private segmentBytes = 0;

  private phase: 'connecting' | 'head' | 'body' | 'done' = 'connecting';
  private headStart = 0;
  private framing: Framing = { kind: 'none' };
  private chunkState: ChunkState = 'size';
  private chunkLine = '';
  private chunkRemaining = 0;
  private received = 0;
  private onBytes: ((received: number) => void) | null = null;

  private readonly queue: BatchQueue;
  private paused = false;
  private settleBody!: (error: unknown) => void;
  private readonly bodyDone: Promise<void>;
  private answered = false;

  constructor(
    target: URL,
    private readonly options: HttpGetOptions,
    private readonly resolveAnswer: (answer: Answer) => void,
    private readonly rejectAnswer: (error: unknown) => void,
  ) {
    this.bodyDone = new Promise<void>((resolve, reject) => {
      this.settleBody = (error) => (error ? reject(error) : resolve());
    });
    this.bodyDone.catch(() => undefined); // observed by pump; a body nobody reads must not be "unhandled"
    this.queue = new BatchQueue(
      () => this.resume(),
      () => this.socket.destroy(),
    );

    const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
    const https = target.protocol === 'https:';
    const port = Number(target.port) || (https ? 443 : 80);
    const onread = { buffer: () => this.nextBuffer(), callback: (bytes: number) => this.onRead(bytes) };
    // tls.connect takes `onread` like net.connect (Node docs; missing from @types/node).
    const tlsOptions: tls.ConnectionOptions & { onread: net.OnReadOpts } = {
      host,
      port,
      servername: net.isIP(host) ? undefined : host,
      ALPNProtocols: ['http/1.1'],
      onread,
      ...options.tls,
    };
    this.socket = https ? tls.connect(tlsOptions) : net.connect({ host, port, onread });
    this.socket.once(https ? 'secureConnect' : 'connect', () => {
      if (this.phase === 'connecting') this.phase = 'head';
    });
    if (options.timeoutMs > 0) this.socket.setTimeout(options.timeoutMs, () => this.onTimeout());
    this.socket.on('error', (error) => this.fail(error));
    this.socket.on('close', () => this.onClose());
    const signal = options.signal;
    if (signal) {
      const onAbort = () => this.fail(new HttpGetError('HTTP_ABORTED', 'aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.socket.once('close', () => signal.removeEventListener('abort', onAbort));
    }

    const lines = [`GET ${target.pathname}${target.search} HTTP/1.1`, `Host: ${target.host}`, 'Accept: */*', 'Accept-Encoding: identity', 'Connection: close'];
    if (options.userAgent) lines.push(`User-Agent: ${options.userAgent}`);
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (/[\r\n]/.test(name + value)) {
        this.fail(new HttpGetError('HTTP_BAD_RESPONSE', 'a request header holds a line break'));
        return;
      }
      lines.push(`${name}: ${value}`);
    }
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  }

  // --- reading ---------------------------------------------------------------------------------

  /** The buffer the next socket read goes into: the rest of the batch, or a fresh batch. */
  private nextBuffer(): Buffer {
    if (this.batch.length - this.used < MIN_READ_BYTES) {
      // The head never outgrows a batch (MAX_HEAD_BYTES); only many interim answers could get here.
      if (this.phase === 'head') this.fail(new HttpGetError('HTTP_BAD_RESPONSE', 'the answer header is too long'));
      else this.completeBatch();
    }
    return this.batch.subarray(this.used);
  }

  /** `bytes` new bytes sit at `batch[used..]`. Returns false to pause the socket. */
  private onRead(bytes: number): boolean {
    const from = this.used;
    this.used += bytes;
    if (this.phase === 'connecting') this.phase = 'head';
    if (this.phase === 'head') {
      this.parseHead(from);
    } else if (this.phase === 'body') {
      this.takeBody(from, this.used);
    }
    return !this.paused;
  }

  private parseHead(from: number): void {
    for (;;) {
      const searchFrom = Math.max(this.headStart, from - 3);
      const end = this.batch.subarray(0, this.used).indexOf('\r\n\r\n', searchFrom, 'latin1');
      if (end < 0) {
        if (this.used - this.headStart > MAX_HEAD_BYTES) this.fail(new HttpGetError('HTTP_BAD_RESPONSE', 'the answer header is too long'));
        return;
      }
      const head = this.batch.toString('latin1', this.headStart, end);
      const bodyStart = end + 4;
      const parsed = parseHeadText(head);
      if (!parsed) {
        this.fail(new HttpGetError('HTTP_BAD_RESPONSE', 'the server sent something that is not an HTTP answer'));
        return;
      }
      if (parsed.statusCode >= 100 && parsed.statusCode < 200) {
        // An interim answer (100 Continue, 103 Early Hints): the real one follows.
        this.headStart = bodyStart;
        from = bodyStart;
        continue;
      }
      const framing = framingOf(parsed.statusCode, parsed.headers);
      if (!framing) {
        this.fail(new HttpGetError('HTTP_BAD_RESPONSE', 'the answer has an invalid Content-Length or Transfer-Encoding'));
        return;
      }
      this.framing = framing;
      this.phase = 'body';
      this.answered = true;
      this.resolveAnswer({ statusCode: parsed.statusCode, headers: parsed.headers, body: this.body() });
      if (framing.kind === 'none' || (framing.kind === 'length' && framing.remaining === 0)) this.finishBody();
      else this.takeBody(bodyStart, this.used);
      return;
    }
  }

  /** Frames `batch[from..to)` of the body: data runs become segments, chunk framing is skipped. */
  private takeBody(from: number, to: number): void {
    const framing = this.framing;
    if (framing.kind === 'close') {
      this.addRun(from, to);
    } else if (framing.kind === 'length') {
      const take = Math.min(framing.remaining, to - from);
      this.addRun(from, from + take);
      framing.remaining -= take;
      if (framing.remaining === 0) this.finishBody(); // anything after the declared length is dropped
    } else if (framing.kind === 'chunked') {
      this.takeChunked(from, to);
    }
    this.onBytes?.(this.received);
  }

  private takeChunked(from: number, to: number): void {
    const batch = this.batch;
    let i = from;
    while (i < to && this.phase === 'body') {
      if (this.chunkState === 'data') {
        const take = Math.min(this.chunkRemaining, to - i);
        this.addRun(i, i + take);
        i += take;
        this.chunkRemaining -= take;
        if (this.chunkRemaining === 0) this.chunkState = 'data-end';
        continue;
      }
      const byte = batch[i++];
      if (byte !== LF) {
        if (this.chunkLine.length >= MAX_CHUNK_LINE_BYTES) return this.fail(badChunk('a chunk line is too long'));
        if (byte !== CR) this.chunkLine += String.fromCharCode(byte);
        continue;
      }
      const line = this.chunkLine;
      this.chunkLine = '';
      if (this.chunkState === 'data-end') {
        if (line !== '') return this.fail(badChunk('chunk data is longer than its size'));
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) return this.fail(badChunk(`bad chunk size "${line.slice(0, 40)}"`));
        this.chunkRemaining = parseInt(size[1], 16);
        this.chunkState = this.chunkRemaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.finishBody(); // the empty line after the trailers ends the body
      }
    }
  }

  private addRun(start: number, end: number): void {
    if (end <= start) return;
    this.received += end - start;
    this.segmentBytes += end - start;
    if (start === this.runEnd) {
      this.segments[this.segments.length - 1] = this.batch.subarray(this.runStart, end);
    } else {
      this.segments.push(this.batch.subarray(start, end));
      this.runStart = start;
    }
    this.runEnd = end;
  }

  /** Hands the current batch's body runs to the queue and starts a new batch buffer. */
  private completeBatch(): void {
    const buffer = this.batch;
    const batch = { segments: this.segments, bytes: this.segmentBytes, release: () => buffer !== SPENT && this.free.push(buffer) };
    // Once the answer is over no read comes any more: no need for a fresh megabyte.
    this.batch = this.phase === 'done' ? SPENT : (this.free.pop() ?? Buffer.allocUnsafe(BATCH_BYTES));
    this.used = 0;
    this.headStart = 0;
    this.segments = [];
    this.segmentBytes = 0;
    this.runStart = -1;
    this.runEnd = -1;
    if (batch.bytes === 0) {
      batch.release();
      return;
    }
    if (!this.queue.push(batch)) this.paused = true;
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.phase !== 'done') this.socket.resume();
  }

  // --- ends ------------------------------------------------------------------------------------

  private finishBody(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.completeBatch();
    this.settleBody(null);
    this.socket.destroy(); // one request per connection
  }

  private fail(error: unknown): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.completeBatch(); // what arrived is valid: a free resume continues after it
    if (this.answered) this.settleBody(error);
    else this.rejectAnswer(error);
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.phase === 'done') return;
    if (this.phase === 'body' && this.framing.kind === 'close') {
      this.finishBody();
      return;
    }
    const where = this.phase === 'body' ? 'before the whole answer arrived' : 'before answering';
    this.fail(new HttpGetError('HTTP_PREMATURE_CLOSE', `the server closed the connection ${where}`));
  }

  private onTimeout(): void {
    if (this.paused) return; // our own back-pressure (a slow disk), not a silent server
    const code = this.phase === 'connecting' ? 'HTTP_CONNECT_TIMEOUT' : this.phase === 'head' ? 'HTTP_HEADERS_TIMEOUT' : 'HTTP_BODY_TIMEOUT';
    this.fail(new HttpGetError(code, `no data from the server for ${Math.round(this.options.timeoutMs / 1000)} s`));
  }

  // --- the consumer's side ---------------------------------------------------------------------

  private body(): AnswerBody {
    const body: AnswerBody = {
      pump: async (sink: BatchSink, onBytes?: (received: number) => void) => {
        this.onBytes = onBytes ?? null;
        if (this.received > 0) onBytes?.(this.received);
        this.queue.attach(sink);
        await this.queue.settle(this.bodyDone);
      },
      text: (limit) => bodyText(body, limit),
      dump: async () => {
        if (this.phase !== 'done') {
          this.phase = 'done';
          this.settleBody(null);
        }
        this.socket.destroy();
        this.queue.attach(async () => undefined);
        await this.queue.idle();
      },
    };
    return body;
  }
}

const badChunk = (why: string) => new HttpGetError('HTTP_BAD_RESPONSE', `the chunked answer is broken: ${why}`);

function parseHeadText(head: string): { statusCode: number; headers: AnswerHeaders } | null {
  const lines = head.split(/\r?\n/);
  const status = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!status) return null;
  const headers: AnswerHeaders = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0 || /^[ \t]/.test(line)) return null; // obsolete line folding or no name
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(name)) return null;
    const value = line.slice(colon + 1).trim();
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return { statusCode: Number(status[1]), headers };
}

/** How the body ends (RFC 9112 6.3), or null when the answer contradicts itself. */
function framingOf(statusCode: number, headers: AnswerHeaders): Framing | null {
  if (statusCode === 204 || statusCode === 304) return { kind: 'none' };
  const encoding = headers['transfer-encoding'];
  if (encoding !== undefined) {
    const codings = [encoding]
      .flat()
      .join(',')
      .split(',')
      .map((coding) => coding.trim().toLowerCase())
      .filter(Boolean);
    // We asked for identity: chunked is the only coding a server may add.
    if (codings.length === 1 && codings[0] === 'chunked') return { kind: 'chunked' };
    return null;
  }
  const length = headers['content-length'];
  if (length !== undefined) {
    const values = new Set(
      [length]
        .flat()
        .join(',')
        .split(',')
        .map((value) => value.trim()),
    );
    const [only] = values;
    if (values.size !== 1 || !/^\d{1,15}$/.test(only)) return null;
    return { kind: 'length', remaining: Number(only) };
  }
  return { kind: 'close' };
}
