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
  /** 'keychain' = tokens survive a restart; 'memory' = no keychain here, tokens last for this run only. */
  secretStorage: z.enum(['keychain', 'memory']),
});
export type AppInfo = z.infer<typeof appInfo>;

export const serverKind = z.enum(['topmed', 'michigan', 'custom', 'demo']);
export type ServerKind = z.infer<typeof serverKind>;

/** What a server card shows. The token itself never leaves main. */
export const serverStatus = z.enum([
  'ok',
  'expiring', // the token expires within 7 days
  'expired', // 401: the token is invalid or has expired
  'revoked', // 403 on the token: revoked or replaced by a newer one
  'signed-out', // no token stored
  'maintenance',
  'unreachable',
  'starting', // the demo server is starting
]);
export type ServerStatus = z.infer<typeof serverStatus>;

export const serverView = z.object({
  id: z.string(),
  kind: serverKind,
  label: z.string(),
  url: z.string(),
  /** The server's own name from /api/v2/server. */
  serverName: z.string().nullable(),
  user: z.object({ username: z.string(), fullName: z.string(), mail: z.string() }).nullable(),
  /** Epoch ms, or null when unknown (or no token). */
  tokenExpiresAt: z.number().nullable(),
  status: serverStatus,
  /** Words for the user about the status, with the server's own message where it helps. */
  statusMessage: z.string().nullable(),
  apps: z.array(z.object({ id: z.string(), name: z.string(), version: z.string() })),
  lastCheckedAt: z.number().nullable(),
  /** Where this server's token is kept. */
  tokenStorage: z.enum(['keychain', 'memory', 'none']),
  /** Waiting + running jobs the server allows per user (a setting: the API does not say). */
  liveJobLimit: z.number().int(),
  /** Where results of this server's jobs are saved (one folder per job below it). */
  downloadDir: z.string(),
  /** Download every file of a job as soon as it succeeds. */
  autoDownload: z.boolean(),
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

/** One job in a list (cloudgene-api.md 4; states 4.2). Times are epoch ms on the server's clock. */
export const jobSummary = z.object({
  serverId: z.string(),
  serverLabel: z.string(),
  id: z.string(),
  name: z.string(),
  application: z.string(),
  state: z.number().int(),
  /** Waiting jobs ahead of this one (0-based position), or null when not queued. */
  jobsAhead: z.number().int().nullable(),
  submittedOn: z.number(),
  startTime: z.number(),
  endTime: z.number(),
  /** Planned deletion of the results (states 8 and 9), else null. */
  deletedOn: z.number().nullable(),
  /** The server's clock minus ours at the last answer, to show running times correctly. */
  clockOffsetMs: z.number(),
  /** From the "(done/total)" step messages of a live job. */
  progress: z.object({ label: z.string(), done: z.number(), total: z.number() }).nullable(),
});
export type JobSummary = z.infer<typeof jobSummary>;

export const jobMessage = z.object({
  /** 0 ok, 1 error, 2 warning, 3 running. */
  type: z.number().int(),
  /** Server HTML, not yet sanitized: the renderer sanitizes before showing it. */
  html: z.string(),
});

export const jobDetail = jobSummary.extend({
  steps: z.array(z.object({ name: z.string(), messages: z.array(jobMessage) })),
  /** Key facts from the Input Validation summary (panel, build, phasing, samples...). */
  facts: z.array(z.object({ label: z.string(), value: z.string() })),
  qcStatistics: z.array(z.object({ label: z.string(), value: z.string() })),
  files: z.array(
    z.object({
      name: z.string(),
      hash: z.string(),
      sizeLabel: z.string().nullable(),
      /** Remaining download credits; null = unlimited. */
      credits: z.number().nullable(),
    }),
  ),
  firstError: z.string().nullable(),
  /** The results password is in the keychain (it was set when submitting from this app). */
  hasPassword: z.boolean(),
  /** The job's page on the server's website. */
  webUrl: z.string(),
});
export type JobDetail = z.infer<typeof jobDetail>;

export const preferences = z.object({
  /** How often live jobs are polled (cloudgene-api.md 6.1: the web page polls every 20 s). */
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

// ---- new job: the form (from the server's app definition) and uploads -----------------------

const option = z.object({ value: z.string(), label: z.string() });
/** One input of the server's app form (cloudgene-api.md 3.3), in the server's order. */
export const formField = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('select'), id: z.string(), label: z.string(), details: z.string().nullable(), options: z.array(option), initial: z.string() }),
  /** A list bound to another field: its options depend on that field's value (populations per panel). */
  z.object({
    kind: z.literal('bound-select'),
    id: z.string(),
    label: z.string(),
    details: z.string().nullable(),
    bind: z.string(),
    groups: z.record(z.string(), z.array(option)),
    initial: z.string(),
  }),
  z.object({ kind: z.literal('checkbox'), id: z.string(), label: z.string(), details: z.string().nullable() }),
  /** Terms the user must accept (check1, check2). */
  z.object({ kind: z.literal('terms'), id: z.string(), label: z.string() }),
  z.object({ kind: z.literal('text'), id: z.string(), label: z.string(), details: z.string().nullable(), initial: z.string() }),
  z.object({ kind: z.literal('files'), id: z.string(), label: z.string() }),
]);
export type FormField = z.infer<typeof formField>;

export const jobForm = z.object({
  serverId: z.string(),
  appId: z.string(),
  appName: z.string(),
  appVersion: z.string(),
  submitLabel: z.string(),
  fields: z.array(formField),
  /** The server's per-user limit on waiting+running jobs (a per-server setting) and how many are live now. */
  liveJobLimit: z.number().int(),
  liveJobs: z.number().int(),
  /** Why a submit would be refused before uploading (maintenance, job limit), or null. */
  blocker: z.object({ code: z.enum(ipcErrorCodes), message: z.string() }).nullable(),
});
export type JobForm = z.infer<typeof jobForm>;

export const uploadState = z.enum(['queued', 'checking', 'uploading', 'submitted', 'failed', 'canceled']);
export const uploadView = z.object({
  id: z.string(),
  serverId: z.string(),
  serverLabel: z.string(),
  jobName: z.string(),
  state: uploadState,
  files: z.array(z.object({ name: z.string(), size: z.number(), bytesSent: z.number() })),
  bytesSent: z.number(),
  totalBytes: z.number(),
  /** Smoothed bytes per second. */
  rate: z.number(),
  etaSeconds: z.number().nullable(),
  jobId: z.string().nullable(),
  error: z.object({ code: z.enum(ipcErrorCodes), message: z.string() }).nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
export type UploadView = z.infer<typeof uploadView>;

export const startUploadRequest = z
  .object({
    serverId: z.string(),
    appId: z.string().max(200),
    fileIds: z.array(z.string()).min(1).max(100),
    /** Values of select, bound-select and text fields, by field id. */
    values: z.record(z.string(), z.string().max(1000)),
    /** Checkboxes and terms by field id; unchecked ones are left out of the submit. */
    checked: z.record(z.string(), z.boolean()),
    jobName: z.string().max(250),
    /** Generated in main (never seen here) or typed by the user. */
    password: z.discriminatedUnion('mode', [
      z.object({ mode: z.literal('generate') }),
      z.object({ mode: z.literal('typed'), value: z.string().min(1).max(200) }),
    ]),
  })
  .strict();

// ---- pre-flight VCF checks (the server's input validation, run locally) ------------------------

export const finding = z.object({
  rule: z.string(),
  severity: z.enum(['error', 'warning']),
  /** The server's exact text ('' where the server says nothing). */
  serverMessage: z.string(),
  explanation: z.string(),
  fix: z.string(),
  /** The server would stop at this finding first (its order: tabix, then the validator, then QC). */
  firstStop: z.boolean().optional(),
});
export type Finding = z.infer<typeof finding>;

export const preflightFile = z.object({
  fileId: z.string(),
  name: z.string(),
  samples: z.number(),
  chromosomes: z.array(z.string()),
  variants: z.number(),
  chunks: z.number(),
  phased: z.boolean(),
  firstPosition: z.number().nullable(),
  lastPosition: z.number().nullable(),
  suggestedBuild: z.enum(['hg19', 'hg38']).nullable(),
  findings: z.array(finding),
});

export const preflightReport = z.object({
  ok: z.boolean(),
  files: z.array(preflightFile),
  /** Findings about the set of files (sample counts, one file per chromosome, density, options). */
  crossFile: z.array(finding),
});
export type PreflightReport = z.infer<typeof preflightReport>;

export const preflightRequest = z
  .object({
    /** The caller's id for this check: progress events carry it, and cancel names it. */
    checkId: z.string().min(1).max(100),
    serverId: z.string(),
    fileIds: z.array(z.string()).min(1).max(100),
    values: z.record(z.string(), z.string().max(1000)),
  })
  .strict();

// ---- downloads -------------------------------------------------------------------------------

export const downloadItem = z.object({
  id: z.string(),
  serverId: z.string(),
  jobId: z.string(),
  name: z.string(),
  sizeLabel: z.string().nullable(),
  destDir: z.string(),
  /** Where the file is (or will be) on disk; null when the server's name was refused. */
  path: z.string().nullable(),
  state: z.enum(['queued', 'running', 'paused', 'needs-confirmation', 'verifying', 'completed', 'failed', 'canceled']),
  creditsLeft: z.number(),
  creditsSpent: z.number(),
  receivedBytes: z.number(),
  resumedFromBytes: z.number(),
  totalBytes: z.number().nullable(),
  estimatedBytes: z.number().nullable(),
  md5Of: z.string().nullable(),
  checksum: z.enum(['none', 'pending', 'ok', 'mismatch']),
  alreadyComplete: z.boolean(),
  error: z
    .object({ code: z.string(), message: z.string(), serverMessage: z.string().optional(), detail: z.string().optional(), status: z.number().optional() })
    .nullable(),
  retries: z.array(z.object({ at: z.number(), reason: z.string(), creditLost: z.boolean() })),
  notBefore: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().nullable(),
  /** Continuing needs no new credit (the pre-signed link is still valid). */
  resumeIsFree: z.boolean(),
  resumableUntil: z.number().nullable(),
});
export type DownloadItem = z.infer<typeof downloadItem>;

export const downloadProgress = z.object({
  id: z.string(),
  receivedBytes: z.number(),
  totalBytes: z.number().nullable(),
  estimatedBytes: z.number().nullable(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
});

export const downloadTotals = z.object({
  receivedBytes: z.number(),
  totalBytes: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  running: z.number(),
  queued: z.number(),
});

export const jobRef = z.object({ serverId: z.string(), jobId: z.string().min(1).max(200) }).strict();

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
        downloadDir: z.string().min(1).max(4096).optional(),
        autoDownload: z.boolean().optional(),
      })
      .strict(),
    response: serverView,
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
  /** Copies a job's results password from the keychain to the clipboard (it never comes to this window). */
  'jobs:copyPassword': { request: jobRef, response: z.object({ copied: z.boolean() }) },
  /** Downloads all files of a job, or the named ones, into the server's folder for results. */
  'downloads:start': {
    request: z.object({ serverId: z.string(), jobId: z.string(), names: z.array(z.string()).optional() }).strict(),
    response: z.array(downloadItem),
  },
  'downloads:list': { request: empty, response: z.object({ items: z.array(downloadItem), totals: downloadTotals }) },
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
  /** An upload moved (at most 10 times a second while sending). */
  'uploads:changed': uploadView,
  'app:notice': notice,
  /** Main asks the window to show a screen (a notification was clicked). */
  'app:navigate': routeTarget,
  /** The browser preview shows notifications inside the page (it has no desktop notifications). */
  'app:notification': desktopNotification,
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
