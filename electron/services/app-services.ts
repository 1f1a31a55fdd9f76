// The composition root of main's services: one place that turns Ports into IpcHandlers.
// Used unchanged by the Electron main process, the browser preview and the tests.
import { AppError, type IpcHandlers, type Notice } from '../ipc/contract';
import { createDispatcher, proxyConfigured, userAgent } from './cloudgene/http';
import { listDirectory } from './files/dir-browser';
import { FileRegistry } from './files/file-registry';
import type { Ports } from './ports';
import { isAllowedExternalUrl } from './security/external-url';
import { SettingsStore } from './settings/settings-store';
import path from 'node:path';
import { DownloadManager } from './downloads/manager';
import { downloadWaitRules, DownloadsService } from './downloads/downloads-service';
import { WaitingJobs } from './downloads/waiting-jobs';
import { withErrorTranslation } from './app-errors';
import { JobAlerts } from './jobs/job-alerts';
import { JobWatcher } from './jobs/job-watcher';
import { JobsService } from './jobs/jobs-service';
import { JobPasswords } from './passwords/job-passwords';
import { PasswordActions } from './passwords/password-actions';
import { NewJobService } from './newjob/new-job-service';
import { PreflightService } from './newjob/preflight-service';
import { createDemoHost } from './servers/demo-host';
import { KEYCHAIN_LOCKED_MESSAGE } from './secrets/secret-store';
import { UploadQueue } from './upload-queue/upload-queue';
import { tapEvents } from './qc/event-tap';
import { QcService } from './qc/qc-service';
import { QcStore } from './qc/qc-store';
import type { DemoHost } from './servers/demo-session';
import { ServersService } from './servers/servers-service';
import { ResultsService } from './results/results-service';
import { ResultsStore } from './results/results-store';
import { followUploads, SubmissionRecords } from './results/submission-records';

export interface AppServices {
  handlers: IpcHandlers;
  files: FileRegistry;
  settings: SettingsStore;
  servers: ServersService;
  jobs: JobsService;
  watcher: JobWatcher;
  uploads: UploadQueue;
  downloads: DownloadsService;
  qc: QcService;
  results: ResultsService;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Replaces the built-in demo server (tests start their own emulators). */
  demo?: DemoHost;
  /** Checks every server in the background at start-up (off in tests that want quiet start-ups). */
  checkServersOnStart?: boolean;
  /** Starts the background job watcher (tests drive it by hand). */
  watchJobs?: boolean;
  /** The proxy to use (Electron resolves the system proxy); undefined = HTTPS_PROXY / NO_PROXY. */
  proxyUrl?: string | null;
  /** Watcher timing, for tests. */
  watcher?: { heartbeatMs?: number; listIntervalMs?: number; maxBackoffMs?: number; pollIntervalMs?: number };
}

export async function createAppServices(ports: Ports, options: ServiceOptions = {}): Promise<AppServices> {
  const notices: Notice[] = [];
  const { store: settings, corruptCopy } = await SettingsStore.open(ports.userDataDir);
  if (corruptCopy) {
    const message = `The settings file could not be read and was replaced with defaults. The old copy is kept at ${corruptCopy}.`;
    ports.log.warn(message);
    notices.push({ level: 'warning', message });
  }
  if (ports.secrets.kind === 'memory') {
    notices.push({
      level: 'warning',
      message: 'No keychain is available on this system, so API tokens are kept in memory for this run only. You will paste them again after a restart.',
    });
  }
  if (ports.secrets.kind === 'keychain' && (await ports.secrets.check()) === 'locked') {
    notices.push({ level: 'warning', message: `${KEYCHAIN_LOCKED_MESSAGE} Until then the app cannot read your tokens or results passwords.` });
  }
  const files = new FileRegistry();
  // The QC service follows uploads, jobs and downloads through the events they send the window.
  let qc: QcService | null = null;
  const events = tapEvents(ports.events, (channel, payload) => qc?.onEvent(channel, payload));
  const passwords = await JobPasswords.open(ports.userDataDir, ports.secrets);
  const dispatcher = createDispatcher({ proxyUrl: options.proxyUrl });
  const servers = new ServersService({
    settings,
    secrets: ports.secrets,
    events: ports.events,
    notifier: ports.notifier,
    log: ports.log,
    userAgent: userAgent(ports.appVersion),
    dispatcher,
    demo: options.demo ?? createDemoHost(ports.log),
    downloadsDir: ports.downloadsDir,
    onRemoved: async (server) => {
      await passwords.forgetServer(server.url);
      waiting.remove(server.id);
    },
  });
  await servers.init();
  if (options.checkServersOnStart ?? true) void servers.refreshAll();

  const preferences = () => settings.get().preferences;
  const alerts = await JobAlerts.open(ports.userDataDir, ports.notifier, preferences);
  const manager = await DownloadManager.open({
    queueFile: path.join(ports.userDataDir, 'downloads.json'),
    completedDir: path.join(ports.userDataDir, 'downloads-completed'),
    // Direct connections use the downloads' own lean client; a proxy goes through undici.
    // Through the proxy when one is set; direct downloads use the downloads' own agent (one
    // connection per request, so a credit is never spent on a stale kept-alive connection).
    dispatcher: proxyConfigured({ proxyUrl: options.proxyUrl }) ? dispatcher : undefined,
    userAgent: userAgent(ports.appVersion),
    log: (line) => ports.log.info(line),
    freshEachRun: servers
      .list()
      .filter((server) => server.kind === 'demo')
      .map((server) => server.id),
  });
  const waiting = await WaitingJobs.open({
    userDataDir: ports.userDataDir,
    attempt: (request) => downloads.attemptWaiting(request),
    isTransient: downloadWaitRules.isTransient,
    describe: downloadWaitRules.describe,
    onChange: (list) => ports.events.emit('downloads:waiting', list),
    onDropped: (request, error) =>
      ports.notifier.notify({
        kind: 'downloads-done',
        title: `The download of ${request.jobId} could not start`,
        body: downloadWaitRules.describe(error),
        route: 'jobs',
        param: `${request.serverId}/${request.jobId}`,
      }),
    log: (line) => ports.log.info(line),
  });
  const downloads: DownloadsService = new DownloadsService({
    manager,
    servers,
    waiting,
    passwordOf: async (serverId, jobId) => (await jobs.passwordOf(serverId, jobId)).password,
    events,
    notifier: ports.notifier,
    log: ports.log,
    showInFolder: ports.showInFolder,
  });
  const jobs = new JobsService({
    servers,
    events,
    passwords,
    alerts,
    // A QC-only check has nothing worth a download credit but the file its report reads.
    onSucceeded: (serverId, job) => {
      if (!qc?.ownsCheckJob(serverId, job.id)) void downloads.onJobSucceeded(serverId, job);
    },
  });
  const watcher = new JobWatcher({
    jobs,
    log: ports.log,
    pollIntervalMs: () => options.watcher?.pollIntervalMs ?? preferences().pollIntervalSeconds * 1000,
    heartbeatMs: options.watcher?.heartbeatMs,
    listIntervalMs: options.watcher?.listIntervalMs,
    maxBackoffMs: options.watcher?.maxBackoffMs,
  });
  if (options.watchJobs ?? true) watcher.start();
  ports.power?.onSuspend(() => watcher.pause('sleep'));
  ports.power?.onResume(() => watcher.resume('sleep'));
  const liveJobLimit = (serverId: string) => settings.get().servers.find((server) => server.id === serverId)?.liveJobLimit ?? 3;
  const newJob = new NewJobService({ servers, jobs, files, liveJobLimit });
  const resultsStore = new ResultsStore(ports.userDataDir);
  const submissions = new SubmissionRecords(resultsStore, ports.log);
  const uploads = new UploadQueue({
    servers,
    jobs,
    passwords,
    // What the app submits is written down per job for the methods record.
    events: followUploads(events, submissions),
    log: ports.log,
    keepAwake: ports.keepAwake,
    blocker: (serverId) => newJob.blocker(serverId),
  });
  // Offline, everything that needs the server waits (rather than failing and backing off), and
  // continues as soon as the network is back.
  ports.network?.onOffline(() => {
    watcher.pause('offline');
    manager.setOnline(false);
    uploads.setOnline(false);
  });
  ports.network?.onOnline(() => {
    watcher.resume('offline');
    manager.setOnline(true);
    downloads.online();
    uploads.setOnline(true);
    void servers.refreshAll(); // server cards may still say "unreachable" from while it was down
  });
  const preflight = new PreflightService({ servers, files, events: ports.events, formOf: (serverId) => newJob.fieldsOf(serverId) });

  qc = new QcService({
    store: await QcStore.open(ports.userDataDir, (error) => ports.log.warn(`qc-runs.json could not be saved: ${String(error)}`)),
    servers,
    jobs,
    newJob,
    uploads,
    downloads,
    files,
    events: ports.events,
    log: ports.log,
  });
  await qc.init();
  const checks = qc;
  const results = new ResultsService({
    servers,
    jobs,
    downloadItems: () => downloads.list().items,
    events: ports.events,
    log: ports.log,
    store: resultsStore,
    submissions,
    app: { name: ports.appName, version: ports.appVersion },
  });

  const passwordActions = new PasswordActions({ servers, jobs, passwords, clipboard: ports.clipboard, saveDialog: ports.saveDialog, log: ports.log });

  const serverHosts = () =>
    settings
      .get()
      .servers.filter((server) => server.kind !== 'demo')
      .map((server) => new URL(server.url).hostname);

  const handlers: IpcHandlers = withErrorTranslation({
    'app:info': () => ({
      name: ports.appName,
      version: ports.appVersion,
      mode: ports.mode,
      platform: process.platform,
      fileChooser: ports.fileDialog ? 'native' : 'in-app',
      homeDir: ports.homeDir,
      secretStorage: ports.secrets.kind,
    }),
    'app:notices': () => notices.splice(0, notices.length),
    'servers:list': () => servers.list(),
    'servers:add': (request) => servers.add(request),
    'servers:addDemo': () => servers.addDemo(),
    'servers:replaceToken': ({ id, token }) => servers.replaceToken(id, token),
    'servers:signOut': ({ id }) => servers.signOut(id),
    'servers:remove': ({ id }) => servers.remove(id),
    'servers:refresh': ({ id }) => servers.refresh(id),
    'servers:update': ({ id, ...change }) => servers.update(id, change),
    'servers:setDownloadDir': ({ id, downloadDir }) => servers.update(id, { downloadDir }),
    'servers:chooseDownloadDir': async ({ id }) => {
      const server = servers.list().find((candidate) => candidate.id === id);
      if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
      if (!ports.folderDialog) throw new AppError('unavailable', 'There is no native folder dialog here; type the folder instead.');
      const chosen = await ports.folderDialog.chooseFolder({ title: `Results folder for ${server.label}`, defaultPath: server.downloadDir });
      if (!chosen) return { changed: false, server };
      return { changed: true, server: await servers.update(id, { downloadDir: chosen }) };
    },
    'jobs:list': (request) => jobs.list(request),
    'jobs:get': ({ serverId, jobId }) => jobs.get(serverId, jobId),
    'jobs:cancel': ({ serverId, jobId }) => jobs.cancel(serverId, jobId),
    'jobs:restart': ({ serverId, jobId }) => jobs.restart(serverId, jobId),
    'jobs:delete': ({ serverId, jobId }) => jobs.delete(serverId, jobId),
    'newJob:form': ({ serverId }) => newJob.form(serverId),
    'uploads:start': async (request) => {
      const upload = await newJob.uploadRequest(request);
      const view = uploads.start(upload);
      submissions.started(view.id, upload);
      return view;
    },
    'uploads:list': () => uploads.list(),
    'preflight:check': (request) => preflight.check(request),
    'preflight:cancel': ({ checkId }) => preflight.cancel(checkId),
    'uploads:cancel': ({ id }) => uploads.cancel(id),
    'uploads:retry': ({ id }) => uploads.retry(id),
    'uploads:dismiss': ({ id }) => uploads.dismiss(id),
    'jobs:copyPassword': ({ serverId, jobId }) => passwordActions.copy(serverId, jobId),
    'jobs:revealPassword': ({ serverId, jobId }) => passwordActions.reveal(serverId, jobId),
    'jobs:savePassword': ({ serverId, jobId }) => passwordActions.save(serverId, jobId),
    'jobs:acknowledgePassword': ({ serverId, jobId }) => passwordActions.acknowledge(serverId, jobId),
    'downloads:start': ({ serverId, jobId, names }) => downloads.start(serverId, jobId, names),
    'downloads:list': () => downloads.list(),
    'downloads:cancelWaiting': ({ serverId, jobId }) => downloads.cancelWaiting(serverId, jobId),
    'downloads:pause': ({ id }) => downloads.pause(id),
    'downloads:resume': ({ id, spendCredit }) => downloads.resume(id, spendCredit),
    'downloads:cancel': ({ id }) => downloads.cancel(id),
    'downloads:remove': ({ id }) => downloads.remove(id),
    'downloads:showInFolder': ({ id }) => downloads.showInFolder(id),
    'downloads:extract': ({ serverId, jobId, password }) => downloads.extract(serverId, jobId, password),
    'settings:get': () => settings.get().preferences,
    'settings:update': (change) => settings.updatePreferences(change),
    'files:listDir': ({ path }) => listDirectory(path, ports.homeDir),
    'files:openDialog': async ({ title }) => {
      if (!ports.fileDialog) throw new AppError('unavailable', 'There is no native file dialog here; use the file browser.');
      const paths = await ports.fileDialog.chooseFiles({
        title,
        filters: [{ name: 'Compressed VCF (*.vcf.gz)', extensions: ['gz'] }],
      });
      return paths.length === 0 ? [] : files.register(paths);
    },
    'files:register': ({ paths }) => files.register(paths),
    'files:registerDropped': ({ paths }) => files.register(paths),
    'results:overview': ({ serverId, jobId }) => results.overview(serverId, jobId),
    'results:summarize': ({ serverId, jobId, operationId }) => results.summarize(serverId, jobId, operationId),
    'results:qc': ({ serverId, jobId }) => results.qc(serverId, jobId),
    'results:exportPlan': (options) => results.exportPlan(options),
    'results:export': ({ operationId, ...options }) => results.export(options, operationId),
    'results:methods': ({ serverId, jobId, operationId }) => results.methods(serverId, jobId, operationId),
    'results:downloadCommands': ({ serverId, jobId }) => results.downloadCommands(serverId, jobId),
    'results:saveChart': ({ serverId, jobId, name, format, data }) => results.saveChart(serverId, jobId, name, format, data),
    'results:cancel': ({ operationId }) => results.cancel(operationId),
    'shell:openExternal': async ({ url }) => {
      if (!isAllowedExternalUrl(url, serverHosts())) {
        throw new AppError('forbidden', 'Only https links to the imputation servers and their documentation open from the app.');
      }
      return { opened: await ports.openExternal(url) };
    },
    'qc:inspect': ({ serverId, fileIds }) => checks.inspect(serverId, fileIds),
    'qc:start': (request) => checks.start(request),
    'qc:list': () => checks.list(),
    'qc:impute': ({ id, options, keepCopies }) => checks.impute(id, options, keepCopies),
    'qc:retry': ({ id }) => checks.retry(id),
    'qc:cancel': ({ id }) => checks.cancel(id),
    'qc:keepCopies': ({ id, keep }) => checks.keepCopies(id, keep),
    'qc:dismiss': ({ id }) => checks.dismiss(id),
  });

  let closed = false;
  return {
    handlers,
    files,
    settings,
    servers,
    jobs,
    watcher,
    uploads,
    downloads,
    qc: checks,
    results,
    close: async () => {
      if (closed) return;
      closed = true;
      watcher.stop();
      await checks.close();
      await alerts.flush();
      await passwords.flush();
      await downloads.close();
      await results.close();
      await servers.close();
      await dispatcher.close();
    },
  };
}
