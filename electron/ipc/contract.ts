// The one table of everything the renderer may ask of main, and every event main may send.
// Pure TypeScript (zod only): imported by main, preload, the browser preview, the renderer and tests.
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
  'keychain-unavailable',
] as const;
export type IpcErrorCode = (typeof ipcErrorCodes)[number];

export const ipcError = z.object({ code: z.enum(ipcErrorCodes), message: z.string() });
export type IpcError = z.infer<typeof ipcError>;

/** Every invoke answer is wrapped, so a typed error survives Electron's and the WebSocket's transports. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: IpcError };

const empty = z.object({}).strict();

// ---- payload schemas -------------------------------------------------------------------------

export const appInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** 'electron' = the desktop app; 'web' = the browser preview (in-app file browser, no native dialogs). */
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  fileChooser: z.enum(['native', 'in-app']),
  homeDir: z.string(),
});
export type AppInfo = z.infer<typeof appInfo>;

export const serverKind = z.enum(['topmed', 'michigan', 'custom', 'demo']);
export type ServerKind = z.infer<typeof serverKind>;

export const serverView = z.object({
  id: z.string(),
  kind: serverKind,
  label: z.string(),
  url: z.string(),
});
export type ServerView = z.infer<typeof serverView>;

export const dirEntry = z.object({
  name: z.string(),
  kind: z.enum(['dir', 'file']),
  size: z.number(),
  mtimeMs: z.number(),
});
export type DirEntry = z.infer<typeof dirEntry>;

export const dirListing = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(dirEntry),
});
export type DirListing = z.infer<typeof dirListing>;

/** A file chosen by the user, known to main; the renderer only ever holds its opaque id. */
export const chosenFile = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
});
export type ChosenFile = z.infer<typeof chosenFile>;

export const notice = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});
export type Notice = z.infer<typeof notice>;

// ---- the table ------------------------------------------------------------------------------

export const invokeChannels = {
  'app:info': { request: empty, response: appInfo },
  /** Messages main wants shown once (e.g. a corrupt settings file was replaced). */
  'app:notices': { request: empty, response: z.array(notice) },
  'servers:list': { request: empty, response: z.array(serverView) },
  /** The in-app file browser of the browser preview (a native dialog in Electron). */
  'files:listDir': {
    request: z.object({ path: z.string().max(4096).optional() }).strict(),
    response: dirListing,
  },
  /** Opens the native file dialog; resolves to [] when the user cancels. */
  'files:openDialog': {
    request: z.object({ title: z.string().max(200).optional() }).strict(),
    response: z.array(chosenFile),
  },
  /** Registers paths picked in the in-app browser or dropped on the window; answers opaque ids. */
  'files:register': {
    request: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(500) }).strict(),
    response: z.array(chosenFile),
  },
  'shell:openExternal': {
    request: z.object({ url: z.string().max(2048) }).strict(),
    response: z.object({ opened: z.boolean() }),
  },
} as const;

export const eventChannels = {
  'servers:changed': z.array(serverView),
  'app:notice': notice,
} as const;

export type InvokeChannels = typeof invokeChannels;
export type InvokeChannel = keyof InvokeChannels;
export type EventChannel = keyof typeof eventChannels;
export type RequestOf<C extends InvokeChannel> = z.input<InvokeChannels[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<InvokeChannels[C]['response']>;
export type EventPayload<C extends EventChannel> = z.output<(typeof eventChannels)[C]>;

export const invokeChannelNames = Object.keys(invokeChannels) as InvokeChannel[];
export const eventChannelNames = Object.keys(eventChannels) as EventChannel[];

/** What main implements: one handler per invoke channel (the type system checks none is missing). */
export type IpcHandlers = {
  [C in InvokeChannel]: (request: z.output<InvokeChannels[C]['request']>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

/** How services send events to every window (Electron webContents, WebSocket clients, tests). */
export interface EventSink {
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
}

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
