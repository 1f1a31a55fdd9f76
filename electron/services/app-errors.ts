// The one place where errors of the services become errors the window shows: a typed IPC code
// and words for the user. Each service throws what it knows (CloudgeneError from the API client,
// DownloadError from transfers and extraction, FileChangedError from the multipart engine); the
// IPC layer and the few places that add context (adding a server, an upload) translate here.
import { AppError, ipcErrorCodes, type IpcErrorCode, type IpcHandlers } from '../ipc/contract';
import { CloudgeneError } from './cloudgene/errors';
import { isDownloadError, type DownloadError } from './downloads/errors';
import { FileChangedError } from './multipart/file-snapshot';
import type { CheckProblem } from './servers/server-status';

const known = new Set<string>(ipcErrorCodes);

/** Any error as the window should see it; unknown errors stay as they are (the IPC layer says "internal"). */
export function toAppError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof CloudgeneError && known.has(error.code)) return new AppError(error.code as IpcErrorCode, error.message);
  if (isDownloadError(error)) return downloadAppError(error);
  if (error instanceof FileChangedError) return new AppError('file-changed', `${error.message}. Choose the file again once it is complete.`);
  return error;
}

function downloadAppError(error: DownloadError, prefix = ''): AppError {
  const code: IpcErrorCode = error.code === 'wrong-password' ? 'wrong-password' : error.code === 'disk-full' ? 'disk-full' : 'bad-request';
  return new AppError(code, `${prefix}${error.message}`);
}

/** An extraction error, naming the archive it came from. */
export function extractionError(archiveName: string, error: unknown): unknown {
  return isDownloadError(error) ? downloadAppError(error, `${archiveName}: `) : error;
}

/** Every handler's errors go through toAppError, so no handler translates them one by one. */
export function withErrorTranslation(handlers: IpcHandlers): IpcHandlers {
  const wrapped: Record<string, (request: never) => unknown> = {};
  for (const [channel, handler] of Object.entries(handlers) as Array<[string, (request: never) => unknown]>) {
    wrapped[channel] = async (request: never) => {
      try {
        return await handler(request);
      } catch (error) {
        throw toAppError(error);
      }
    };
  }
  return wrapped as unknown as IpcHandlers;
}

/** What a failed check of a server means for its card. */
export function serverProblemOf(error: unknown): { problem: CheckProblem; detail: string | null } {
  const code = error instanceof AppError || error instanceof CloudgeneError ? error.code : null;
  if (code === 'unauthorized') return { problem: 'expired', detail: null };
  if (code === 'token-revoked') return { problem: 'revoked', detail: null };
  if (code === 'keychain-unavailable') return { problem: 'locked', detail: null };
  if (error instanceof CloudgeneError && code === 'maintenance') return { problem: 'maintenance', detail: error.serverMessage ?? null };
  return { problem: 'unreachable', detail: error instanceof Error ? error.message : String(error) };
}

/** One clear message for each way checking a server and its token can fail. */
export function serverCheckError(url: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (!(error instanceof CloudgeneError)) return new AppError('internal', `Checking ${url} failed.`);
  switch (error.code) {
    case 'token-revoked':
      return new AppError(
        'token-revoked',
        'This token was revoked or replaced by a newer one. Create a new API token on your profile page and paste that one.',
      );
    case 'unauthorized':
      return new AppError('unauthorized', 'The server did not accept this token. It may be mistyped or expired; create a new API token on your profile page.');
    case 'network':
    case 'timeout':
      return new AppError(error.code, `${url} could not be reached. Check the address and your network connection. (${error.message})`);
    case 'invalid-response':
    case 'not-found':
    case 'bad-request':
    case 'forbidden':
      return new AppError(
        'not-cloudgene',
        `${url} answers, but not like a Cloudgene 3 imputation server. Check the address (it is the address of the server's web page).`,
      );
    case 'maintenance':
      return new AppError('maintenance', error.message);
    default:
      return new AppError('server-error', `${url} had a problem answering: ${error.message}`);
  }
}

const UPLOAD_HINTS: Partial<Record<string, string>> = {
  'job-limit': ' The server counted your jobs after the upload; wait until one finishes and submit again.',
  'too-large': ' Split the upload (for example one job per few chromosomes) or ask the server team about the limit.',
  network: ' A multipart upload cannot resume: submit again when the connection is back.',
  'server-error': ' Check the job list before submitting again: the job may exist.',
  'bad-request': ' Nothing was started.',
  unauthorized: ' Paste a new token, then submit again.',
  'token-revoked': ' Paste the newest token, then submit again.',
};

/** A failed upload: the server's message plus what it means for this upload. */
export function uploadError(error: unknown): { code: IpcErrorCode; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  if (error instanceof FileChangedError) {
    return { code: 'file-changed', message: `${error.message}. Choose the file again once it is complete; nothing was submitted.` };
  }
  if (error instanceof CloudgeneError) {
    const code = known.has(error.code) ? (error.code as IpcErrorCode) : 'internal';
    return { code, message: `${error.message}${UPLOAD_HINTS[error.code] ?? ''}` };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
