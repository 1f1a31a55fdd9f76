// Turns an HTTP answer or a transport failure into a CloudgeneError (docs/server-behaviour.md#error-shapes, #auth-failures).
import { errors as undiciErrors } from 'undici';
import { CloudgeneError } from './errors';

/** Cloudgene's per-user concurrency limit is a 400, not a 429 (docs/server-behaviour.md#submit-answers). */
const JOB_LIMIT_MESSAGE = /^Only \d+ jobs? per user can be executed simultaneously/i;

export interface ErrorBody {
  /** Top-level `message` of shape A or B, the raw text of shape C, or the title of an HTML page. */
  message?: string;
  /** Shape A: `{"message": ..., "success": false}` (an application error, not the security layer). */
  applicationError: boolean;
}

export function readErrorBody(text: string, contentType: string | undefined): ErrorBody {
  const trimmed = text.trim();
  if (!trimmed) return { applicationError: false };
  const parsed = tryParseJson(trimmed);
  if (parsed !== undefined) {
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const record = parsed as Record<string, unknown>;
      const message = typeof record.message === 'string' ? record.message : undefined;
      return { message, applicationError: record.success === false && !('_links' in record) };
    }
    return { applicationError: false };
  }
  if (looksLikeHtml(trimmed, contentType)) return { message: htmlTitle(trimmed), applicationError: false };
  // Shape C: the submit handler answers unexpected Java exceptions with their toString() as text.
  return { message: trimmed.slice(0, 500), applicationError: false };
}

export function errorFromStatus(status: number, body: ErrorBody): CloudgeneError {
  const init = { status, serverMessage: body.message };
  if (status === 401) return new CloudgeneError('unauthorized', init);
  if (status === 403) {
    // Shape A "Access denied." is an ownership check; shape B "Forbidden" comes from the security
    // layer for a valid JWT whose API token was revoked or replaced (docs/server-behaviour.md#auth-failures).
    const securityLayer = !body.applicationError && body.message !== undefined && /^forbidden\.?$/i.test(body.message.trim());
    return new CloudgeneError(securityLayer ? 'token-revoked' : 'forbidden', init);
  }
  if (status === 404) return new CloudgeneError('not-found', init);
  if (status === 413) return new CloudgeneError('too-large', init);
  if (status === 503) return new CloudgeneError('maintenance', init);
  if (status === 400 && body.message && JOB_LIMIT_MESSAGE.test(body.message.trim())) {
    return new CloudgeneError('job-limit', init);
  }
  if (status >= 500) return new CloudgeneError('server-error', init);
  if (status >= 400) return new CloudgeneError('bad-request', init);
  return new CloudgeneError('invalid-response', {
    ...init,
    detail: status >= 300 && status < 400 ? `unexpected redirect (HTTP ${status})` : `unexpected HTTP status ${status}`,
  });
}

/** A failure before or while an answer arrived: canceled, timed out, or the connection broke. */
export function errorFromFailure(error: unknown, signal?: AbortSignal, detail?: string): CloudgeneError {
  if (error instanceof CloudgeneError) return error;
  if (signal?.aborted || isAbort(error)) return new CloudgeneError('canceled', { cause: error });
  if (
    error instanceof undiciErrors.HeadersTimeoutError ||
    error instanceof undiciErrors.BodyTimeoutError ||
    error instanceof undiciErrors.ConnectTimeoutError ||
    errorCode(error) === 'ETIMEDOUT'
  ) {
    return new CloudgeneError('timeout', { cause: error });
  }
  return new CloudgeneError('network', { cause: error, detail: detail ?? describeNetworkFailure(error) });
}

function isAbort(error: unknown): boolean {
  if (error instanceof undiciErrors.RequestAbortedError) return true;
  return error instanceof Error && error.name === 'AbortError';
}

function errorCode(error: unknown): string | undefined {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

/** TLS verification failures: the connection was refused by us before a request was sent. */
export const CERTIFICATE_ERROR_CODES: readonly string[] = [
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
];

/** Words for a failed connection ("the server refused the connection"), else its code. */
export function describeNetworkFailure(error: unknown): string | undefined {
  const code = errorCode(error);
  if (code !== undefined && CERTIFICATE_ERROR_CODES.includes(code)) return "the server's certificate is not trusted";
  switch (code) {
    case 'ECONNREFUSED':
      return 'the server refused the connection';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the server name could not be resolved';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed';
    default:
      return code;
  }
}

function tryParseJson(text: string): unknown {
  if (!(text.startsWith('{') || text.startsWith('['))) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function looksLikeHtml(text: string, contentType: string | undefined): boolean {
  return /text\/html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)/i.test(text);
}

function htmlTitle(html: string): string | undefined {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html) ?? /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  const text = match?.[1]
    ?.replace(/<[^>]+>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, 200) : undefined;
}
