// The one table of everything the renderer may ask of main, and every event main may send.
// Pure TypeScript (zod only): imported by main, preload, the browser preview, the renderer and tests.
import { z } from 'zod';

import { appInfo, chosenFile, desktopNotification, dirListing, notice, preferences, routeTarget } from './schemas/app';
import { downloadItem, downloadProgress, downloadTotals, waitingDownload } from './schemas/downloads';
import { jobDetail, jobPasswordStatus, jobRef, jobSummary } from './schemas/jobs';
import { jobForm, preflightReport, preflightRequest, startUploadRequest, uploadView } from './schemas/new-job';
import { qcFixOptions, qcInspection, qcInspectRequest, qcRunRef, qcRunView, qcStartRequest } from './schemas/qc';
import { resultsChannels, resultsEvents } from './schemas/results';
import { serverView } from './schemas/servers';

// The schemas live per area in ./schemas; everything is re-exported here, so the table and its
// types stay the one thing to import.
export * from './schemas/app';
export * from './schemas/downloads';
export * from './schemas/errors';
export * from './schemas/jobs';
export * from './schemas/new-job';
export * from './schemas/qc';
export * from './schemas/results';
export * from './schemas/servers';

const empty = z.object({}).strict();

// ---- the table ------------------------------------------------------------------------------

export const invokeChannels = {
  'app:info': { request: empty, response: appInfo },
  /** Messages main wants shown once (e.g. a corrupt settings file was replaced). */
  'app:notices': { request: empty, response: z.array(notice) },
  'servers:list': { request: empty, response: z.array(serverView) },
  /** Verifies the token (tokens/verify and /server), then keeps the token in the keychain. */
  'servers:add': {
    request: z
      .object({
        kind: z.enum(['topmed', 'michigan', 'custom']),
        url: z.string().max(2048).optional(),
        label: z.string().max(120).optional(),
        token: z.string().min(1).max(8192),
      })
      .strict(),
    response: serverView,
  },
  /** Starts the built-in demo server on this computer and signs in to it. */
  'servers:addDemo': { request: empty, response: serverView },
  'servers:replaceToken': {
    request: z.object({ id: z.string(), token: z.string().min(1).max(8192) }).strict(),
    response: serverView,
  },
  /** Deletes the token from the keychain; the server stays in the list. */
  'servers:signOut': { request: z.object({ id: z.string() }).strict(), response: serverView },
  'servers:remove': { request: z.object({ id: z.string() }).strict(), response: z.object({ removed: z.boolean() }) },
  'servers:update': {
    request: z
      .object({
        id: z.string(),
        label: z.string().min(1).max(120).optional(),
        liveJobLimit: z.number().int().min(1).max(100).optional(),
        autoDownload: z.boolean().optional(),
      })
      .strict(),
    response: serverView,
  },
  /** The results folder, typed in the browser preview (the desktop app chooses it in main). */
  'servers:setDownloadDir': {
    request: z.object({ id: z.string(), downloadDir: z.string().min(1).max(4096) }).strict(),
    response: serverView,
  },
  /** Asks for the results folder with the native folder dialog in main; `changed` is false when canceled. */
  'servers:chooseDownloadDir': {
    request: z.object({ id: z.string() }).strict(),
    response: z.object({ changed: z.boolean(), server: serverView }),
  },
  /** Checks the server and the token again. */
  'servers:refresh': { request: z.object({ id: z.string() }).strict(), response: serverView },
  /** Every job of every signed-in server (or one server), from the watcher's cache, refreshed now. */
  'jobs:list': {
    request: z.object({ serverId: z.string().optional(), refresh: z.boolean().optional() }).strict(),
    response: z.object({
      jobs: z.array(jobSummary),
      problems: z.array(z.object({ serverId: z.string(), serverLabel: z.string(), message: z.string() })),
    }),
  },
  'jobs:get': { request: jobRef, response: jobDetail },
  /** Cancel is for states 1-3 (the server ignores it otherwise). */
  'jobs:cancel': { request: jobRef, response: jobDetail },
  /** Restart is for state -1 only. */
  'jobs:restart': { request: jobRef, response: jobDetail },
  'jobs:delete': { request: jobRef, response: z.object({ deleted: z.boolean() }) },
  /** The submit form of a server's imputation app, plus whether a submit would be refused now. */
  'newJob:form': { request: z.object({ serverId: z.string() }).strict(), response: jobForm },
  /** Queues an upload (one at a time per server); progress arrives as uploads:changed events. */
  'uploads:start': { request: startUploadRequest, response: uploadView },
  'uploads:list': { request: empty, response: z.array(uploadView) },
  /** Runs the server's input-validation rules on the chosen files here, before any upload. */
  'preflight:check': { request: preflightRequest, response: preflightReport },
  'preflight:cancel': { request: z.object({ checkId: z.string() }).strict(), response: z.object({ canceled: z.boolean() }) },
  'uploads:cancel': { request: z.object({ id: z.string() }).strict(), response: uploadView },
  /** Sends a failed upload again, whole, with the same results password. */
  'uploads:retry': { request: z.object({ id: z.string() }).strict(), response: uploadView },
  /** Forgets a finished upload (one that never became a job lets go of its password). */
  'uploads:dismiss': { request: z.object({ id: z.string() }).strict(), response: z.object({ dismissed: z.boolean() }) },
  /** Copies a job's results password from the keychain to the clipboard (it never comes to this window). */
  'jobs:copyPassword': { request: jobRef, response: z.object({ copied: z.boolean() }) },
  /**
   * Shows a results password, only while this computer cannot keep it (no or a locked keychain)
   * and the user must write it down; otherwise refused ("Copy" works from main).
   */
  'jobs:revealPassword': { request: jobRef, response: z.object({ password: z.string() }) },
  /** Saves a results password to a text file the user chooses (the results folder in the preview). */
  'jobs:savePassword': { request: jobRef, response: z.object({ path: z.string().nullable() }) },
  /** The user has saved the password themselves: the job page stops asking. */
  'jobs:acknowledgePassword': { request: jobRef, response: jobPasswordStatus },
  /** Downloads all files of a job, or the named ones, into the server's folder for results. */
  'downloads:start': {
    request: z.object({ serverId: z.string(), jobId: z.string(), names: z.array(z.string()).optional() }).strict(),
    /** `waiting` when the server did not answer: the request is kept and tried again by itself. */
    response: z.object({ items: z.array(downloadItem), waiting: waitingDownload.nullable() }),
  },
  'downloads:list': {
    request: empty,
    response: z.object({ items: z.array(downloadItem), totals: downloadTotals, waiting: z.array(waitingDownload) }),
  },
  /** Drops a "Download all" that waits for its server. */
  'downloads:cancelWaiting': {
    request: z.object({ serverId: z.string(), jobId: z.string() }).strict(),
    response: z.object({ removed: z.boolean() }),
  },
  'downloads:pause': { request: z.object({ id: z.string() }).strict(), response: z.object({ ok: z.boolean() }) },
  /** `spendCredit` confirms a retry that costs one of the file's download credits. */
  'downloads:resume': { request: z.object({ id: z.string(), spendCredit: z.boolean().optional() }).strict(), response: z.object({ ok: z.boolean() }) },
  'downloads:cancel': { request: z.object({ id: z.string() }).strict(), response: z.object({ ok: z.boolean() }) },
  'downloads:remove': { request: z.object({ id: z.string() }).strict(), response: z.object({ ok: z.boolean() }) },
  'downloads:showInFolder': { request: z.object({ id: z.string() }).strict(), response: z.object({ shown: z.boolean() }) },
  /** Opens the job's chr_*.zip files with the password from the keychain (or one typed). */
  'downloads:extract': {
    request: z.object({ serverId: z.string(), jobId: z.string(), password: z.string().max(200).optional() }).strict(),
    response: z.object({ archives: z.number(), files: z.number(), destDir: z.string() }),
  },
  'settings:get': { request: empty, response: preferences },
  'settings:update': { request: preferences.partial().strict(), response: preferences },
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
  /** Registers paths picked in the in-app browser of the preview; answers opaque ids. */
  'files:register': {
    request: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(500) }).strict(),
    response: z.array(chosenFile),
  },
  /**
   * Files dropped on the desktop window: preload resolves each File with webUtils.getPathForFile
   * and sends the paths here itself (window.api has no method that takes a path; see ./surface.ts).
   */
  'files:registerDropped': {
    request: z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(500) }).strict(),
    response: z.array(chosenFile),
  },
  'shell:openExternal': {
    request: z.object({ url: z.string().max(2048) }).strict(),
    response: z.object({ opened: z.boolean() }),
  },
  /** Before a submit: were these files sent to this server before, its QC-only mode, how big slim copies would be. */
  'qc:inspect': { request: qcInspectRequest, response: qcInspection },
  /** "Check against the panel first" (a QC-only job), or slim copies submitted for imputation; progress as qc:changed. */
  'qc:start': { request: qcStartRequest, response: qcRunView },
  'qc:list': { request: empty, response: z.array(qcRunView) },
  /** "Fix and impute" (or impute as is): corrected copies written here, then submitted in imputation mode. */
  'qc:impute': { request: z.object({ id: z.string(), options: qcFixOptions, keepCopies: z.boolean() }).strict(), response: qcRunView },
  /** Reads the check's job and snps-excluded.txt again (after a failed download; no credit for a file already here). */
  'qc:retry': { request: qcRunRef, response: qcRunView },
  /** Stops what the run is doing (rewriting, uploading, the QC job on the server). */
  'qc:cancel': { request: qcRunRef, response: qcRunView },
  /** Keeps the corrected or slim copies after the job's results are downloaded (or lets them go). */
  'qc:keepCopies': { request: z.object({ id: z.string(), keep: z.boolean() }).strict(), response: qcRunView },
  'qc:dismiss': { request: qcRunRef, response: z.object({ dismissed: z.boolean() }) },
  ...resultsChannels,
} as const;

export const eventChannels = {
  'servers:changed': z.array(serverView),
  /** A job changed (state, progress, queue position); sent by the background watcher. */
  'jobs:changed': jobSummary,
  /** The list of one server was read again (new or removed jobs). */
  'jobs:listChanged': z.object({ serverId: z.string() }),
  /** Bytes read by a pre-flight check (a few times a second). */
  'preflight:progress': z.object({ checkId: z.string(), bytesRead: z.number(), totalBytes: z.number() }),
  'downloads:changed': downloadItem,
  'downloads:removed': z.object({ id: z.string() }),
  /** Throttled by the manager (a few per second per transfer). */
  'downloads:progress': downloadProgress,
  'downloads:totals': downloadTotals,
  /** The requests waiting for their server changed. */
  'downloads:waiting': z.array(waitingDownload),
  /** An upload moved (at most 10 times a second while sending). */
  'uploads:changed': uploadView,
  'app:notice': notice,
  /** Main asks the window to show a screen (a notification was clicked). */
  'app:navigate': routeTarget,
  /** The browser preview shows notifications inside the page (it has no desktop notifications). */
  'app:notification': desktopNotification,
  /** A check or a fix moved (rewrite progress a few times a second). */
  'qc:changed': qcRunView,
  'qc:removed': z.object({ id: z.string() }),
  ...resultsEvents,
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
