// createApi(transport): the task-level `window.api` the renderer uses, built from the contract.
// Pure: no electron, no Node, no DOM. Preload wires it to ipcRenderer; the browser preview to a WebSocket.
import {
  invokeChannelNames,
  eventChannelNames,
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type IpcErrorCode,
  type RequestOf,
  type ResponseOf,
} from '../ipc/contract';
import { preloadOnlyChannels } from '../ipc/surface';

export interface Transport {
  invoke(channel: InvokeChannel, payload: unknown): Promise<Envelope<unknown>>;
  /** Subscribes to an event channel; returns the unsubscribe function. */
  on(channel: EventChannel, listener: (payload: unknown) => void): () => void;
}

/** Rejection value of every api call that failed: a code the UI maps to words, and a message. */
export class ApiError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type SplitChannel<C extends string> = C extends `${infer NS}:${infer M}` ? [NS, M] : never;
type Namespaces = SplitChannel<InvokeChannel>[0];
type MethodsOf<NS extends string> = {
  [C in InvokeChannel as SplitChannel<C>[0] extends NS ? SplitChannel<C>[1] : never]: Record<never, never> extends RequestOf<C>
    ? (request?: RequestOf<C>) => Promise<ResponseOf<C>>
    : (request: RequestOf<C>) => Promise<ResponseOf<C>>;
};

export type Api = { [NS in Namespaces]: MethodsOf<NS> } & {
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
  /** Files dropped on the window: their paths are resolved here (preload) and only ids come back. */
  registerDroppedFiles(files: readonly unknown[]): Promise<ResponseOf<'files:register'>>;
};

export interface ApiOptions {
  /** Electron's webUtils.getPathForFile; absent in the browser preview, where drops carry no path. */
  pathForDroppedFile?: (file: unknown) => string;
  /** The channels of this mode (ipc/surface.ts); every channel when absent. */
  channels?: readonly InvokeChannel[];
}

export function createApi(transport: Transport, options: ApiOptions = {}): Api {
  const api: Record<string, Record<string, unknown>> = {};
  const internal = new Set<InvokeChannel>(preloadOnlyChannels);
  for (const channel of options.channels ?? invokeChannelNames) {
    if (internal.has(channel)) continue;
    const [ns, method] = channel.split(':') as [string, string];
    api[ns] ??= {};
    api[ns][method] = async (request?: unknown) => {
      const answer = await transport.invoke(channel, request ?? {});
      if (answer.ok) return answer.value;
      throw new ApiError(answer.error.code, answer.error.message);
    };
  }
  const known = new Set<string>(eventChannelNames);
  const on = (channel: EventChannel, listener: (payload: unknown) => void) => {
    if (!known.has(channel)) throw new ApiError('unknown-channel', `Unknown event channel ${channel}`);
    return transport.on(channel, listener);
  };
  const registerDroppedFiles = async (files: readonly unknown[]) => {
    const resolve = options.pathForDroppedFile;
    if (!resolve) {
      throw new ApiError('unavailable', 'Dropping files works in the desktop app. Here, use "Choose files".');
    }
    // Only a File from a real drop has a path; anything else the page passes resolves to nothing.
    const paths = files.map((file) => resolvePath(resolve, file)).filter((path) => path.length > 0);
    if (paths.length === 0) throw new ApiError('file-refused', 'Only files from your disk can be added.');
    const answer = await transport.invoke('files:registerDropped', { paths });
    if (answer.ok) return answer.value as ResponseOf<'files:registerDropped'>;
    throw new ApiError(answer.error.code, answer.error.message);
  };
  for (const ns of Object.keys(api)) Object.freeze(api[ns]);
  return Object.freeze({ ...api, on, registerDroppedFiles }) as unknown as Api;
}

function resolvePath(resolve: (file: unknown) => string, file: unknown): string {
  try {
    const path = resolve(file);
    return typeof path === 'string' ? path : '';
  } catch {
    return '';
  }
}
