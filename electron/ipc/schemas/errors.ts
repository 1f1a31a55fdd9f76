// Errors that travel over IPC: typed codes the renderer maps to words in one place. Pure TypeScript.
import { z } from 'zod';

/** Error codes that travel over IPC; the renderer maps them to words in one place. */
export const ipcErrorCodes = [
  'invalid-request',
  'unknown-channel',
  'forbidden-sender',
  'internal',
  'not-found',
  'unavailable',
  'invalid-url',
  'not-cloudgene',
  'unauthorized',
  'token-revoked',
  'forbidden',
  'maintenance',
  'job-limit',
  'too-large',
  'bad-request',
  'server-error',
  'network',
  'timeout',
  'invalid-response',
  'canceled',
  'file-refused',
  'file-changed',
  'wrong-password',
  'disk-full',
  'keychain-unavailable',
] as const;
export type IpcErrorCode = (typeof ipcErrorCodes)[number];

export const ipcError = z.object({ code: z.enum(ipcErrorCodes), message: z.string() });
export type IpcError = z.infer<typeof ipcError>;

/** Every invoke answer is wrapped, so a typed error survives Electron's and the WebSocket's transports. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** An error a service throws on purpose; its code and message reach the renderer. */
export class AppError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}
