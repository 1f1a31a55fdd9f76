// A failed download GET (undici's errors, the file system's, our own) as a DownloadError whose
// message says in words what happened. Codes decide what the download manager may retry
// (credit-policy.ts): a break of the connection is 'interrupted' or 'network', an answer that
// breaks HTTP is 'invalid-response'.
import { CERTIFICATE_ERROR_CODES, describeNetworkFailure } from '../cloudgene/classify-error';
import { DownloadError, isDownloadError } from './errors';

/**
 * @param progress how far the body got, for a break while it flowed ("after 1 GB of 2 GB");
 * undefined for a failure before the body (the head, or no answer at all)
 */
export function downloadErrorFrom(error: unknown, signal: AbortSignal | undefined, progress?: string): DownloadError {
  if (isDownloadError(error)) return error;
  if (signal?.aborted) return new DownloadError('aborted', { cause: error });
  const { code, name, path: filePath, message } = (error ?? {}) as { code?: string; name?: string; path?: string; message?: string };
  if (code === 'ENOSPC') return new DownloadError('disk-full', { cause: error });
  // Errors of the file system name their file; everything else here came from the connection.
  if (filePath !== undefined) return new DownloadError('io', { cause: error, detail: code ?? message });
  if (isConnectFailure(error)) return new DownloadError('network', { cause: error, detail: describeNetworkFailure(error) });
  // llhttp at the close of a connection that ended mid-answer (a chunked body without its last chunk).
  if (name === 'HTTPParserError' && /invalid eof state/i.test(message ?? '')) {
    return new DownloadError('interrupted', { cause: error, detail: joined('the connection was closed', progress) });
  }
  const broken = brokenAnswer(error, progress !== undefined);
  if (broken) return new DownloadError('invalid-response', { cause: error, detail: broken });
  switch (code) {
    case 'DOWNLOAD_HEAD_DEADLINE':
      return new DownloadError('network', { cause: error, detail: `the server gave ${message ?? 'no answer in time'}` });
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new DownloadError('network', { cause: error, detail: 'the server did not answer in time' });
    case 'UND_ERR_BODY_TIMEOUT':
      return new DownloadError('interrupted', { cause: error, detail: joined('the server stopped sending', progress) });
    // A length mismatch in the body: the connection ended before the length the answer gave.
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH':
    case 'EPIPE':
      return new DownloadError('interrupted', { cause: error, detail: joined('the connection was closed', progress) });
    case 'ECONNRESET':
    case 'DOWNLOAD_RESET':
      return new DownloadError('interrupted', { cause: error, detail: joined('the connection was reset', progress) });
  }
  return new DownloadError('interrupted', { cause: error, detail: joined(describeNetworkFailure(error) ?? message ?? 'unknown failure', progress) });
}

/** Failures before a request left this machine (no credit was spent). */
export function isConnectFailure(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return (
    (code !== undefined && CERTIFICATE_ERROR_CODES.includes(code)) ||
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

/** Words for an answer that is not valid HTTP or does not fit its own framing, else null. */
function brokenAnswer(error: unknown, inBody: boolean): string | null {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string };
  if (name === 'HTTPParserError' || code?.startsWith('HPE_')) {
    // llhttp's reason, e.g. "Response does not match the HTTP/1.1 protocol (Invalid character in chunk size)"
    const reason = /\(([^()]+)\)\s*$/.exec(message ?? '')?.[1];
    return `the answer is not valid HTTP/1.1${reason ? `: ${reason.toLowerCase()}` : ''}`;
  }
  // undici reports a head that llhttp refused for its lengths (two Content-Length headers, or one
  // with Transfer-Encoding) as a length mismatch; in the body, the same code is a cut connection.
  if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && !inBody) return 'the answer gives contradicting lengths';
  // An interim 100 Continue (never asked for) or an upgrade.
  if (code === 'UND_ERR_SOCKET' && /^bad (response|upgrade)$/.test(message ?? '')) return 'the server sent an answer that was not asked for';
  switch (code) {
    case 'UND_ERR_HEADERS_OVERFLOW':
      return 'the header of the answer is too large';
    case 'UND_ERR_RES_EXCEEDED_MAX_SIZE':
      return 'the answer is larger than allowed';
    case 'UND_ERR_INVALID_ARG':
      return 'the answer cannot be used for a request back to the server';
    case 'DOWNLOAD_BAD_URL':
    case 'DOWNLOAD_BAD_FRAMING':
      return message ?? 'the answer cannot be read';
  }
  return null;
}

function joined(what: string, progress: string | undefined): string {
  return progress ? `${what} ${progress}` : what;
}
