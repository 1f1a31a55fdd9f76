// Errors from the Cloudgene client carry the same codes as IPC errors: pass them on with their
// words for the user, so no handler has to translate them one by one.
import { AppError, ipcErrorCodes, type IpcErrorCode, type IpcHandlers } from '../ipc/contract';
import { CloudgeneError } from './cloudgene/errors';

const known = new Set<string>(ipcErrorCodes);

export function toAppError(error: unknown): unknown {
  if (error instanceof CloudgeneError && known.has(error.code)) return new AppError(error.code as IpcErrorCode, error.message);
  return error;
}

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
