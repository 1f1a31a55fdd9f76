// One result file from a Cloudgene download URL to disk, spending at most one download credit.
//
// Why it is written this way (docs/server-behaviour.md#downloads-and-credits):
// - every request that reaches /share/results (or /downloads, /browse) spends one of the file's
//   credits before any byte is sent, so there is exactly one GET to that URL: no HEAD, no probe;
// - a local workspace streams the file (chunked, no Content-Length, no Range): an interrupted
//   transfer can only start over, with a new credit, and that is the caller's decision;
// - an S3 workspace answers 301 to a pre-signed URL valid for 1 h that has Content-Length and
//   Range: requests to it are free, so an interrupted transfer resumes there with `Range`;
// - error answers are JSON (shape A) and are never written as the result file.
// Every request goes through undici (undici-get.ts) on the dispatcher given (direct or a proxy);
// redirects obey redirect-policy.ts; the `.part` file is opened by part-file.ts.
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { type Answer, type AnswerBody, type AnswerHeaders, header } from './answer';
import { directDownloadDispatcher, publicDownloadDispatcher } from './download-agent';
import { DownloadError, errorFromAnswer, looksLikeErrorBody } from './errors';
import { openPartFile, partBytesOnDisk, partPathOf } from './part-file';
import { checkRedirect, isLoopbackHost, type AddressLookup } from './redirect-policy';
import { formatBytes } from '../../shared/format-bytes';
import { downloadErrorFrom } from './transport-failure';
import { undiciGet } from './undici-get';

export { partPathOf } from './part-file';

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
  /** The undici dispatcher every request goes through (a ProxyAgent when a proxy is set). Default:
   *  `proxyDispatcher`, else the downloads' own direct Agent (download-agent.ts). */
  dispatcher?: Dispatcher;
  /** @deprecated the same as `dispatcher` (kept while callers move over). */
  proxyDispatcher?: Dispatcher;
  /** Requests to redirect targets of a server that is not on loopback, when `dispatcher` is not
   *  set. Default: the public-only Agent (download-agent.ts), which refuses at connect time a
   *  name that now resolves to an internal address. */
  publicDispatcher?: Dispatcher;
  /** The imputation server, for the redirect policy. Default: the origin of `url`. */
  serverUrl?: string;
  now?: () => number;
  userAgent?: string;
  /** Idle time after which a silent connection counts as broken (default 120 s). */
  timeoutMs?: number;
  /** Total time allowed until an answer's head is complete (default: `timeoutMs`). */
  headDeadlineMs?: number;
  /** Resolves host names for the redirect policy (default: the system resolver). */
  lookup?: AddressLookup;
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

/** Bodies this small are checked for a JSON error object before they become a result file. */
const ERROR_BODY_SNIFF_BYTES = 4096;
/** A pre-signed URL is given up this long before it expires, so a resume never races the expiry. */
const EXPIRY_MARGIN_MS = 2 * 60_000;
/** S3 pre-signed URLs from Cloudgene live 1 h (`S3Workspace#createPublicLink`). */
const DEFAULT_LINK_LIFETIME_S = 3600;
const DEFAULT_USER_AGENT = 'ImputationDesktop';
const DEFAULT_TIMEOUT_MS = 120_000;
/** What is read of an error answer for its message. */
const ERROR_TEXT_BYTES = 64 * 1024;

export async function runTransfer(options: TransferOptions): Promise<TransferResult> {
  const now = options.now ?? Date.now;
  const partPath = partPathOf(options.finalPath);
  try {
    await fs.mkdir(path.dirname(options.finalPath), { recursive: true });
    const onDisk = await partBytesOnDisk(partPath);
    const resume = options.resume && options.resume.expiresAt > now() ? options.resume : null;

    if (resume) {
      if (onDisk === resume.totalBytes) {
        return await finish(options, partPath, { bytes: onDisk, totalBytes: onDisk, resumedFromBytes: onDisk, spentCredit: false, resume });
      }
      return await fromPresignedUrl(options, partPath, resume, onDisk < resume.totalBytes ? onDisk : 0);
    }
    return await fromShareUrl(options, partPath, now);
  } catch (error) {
    throw downloadErrorFrom(error, options.signal);
  }
}

async function fromShareUrl(options: TransferOptions, partPath: string, now: () => number): Promise<TransferResult> {
  const server = new URL(options.serverUrl ?? options.url);
  let url = new URL(options.url);
  const visited = [url.href];
  let spentCredit = false;
  for (;;) {
    const redirected = visited.length > 1;
    let sent = false;
    let answer: Answer;
    try {
      answer = await get(options, url.href, {}, redirected && !isLoopbackHost(server.hostname), () => (sent = true));
    } catch (error) {
      // A request that never left (refused connection, untrusted certificate) spent nothing;
      // anything later may have reached the handler (conservative).
      if (!redirected && sent) markSpent();
      throw error;
    }
    const { statusCode, headers, body } = answer;
    if (!redirected && statusCode < 400) markSpent();
    const location = header(headers, 'location');
    if (statusCode >= 300 && statusCode < 400 && location) {
      await body.dump();
      url = await checkRedirect({ server, from: url, location, visited, lookup: options.lookup });
      visited.push(url.href);
      continue;
    }
    if (statusCode !== 200) throw await errorAnswer(statusCode, body, !redirected);

    const totalBytes = contentLength(headers);
    // Range only against the redirected (pre-signed) URL: a Range request to the Cloudgene URL
    // would spend a credit again (and Cloudgene ignores Range anyway).
    const resume: ResumeInfo | null =
      redirected && totalBytes !== null && /\bbytes\b/i.test(header(headers, 'accept-ranges') ?? '')
        ? { url: url.href, totalBytes, expiresAt: now() + linkLifetimeMs(url.href) - EXPIRY_MARGIN_MS, etag: entityTag(headers) }
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

async function fromPresignedUrl(options: TransferOptions, partPath: string, resume: ResumeInfo, offset: number): Promise<TransferResult> {
  const headers: Record<string, string> = {};
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    // S3 honours If-Range: if the object changed, it sends the whole new object (200) instead.
    if (resume.etag) headers['if-range'] = resume.etag;
  }
  const serverOnLoopback = isLoopbackHost(new URL(options.serverUrl ?? options.url).hostname);
  const { statusCode, headers: answerHeaders, body } = await get(options, resume.url, headers, !serverOnLoopback);
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
    const fresh = { ...resume, totalBytes, etag: entityTag(answerHeaders) ?? resume.etag };
    options.onResponse?.({ totalBytes, resume: fresh });
    const bytes = await writeBody(options, body, partPath, 0, totalBytes);
    return await finish(options, partPath, { bytes, totalBytes, resumedFromBytes: 0, spentCredit: false, resume: fresh });
  }
  throw await errorAnswer(statusCode, body, false);
}

/**
 * The dispatcher of one request. A proxy (`dispatcher`) connects for us; otherwise a redirect
 * target of a server on the network goes through the public-only Agent.
 * @param publicOnly the request goes to a redirect target and the server is not on loopback
 */
export function dispatcherFor(options: Pick<TransferOptions, 'dispatcher' | 'proxyDispatcher' | 'publicDispatcher'>, publicOnly: boolean): Dispatcher {
  const given = options.dispatcher ?? options.proxyDispatcher;
  if (publicOnly) return options.publicDispatcher ?? given ?? publicDownloadDispatcher();
  return given ?? directDownloadDispatcher();
}

function get(options: TransferOptions, url: string, headers: Record<string, string>, publicOnly: boolean, onRequestSent?: () => void): Promise<Answer> {
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return undiciGet(url, {
    dispatcher: dispatcherFor(options, publicOnly),
    headers,
    signal: options.signal,
    headDeadlineMs: options.headDeadlineMs ?? timeout,
    bodyIdleMs: timeout,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    onRequestSent,
  });
}

/**
 * Streams the body into the `.part` file (appending at `offset`), with back-pressure. On any
 * break the bytes already received are flushed to disk, so a free resume loses nothing.
 */
async function writeBody(options: TransferOptions, body: AnswerBody, partPath: string, offset: number, totalBytes: number | null): Promise<number> {
  let file: FileHandle;
  try {
    file = await openPartFile(partPath, offset);
  } catch (error) {
    await body.dump(); // frees the connection; nothing was written
    if (error instanceof DownloadError) throw error;
    throw diskFailure(error as NodeJS.ErrnoException, partPath);
  }
  let received = offset;
  let diskError: NodeJS.ErrnoException | null = null;
  let networkError: unknown = null;
  try {
    await body.pump(
      (segments, bytes) =>
        writeAll(file, segments, bytes).catch((error: NodeJS.ErrnoException) => {
          diskError ??= error;
          throw error;
        }),
      (bodyBytes) => {
        received = offset + bodyBytes;
        options.onProgress?.({ receivedBytes: received, totalBytes });
      },
    );
  } catch (error) {
    networkError = error;
  } finally {
    await file.close().catch((error: NodeJS.ErrnoException) => {
      diskError ??= error;
    });
  }
  if (diskError) throw diskFailure(diskError, partPath);
  if (options.signal?.aborted) throw new DownloadError('aborted', { cause: networkError });
  const progress = `after ${formatBytes(received)}${totalBytes !== null ? ` of ${formatBytes(totalBytes)}` : ''}`;
  if (networkError) throw downloadErrorFrom(networkError, options.signal, progress);
  if (totalBytes !== null && received !== totalBytes) throw new DownloadError('interrupted', { detail: progress });
  return received;
}

function diskFailure(failed: NodeJS.ErrnoException, partPath: string): DownloadError {
  if (failed.code === 'ENOSPC') return new DownloadError('disk-full', { cause: failed });
  return new DownloadError('io', { cause: failed, detail: `${failed.code ?? failed.message} writing ${path.basename(partPath)}` });
}

/** One batch to disk with `writev`, finishing a short write rather than losing bytes. */
async function writeAll(file: FileHandle, chunks: Buffer[], bytes: number): Promise<void> {
  let { bytesWritten } = await file.writev(chunks);
  // A short write is rare on a regular file (libuv already loops).
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

async function errorAnswer(status: number, body: AnswerBody, fromShareUrl: boolean): Promise<DownloadError> {
  // The message is a nicety; the status says enough when the body does not arrive.
  return errorFromAnswer(status, await body.text(ERROR_TEXT_BYTES), fromShareUrl);
}

/** The ETag, when it is a well-formed entity tag that can be sent back in If-Range. */
function entityTag(headers: AnswerHeaders): string | null {
  const value = header(headers, 'etag')?.trim();
  return value && /^(W\/)?"[\x21\x23-\x7e]*"$/.test(value) ? value : null;
}

function contentLength(headers: AnswerHeaders): number | null {
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
