// One result file from a Cloudgene download URL to disk, spending at most one download credit.
//
// Why it is written this way (cloudgene-api.md 6.4):
// - every request that reaches /share/results (or /downloads, /browse) spends one of the file's
//   credits before any byte is sent, so there is exactly one GET to that URL: no HEAD, no probe;
// - a local workspace streams the file (chunked, no Content-Length, no Range): an interrupted
//   transfer can only start over, with a new credit, and that is the caller's decision;
// - an S3 workspace answers 301 to a pre-signed URL valid for 1 h that has Content-Length and
//   Range: requests to it are free, so an interrupted transfer resumes there with `Range`;
// - error answers are JSON (shape A) and are never written as the result file.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { request, type Dispatcher } from 'undici';
import { DownloadError, errorFromAnswer, isDownloadError, looksLikeErrorBody } from './errors';
import { formatBytes } from './size-label';

/** Where and until when a transfer can continue for free (the pre-signed URL the server redirected to). */
export interface ResumeInfo {
  url: string;
  totalBytes: number;
  /** Epoch ms on this machine's clock after which the URL is not used any more. */
  expiresAt: number;
  etag: string | null;
}

export interface TransferProgress {
  receivedBytes: number;
  /** Exact size when the answer said so (S3), else null (local streaming). */
  totalBytes: number | null;
}

export interface TransferOptions {
  /** The Cloudgene download URL (`/share/results/<hash>/<name>`); each request to it spends a credit. */
  url: string;
  /** The final file; bytes go to `<finalPath>.part` first. */
  finalPath: string;
  /** A pre-signed URL from an earlier attempt: when still valid the transfer continues there, for free. */
  resume?: ResumeInfo | null;
  signal?: AbortSignal;
  onProgress?: (progress: TransferProgress) => void;
  /** Called once a request reached the Cloudgene download URL, i.e. one credit is gone. */
  onCreditSpent?: () => void;
  /** Called when the answer's headers are in: the size, and whether a break could be resumed for free. */
  onResponse?: (info: { totalBytes: number | null; resume: ResumeInfo | null }) => void;
  dispatcher?: Dispatcher;
  now?: () => number;
  /** Idle time after which a silent connection counts as broken. */
  timeoutMs?: number;
}

export interface TransferResult {
  bytes: number;
  totalBytes: number | null;
  /** Bytes that were already in the `.part` file and were not downloaded again. */
  resumedFromBytes: number;
  /** True when this attempt went to the Cloudgene URL (spent a credit). */
  spentCredit: boolean;
  resume: ResumeInfo | null;
}

const MAX_REDIRECTS = 5;
/** Bodies this small are checked for a JSON error object before they become a result file. */
const ERROR_BODY_SNIFF_BYTES = 4096;
/** A pre-signed URL is given up this long before it expires, so a resume never races the expiry. */
const EXPIRY_MARGIN_MS = 2 * 60_000;
/** S3 pre-signed URLs from Cloudgene live 1 h (`S3Workspace#createPublicLink`). */
const DEFAULT_LINK_LIFETIME_S = 3600;
/** Body bytes gathered per disk write; at 64 KiB per socket read, 16 reads per write. */
const WRITE_BATCH_BYTES = 1024 * 1024;
/** Bytes waiting for the disk beyond which the body is paused (back-pressure to the socket). */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;

export function partPathOf(finalPath: string): string {
  return `${finalPath}.part`;
}

export async function runTransfer(options: TransferOptions): Promise<TransferResult> {
  const now = options.now ?? Date.now;
  const partPath = partPathOf(options.finalPath);
  try {
    await fs.mkdir(path.dirname(options.finalPath), { recursive: true });
    const onDisk = await sizeOnDisk(partPath);
    const resume = options.resume && options.resume.expiresAt > now() ? options.resume : null;

    if (resume) {
      if (onDisk === resume.totalBytes) {
        return await finish(options, partPath, { bytes: onDisk, totalBytes: onDisk, resumedFromBytes: onDisk, spentCredit: false, resume });
      }
      return await fromPresignedUrl(options, partPath, resume, onDisk < resume.totalBytes ? onDisk : 0);
    }
    return await fromShareUrl(options, partPath, now);
  } catch (error) {
    throw asDownloadError(error, options.signal);
  }
}

async function fromShareUrl(options: TransferOptions, partPath: string, now: () => number): Promise<TransferResult> {
  let url = options.url;
  let spentCredit = false;
  let redirected = false;
  for (let hop = 0; ; hop++) {
    let answer: Dispatcher.ResponseData;
    try {
      answer = await get(options, url, {});
    } catch (error) {
      // A refused connection never reached the handler; anything later may have (conservative).
      if (!redirected && !isConnectFailure(error)) markSpent();
      throw error;
    }
    const { statusCode, headers, body } = answer;
    if (!redirected && statusCode < 400) markSpent();
    const location = header(headers, 'location');
    if (statusCode >= 300 && statusCode < 400 && location) {
      await body.dump();
      if (hop >= MAX_REDIRECTS) throw new DownloadError('invalid-response', { detail: 'too many redirects' });
      url = new URL(location, url).toString();
      redirected = true;
      continue;
    }
    if (statusCode !== 200) throw await errorAnswer(statusCode, body, !redirected);

    const totalBytes = contentLength(headers);
    // Range only against the redirected (pre-signed) URL: a Range request to the Cloudgene URL
    // would spend a credit again (and Cloudgene ignores Range anyway).
    const resume: ResumeInfo | null =
      redirected && totalBytes !== null && /\bbytes\b/i.test(header(headers, 'accept-ranges') ?? '')
        ? { url, totalBytes, expiresAt: now() + linkLifetimeMs(url) - EXPIRY_MARGIN_MS, etag: header(headers, 'etag') ?? null }
        : null;
    options.onResponse?.({ totalBytes, resume });
    const bytes = await writeBody(options, body, partPath, 0, totalBytes);
    return await finish(options, partPath, { bytes, totalBytes, resumedFromBytes: 0, spentCredit, resume });
  }

  function markSpent(): void {
    if (spentCredit) return;
    spentCredit = true;
    options.onCreditSpent?.();
  }
}

async function fromPresignedUrl(
  options: TransferOptions,
  partPath: string,
  resume: ResumeInfo,
  offset: number,
): Promise<TransferResult> {
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    // S3 honours If-Range: if the object changed, it sends the whole new object (200) instead.
    if (resume.etag) headers['if-range'] = resume.etag;
  }
  const { statusCode, headers: answerHeaders, body } = await get(options, resume.url, headers);
  if (statusCode === 206 && offset > 0) {
    const range = parseContentRange(header(answerHeaders, 'content-range'));
    if (!range || range.start !== offset || range.total !== resume.totalBytes) {
      await body.dump();
      throw new DownloadError('invalid-response', { detail: 'the resumed part does not continue the file' });
    }
    options.onResponse?.({ totalBytes: resume.totalBytes, resume });
    const bytes = await writeBody(options, body, partPath, offset, resume.totalBytes);
    return await finish(options, partPath, { bytes, totalBytes: resume.totalBytes, resumedFromBytes: offset, spentCredit: false, resume });
  }
  if (statusCode === 200) {
    // Range ignored (or the object changed): the whole file comes again from the free URL.
    const totalBytes = contentLength(answerHeaders) ?? resume.totalBytes;
    const fresh = { ...resume, totalBytes, etag: header(answerHeaders, 'etag') ?? resume.etag };
    options.onResponse?.({ totalBytes, resume: fresh });
    const bytes = await writeBody(options, body, partPath, 0, totalBytes);
    return await finish(options, partPath, { bytes, totalBytes, resumedFromBytes: 0, spentCredit: false, resume: fresh });
  }
  throw await errorAnswer(statusCode, body, false);
}

async function get(options: TransferOptions, url: string, headers: Record<string, string>): Promise<Dispatcher.ResponseData> {
  const timeout = options.timeoutMs ?? 120_000;
  return request(url, {
    method: 'GET',
    headers: { 'accept-encoding': 'identity', ...headers },
    signal: options.signal,
    dispatcher: options.dispatcher,
    headersTimeout: timeout,
    bodyTimeout: timeout,
  });
}

/**
 * Streams the body into the `.part` file (appending at `offset`), with back-pressure. On any
 * break the bytes already received are flushed to disk, so a free resume loses nothing.
 */
async function writeBody(
  options: TransferOptions,
  body: Dispatcher.ResponseData['body'],
  partPath: string,
  offset: number,
  totalBytes: number | null,
): Promise<number> {
  let file: FileHandle;
  try {
    if (offset > 0) await fs.truncate(partPath, offset);
    file = await fs.open(partPath, offset > 0 ? 'a' : 'w');
  } catch (error) {
    body.destroy(); // frees the connection; nothing was written
    throw diskFailure(error as NodeJS.ErrnoException, partPath);
  }
  let received = offset;
  const writer = new BatchedFileWriter(file, () => {
    if (writer.failure) body.destroy();
    else if (body.isPaused()) body.resume();
  });
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (!writer.add(chunk)) body.pause();
    options.onProgress?.({ receivedBytes: received, totalBytes });
  });
  let networkError: unknown = null;
  try {
    await finished(body);
  } catch (error) {
    networkError = error;
  } finally {
    await writer.flush();
    await file.close().catch((error: NodeJS.ErrnoException) => {
      writer.failure ??= error;
    });
  }
  if (writer.failure) throw diskFailure(writer.failure, partPath);
  if (options.signal?.aborted) throw new DownloadError('aborted', { cause: networkError });
  const progress = `after ${formatBytes(received)}${totalBytes !== null ? ` of ${formatBytes(totalBytes)}` : ''}`;
  if (networkError) throw new DownloadError('interrupted', { cause: networkError, detail: progress });
  if (totalBytes !== null && received !== totalBytes) throw new DownloadError('interrupted', { detail: progress });
  return received;
}

function diskFailure(failed: NodeJS.ErrnoException, partPath: string): DownloadError {
  if (failed.code === 'ENOSPC') return new DownloadError('disk-full', { cause: failed });
  return new DownloadError('io', { cause: failed, detail: `${failed.code ?? failed.message} writing ${path.basename(partPath)}` });
}

/**
 * Gathers body chunks (one per 64 KiB socket read) and writes them with one `writev` per
 * WRITE_BATCH_BYTES. A write stream issues a thread-pool write per chunk whenever the disk keeps
 * up, and those round trips were most of the client's CPU per GiB (issue 7).
 */
class BatchedFileWriter {
  failure: NodeJS.ErrnoException | null = null;
  private chunks: Buffer[] = [];
  private queuedBytes = 0;
  private writing: Promise<void> | null = null;

  /** @param onWritten after each write: the caller resumes the body, or stops it on `failure` */
  constructor(
    private readonly file: FileHandle,
    private readonly onWritten: () => void,
  ) {}

  /** Queues a chunk; false means enough is waiting for the disk and the body should pause. */
  add(chunk: Buffer): boolean {
    if (this.failure) return false;
    this.chunks.push(chunk);
    this.queuedBytes += chunk.length;
    if (!this.writing && this.queuedBytes >= WRITE_BATCH_BYTES) this.startWrite();
    return this.queuedBytes < MAX_QUEUED_BYTES;
  }

  /** Writes whatever is still queued (unless the disk already failed). */
  async flush(): Promise<void> {
    while (this.writing || (this.queuedBytes > 0 && !this.failure)) {
      if (!this.writing) this.startWrite();
      await this.writing;
    }
  }

  private startWrite(): void {
    const chunks = this.chunks;
    const bytes = this.queuedBytes;
    this.chunks = [];
    this.queuedBytes = 0;
    this.writing = writeAll(this.file, chunks, bytes).then(
      () => this.written(),
      (error: NodeJS.ErrnoException) => {
        this.failure ??= error;
        this.chunks = [];
        this.queuedBytes = 0;
        this.written();
      },
    );
  }

  private written(): void {
    this.writing = null;
    if (!this.failure && this.queuedBytes >= WRITE_BATCH_BYTES) this.startWrite();
    if (this.failure || this.queuedBytes < MAX_QUEUED_BYTES) this.onWritten();
  }
}

async function writeAll(file: FileHandle, chunks: Buffer[], bytes: number): Promise<void> {
  let { bytesWritten } = await file.writev(chunks);
  // A short write is rare on a regular file (libuv already loops); finish it rather than lose bytes.
  while (bytesWritten < bytes) {
    const rest = Buffer.concat(chunks).subarray(bytesWritten);
    chunks = [rest];
    bytes = rest.length;
    ({ bytesWritten } = await file.writev(chunks));
    if (bytesWritten === 0) throw Object.assign(new Error('the disk accepted no bytes'), { code: 'EIO' });
  }
}

/** Last checks before the `.part` file becomes the result file. */
async function finish(options: TransferOptions, partPath: string, result: TransferResult): Promise<TransferResult> {
  if (result.bytes <= ERROR_BODY_SNIFF_BYTES) {
    const text = await fs.readFile(partPath, 'utf8');
    if (looksLikeErrorBody(text)) {
      await fs.rm(partPath, { force: true });
      throw errorFromAnswer(200, text, true);
    }
  }
  await fs.rename(partPath, options.finalPath);
  return result;
}

async function errorAnswer(status: number, body: Dispatcher.ResponseData['body'], fromShareUrl: boolean): Promise<DownloadError> {
  let text = '';
  try {
    for await (const chunk of body) {
      if (text.length < 64 * 1024) text += (chunk as Buffer).toString('utf8');
    }
  } catch {
    // the message is a nicety; the status says enough
  }
  return errorFromAnswer(status, text.slice(0, 64 * 1024), fromShareUrl);
}

function asDownloadError(error: unknown, signal: AbortSignal | undefined): DownloadError {
  if (isDownloadError(error)) return error;
  if (signal?.aborted) return new DownloadError('aborted', { cause: error });
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC') return new DownloadError('disk-full', { cause: error });
  if (isConnectFailure(error)) return new DownloadError('network', { cause: error, detail: code });
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
    return new DownloadError('interrupted', { cause: error, detail: code });
  }
  if (typeof code === 'string' && (error as { syscall?: string }).syscall) {
    return new DownloadError('io', { cause: error, detail: code });
  }
  return new DownloadError('interrupted', { cause: error, detail: code ?? (error as Error)?.message });
}

function isConnectFailure(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

async function sizeOnDisk(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch {
    return 0;
  }
}

function header(headers: Dispatcher.ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function contentLength(headers: Dispatcher.ResponseData['headers']): number | null {
  const value = header(headers, 'content-length');
  if (value === undefined || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

export function parseContentRange(value: string | undefined): { start: number; end: number; total: number } | null {
  const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(value ?? '');
  if (!match) return null;
  return { start: Number(match[1]), end: Number(match[2]), total: Number(match[3]) };
}

/** How long a pre-signed URL stays valid: `X-Amz-Expires` (SigV4), else Cloudgene's 1 h. */
function linkLifetimeMs(url: string): number {
  let seconds = DEFAULT_LINK_LIFETIME_S;
  try {
    const value = new URL(url).searchParams.get('X-Amz-Expires');
    if (value && /^\d+$/.test(value)) seconds = Math.min(Number(value), 7 * 24 * 3600);
  } catch {
    // keep the default
  }
  return seconds * 1000;
}
