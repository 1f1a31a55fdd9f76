// The error taxonomy of result downloads and extraction. Same shape as CloudgeneError
// (code + words for the user + the server's message) so IPC carries both alike.

export const DOWNLOAD_ERROR_CODES = [
  'credits-exhausted',
  'not-found',
  'retired',
  'http-error',
  'interrupted',
  'network',
  'link-expired',
  'invalid-response',
  'redirect-refused',
  'unsafe-name',
  'disk-full',
  'io',
  'checksum-mismatch',
  'aborted',
  'wrong-password',
  'bad-zip',
] as const;

export type DownloadErrorCode = (typeof DOWNLOAD_ERROR_CODES)[number];

const USER_WORDS: Record<DownloadErrorCode, string> = {
  'credits-exhausted':
    'No downloads are left for this file: the server lets each result file be downloaded a limited number of times, and all of them have been used. Ask the server administrators for help.',
  'not-found': 'The server does not know this download link. The job may have been deleted.',
  retired: 'The result files of this job have been deleted from the server (results are kept for 7 days after the job ends).',
  'http-error': 'The server refused the download.',
  interrupted: 'The connection was interrupted before the whole file arrived.',
  network: 'The server could not be reached. Check your network connection.',
  'link-expired': 'The temporary download link (valid for one hour) has expired; continuing needs a new download link.',
  'invalid-response': 'The server sent an answer that does not fit the file being downloaded.',
  'redirect-refused':
    'The server sent the download on to an address this app does not follow, so the download stopped there without spending another download credit.',
  'unsafe-name': 'The file name from the server cannot be saved safely.',
  'disk-full': 'There is not enough free disk space for this download.',
  io: 'The file could not be written to disk.',
  'checksum-mismatch': 'The downloaded file does not match its MD5 checksum: it is damaged.',
  aborted: 'Stopped.',
  'wrong-password': 'The password is wrong for this zip file.',
  'bad-zip': 'The zip file could not be read: it is incomplete or damaged.',
};

export interface DownloadErrorData {
  code: DownloadErrorCode;
  message: string;
  status?: number;
  serverMessage?: string;
  detail?: string;
}

export interface DownloadErrorInit {
  status?: number;
  serverMessage?: string;
  /** Extra facts for the user, e.g. "after 1.2 GB of 3.4 GB". */
  detail?: string;
  cause?: unknown;
}

export function downloadMessage(code: DownloadErrorCode, serverMessage?: string, detail?: string): string {
  let text = USER_WORDS[code];
  if (detail) text += ` (${detail})`;
  if (serverMessage?.trim()) text += ` The server said: "${serverMessage.trim()}"`;
  return text;
}

export class DownloadError extends Error {
  readonly code: DownloadErrorCode;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly detail?: string;

  constructor(code: DownloadErrorCode, init: DownloadErrorInit = {}) {
    super(downloadMessage(code, init.serverMessage, init.detail), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'DownloadError';
    this.code = code;
    if (init.status !== undefined) this.status = init.status;
    if (init.serverMessage !== undefined) this.serverMessage = init.serverMessage;
    if (init.detail !== undefined) this.detail = init.detail;
  }

  toJSON(): DownloadErrorData {
    const data: DownloadErrorData = { code: this.code, message: this.message };
    if (this.status !== undefined) data.status = this.status;
    if (this.serverMessage !== undefined) data.serverMessage = this.serverMessage;
    if (this.detail !== undefined) data.detail = this.detail;
    return data;
  }
}

export function isDownloadError(error: unknown): error is DownloadError {
  return error instanceof DownloadError;
}

/**
 * Maps an error answer of a download URL (docs/server-behaviour.md#downloads-and-credits, shape A bodies) to a DownloadError.
 * `fromShareUrl` tells the Cloudgene endpoint from the pre-signed S3 URL it redirects to.
 */
export function errorFromAnswer(status: number, bodyText: string, fromShareUrl: boolean): DownloadError {
  const serverMessage = readServerMessage(bodyText);
  const message = serverMessage?.toLowerCase() ?? '';
  if (message.includes('number of max downloads exceeded')) {
    return new DownloadError('credits-exhausted', { status, serverMessage });
  }
  if (message.includes('file not found in workspace')) return new DownloadError('retired', { status, serverMessage });
  if (fromShareUrl && (status === 404 || message.includes('download not found') || /^job .* not found\.?$/.test(message))) {
    return new DownloadError('not-found', { status, serverMessage });
  }
  // S3 answers 403 (AccessDenied / "Request has expired") once the pre-signed URL is older than 1 h.
  if (!fromShareUrl && (status === 403 || status === 400)) return new DownloadError('link-expired', { status });
  return new DownloadError('http-error', { status, serverMessage, detail: `HTTP ${status}` });
}

/** The `message` of a Cloudgene JSON error body (shapes A and B), or null. */
export function readServerMessage(bodyText: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return (parsed as { message: string }).message;
    }
  } catch {
    // not JSON (an S3 XML error, an HTML proxy page): no server message
  }
  return undefined;
}

/** True for a small body that is a Cloudgene error object rather than result data (shape A). */
export function looksLikeErrorBody(bodyText: string): boolean {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return (
      !!parsed &&
      typeof parsed === 'object' &&
      !Array.isArray(parsed) &&
      typeof (parsed as { message?: unknown }).message === 'string' &&
      (parsed as { success?: unknown }).success === false
    );
  } catch {
    return false;
  }
}
