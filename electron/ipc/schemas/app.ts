// The app, its preferences, notices, notifications and file choices: part of the IPC contract (electron/ipc/contract.ts). Pure TypeScript (zod only).
import { z } from 'zod';

export const appInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** 'electron' = the desktop app; 'web' = the browser preview (in-app file browser, no native dialogs). */
  mode: z.enum(['electron', 'web']),
  platform: z.string(),
  fileChooser: z.enum(['native', 'in-app']),
  homeDir: z.string(),
  /** 'keychain' = tokens survive a restart; 'memory' = no keychain here, tokens last for this run only. */
  secretStorage: z.enum(['keychain', 'memory']),
});
export type AppInfo = z.infer<typeof appInfo>;

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

export const preferences = z.object({
  /** How often live jobs are polled (docs/server-behaviour.md#polling: the web page polls every 20 s). */
  pollIntervalSeconds: z.number().int().min(10).max(300),
  notify: z.object({
    succeeded: z.boolean(),
    failed: z.boolean(),
    canceled: z.boolean(),
    retiring: z.boolean(),
    tokenExpiring: z.boolean(),
  }),
  /** With the window closed, keep watching jobs from the tray. */
  keepRunningInTray: z.boolean(),
});
export type Preferences = z.infer<typeof preferences>;

export const routeTarget = z.object({
  route: z.enum(['jobs', 'new', 'downloads', 'servers']),
  param: z.string().optional(),
});

export const desktopNotification = z.object({
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  route: z.enum(['jobs', 'servers', 'downloads']).optional(),
  param: z.string().optional(),
});
