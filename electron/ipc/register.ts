// Binds IpcHandlers to an ipcMain-like object: validates every request, guards every sender,
// and turns every outcome into a JSON-safe Envelope. Pure TypeScript: the Electron main process,
// the browser preview and the contract tests all use it.
import { AppError, invokeChannels, invokeChannelNames, type Envelope, type InvokeChannel, type IpcError, type IpcHandlers } from './contract';

/** The part of Electron's ipcMain (or the preview's WebSocket hub) this needs. */
export interface IpcLike<Sender> {
  handle(channel: string, listener: (sender: Sender, payload: unknown) => Promise<unknown>): void;
}

/** Accepts only the app's own frames; anything else is refused before a handler runs. */
export type SenderGuard<Sender> = (sender: Sender) => boolean;

export interface RegisterOptions<Sender = unknown> {
  /** The channels to register (the mode's surface, see ./surface.ts); every channel when absent. */
  channels?: readonly InvokeChannel[];
  /** A sender the guard refused (Electron main logs it, once per sender). */
  onRefusedSender?: (channel: InvokeChannel, sender: Sender) => void;
  /** Unexpected (non-AppError) failures are reported here; the renderer gets a generic message. */
  onUnexpectedError?: (channel: string, error: unknown) => void;
  /**
   * Checks every answer against its response schema (tests and the e2e preview turn this on):
   * an answer that does not fit is reported as unexpected and never reaches the window.
   */
  validateAnswers?: boolean;
}

export function registerIpc<Sender>(
  ipc: IpcLike<Sender>,
  handlers: IpcHandlers,
  senderGuard: SenderGuard<Sender>,
  options: RegisterOptions<Sender> = {},
): void {
  for (const channel of options.channels ?? invokeChannelNames) {
    const allowed = (sender: Sender) => {
      if (senderGuard(sender)) return true;
      options.onRefusedSender?.(channel, sender);
      return false;
    };
    ipc.handle(channel, (sender, payload) => dispatch(channel, handlers, () => allowed(sender), payload, options));
  }
}

async function dispatch(
  channel: InvokeChannel,
  handlers: IpcHandlers,
  senderAllowed: () => boolean,
  payload: unknown,
  options: RegisterOptions<never>,
): Promise<Envelope<unknown>> {
  if (!senderAllowed()) return failure('forbidden-sender', 'This window may not call the app.');
  const schema = invokeChannels[channel].request;
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return failure('invalid-request', `Invalid request for ${channel}${where}: ${issue?.message ?? 'bad payload'}`);
  }
  try {
    const handler = handlers[channel] as (request: unknown) => unknown;
    const value = await handler(parsed.data);
    // Plain JSON only: a Date, Map or class instance would arrive differently over each transport.
    const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
    if (options.validateAnswers) {
      const checked = invokeChannels[channel].response.safeParse(plain);
      if (!checked.success)
        throw new Error(`The answer of ${channel} does not fit its schema: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message}`);
    }
    return { ok: true, value: plain };
  } catch (error) {
    if (error instanceof AppError) return failure(error.code, error.message);
    options.onUnexpectedError?.(channel, error);
    return failure('internal', 'Something went wrong inside the app. Details are in the log.');
  }
}

function failure(code: IpcError['code'], message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}
