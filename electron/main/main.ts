// Electron glue: lifecycle, the window, IPC wiring, native dialogs and the system browser.
// Everything else is in ../services (plain Node) and is tested without the Electron binary;
// tests/electron runs this file against a typed fake of Electron's native layer.
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  session,
  shell,
  type IpcMainInvokeEvent,
  type OpenDialogOptions,
  type WebContents,
} from 'electron';
import path from 'node:path';
import { eventChannelNames, type EventPayload, type EventSink } from '../ipc/contract';
import { registerIpc } from '../ipc/register';
import { surfaceChannels } from '../ipc/surface';
import { createAppServices, type AppServices } from '../services/app-services';
import { proxyUrlFromPac } from '../services/cloudgene/http';
import { pollNetwork } from '../services/network-events';
import type { Logger, Notifier } from '../services/ports';
import { openSecretStore } from '../services/secrets/keytar-store';
import { isAllowedExternalUrl } from '../services/security/external-url';
import { trustSystemCertificates } from '../services/system-ca';
import { appMenuTemplate } from './app-menu';
import { notificationText } from './notification-text';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ORIGIN, decideNavigation, decidePermission, decideWindowOpen, isTrustedSender } from './security';
import { AppTray } from './tray';
import { createWindowOptions } from './window-options';

/** The keychain entry's service name and the Windows AppUserModelID (electron-builder.yml appId). */
const APP_ID = 'org.imputationdesktop.app';

const log: Logger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error instanceof Error ? error.message : ''),
};

let mainWindow: BrowserWindow | null = null;
let servicesRef: AppServices | null = null;
let quitting = false;
let stopNetwork = () => {};
/** Shown notifications, kept referenced until they close: a collected one loses its click handler. */
const liveNotifications = new Set<Notification>();
const tray = new AppTray(
  () => showWindow(),
  () => {
    quitting = true;
    app.quit();
  },
);

// A second copy hands over to the first (the 'second-instance' event below) and quits.
if (app.requestSingleInstanceLock()) start();
else app.quit();

function start(): void {
  registerAppScheme();
  // Every renderer sandboxed, whatever a window's options say.
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  // Before the services are up there is nothing to show yet: ready() opens the window then.
  app.on('second-instance', () => {
    if (servicesRef) showWindow();
  });
  app.on('activate', () => {
    if (servicesRef && BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  // With the window closed, the app keeps watching jobs from the tray (a setting, on by default).
  app.on('window-all-closed', () => {
    const keepWatching = servicesRef?.settings.get().preferences.keepRunningInTray ?? false;
    if (keepWatching && !quitting) tray.show(servicesRef?.jobs.liveCount() ?? 0);
    else if (process.platform !== 'darwin') app.quit();
  });
  // Quitting waits for the services to close (queues and password records written, transfers
  // stopped cleanly), then quits for real.
  app.on('before-quit', (event) => {
    quitting = true;
    tray.destroy();
    const services = servicesRef;
    if (!services) return;
    servicesRef = null;
    event.preventDefault();
    stopNetwork();
    services
      .close()
      .catch((error: unknown) => log.error('Closing the services failed', error))
      .finally(() => app.quit());
  });
  void app.whenReady().then(ready);
}

async function ready(): Promise<void> {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(decidePermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => decidePermission(permission));
  serveRenderer(path.join(__dirname, '../renderer'));
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenuTemplate({ isMac: process.platform === 'darwin', isPackaged: app.isPackaged, openLink: (url) => void openExternal(url) })),
  );

  // Before the first TLS connection: trust the system's certificate authorities too.
  const ca = trustSystemCertificates();
  if (ca.status === 'failed') log.warn(`The system's certificate authorities could not be read (${ca.reason}); using the built-in list.`);
  else if (ca.status === 'added' && ca.added > 0) log.info(`Trusting ${ca.added} certificate authorities from the system besides the built-in list.`);

  const { store: secrets } = await openSecretStore(APP_ID, log);
  // The system proxy (PAC, OS settings) unless the environment names one.
  const proxyUrl =
    process.env.HTTPS_PROXY || process.env.https_proxy
      ? undefined
      : proxyUrlFromPac(await session.defaultSession.resolveProxy('https://imputationserver.sph.umich.edu'));
  const network = pollNetwork(() => net.isOnline());
  const services = await createAppServices(
    {
      mode: 'electron',
      appName: app.getName(),
      appVersion: app.getVersion(),
      userDataDir: app.getPath('userData'),
      homeDir: app.getPath('home'),
      downloadsDir: app.getPath('downloads'),
      showInFolder: (file) => shell.showItemInFolder(file),
      events,
      log,
      notifier,
      secrets,
      fileDialog: {
        async chooseFiles({ title, filters }) {
          const result = await showOpenDialog({ title, filters, properties: ['openFile', 'multiSelections'] });
          return result.canceled ? [] : result.filePaths;
        },
      },
      folderDialog: {
        async chooseFolder({ title, defaultPath }) {
          const result = await showOpenDialog({ title, defaultPath, properties: ['openDirectory', 'createDirectory'] });
          return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]!;
        },
      },
      saveDialog: {
        async chooseSavePath({ title, defaultPath }) {
          const options = { title, defaultPath };
          const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
          return result.canceled || !result.filePath ? null : result.filePath;
        },
      },
      openExternal,
      power: {
        onSuspend: (listener) => powerMonitor.on('suspend', listener),
        onResume: (listener) => powerMonitor.on('resume', listener),
      },
      network,
      keepAwake: {
        start() {
          const id = powerSaveBlocker.start('prevent-app-suspension');
          return () => powerSaveBlocker.stop(id);
        },
      },
      // Electron 45's clipboard answers with promises (electron.d.ts); password-clipboard.ts awaits them.
      clipboard: {
        writeText: (text) => clipboard.writeText(text),
        readText: () => clipboard.readText(),
      },
    },
    { proxyUrl },
  );
  stopNetwork = () => network.stop();
  if (quitting) {
    // Asked to quit while starting: close what just started, then go.
    network.stop();
    await services.close();
    app.quit();
    return;
  }

  servicesRef = services;
  const refused = new Set<string>();
  registerIpc<IpcMainInvokeEvent>(
    { handle: (channel, listener) => ipcMain.handle(channel, (event, payload) => listener(event, payload)) },
    services.handlers,
    (event) => isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame),
    {
      channels: surfaceChannels('desktop'),
      onUnexpectedError: (channel, error) => log.error(`IPC ${channel} failed`, error),
      // Once per sender, as VS Code does: enough to notice an attack without flooding the log.
      onRefusedSender: (channel, event) => {
        const frame = event.senderFrame;
        const origin = originOf(frame?.url);
        const key = `${event.sender.id} ${origin} ${frame === event.sender.mainFrame ? 'main' : 'sub'}`;
        if (refused.has(key)) return;
        refused.add(key);
        log.warn(`Refused an IPC call (${channel}) from ${frame === event.sender.mainFrame ? 'a page' : 'a frame'} that is not the app: ${origin}`);
      },
    },
  );

  showWindow();
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(
    createWindowOptions({
      preloadPath: path.join(__dirname, '../preload/index.cjs'),
      darkBackground: nativeTheme.shouldUseDarkColors,
      devTools: !app.isPackaged,
    }),
  );
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

function showWindow(): BrowserWindow {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
  return mainWindow;
}

/** Every web contents (the window, and anything it might open): no navigation away, no windows, no webviews. */
function guardContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (decideNavigation(url) === 'deny') event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (decideNavigation(url) === 'deny') event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url, serverHosts());
    if (decision.openExternally) void openExternal(url);
    return { action: decision.action };
  });
}

const events: EventSink = {
  emit(channel, payload) {
    if (!eventChannelNames.includes(channel)) return;
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, payload);
    if (servicesRef && (channel === 'jobs:changed' || channel === 'jobs:listChanged')) tray.update(servicesRef.jobs.liveCount());
  },
};

const notifier: Notifier = {
  notify({ title, body, route, param }) {
    if (!Notification.isSupported()) return;
    const notification = new Notification({ title: notificationText(title, process.platform), body: notificationText(body, process.platform) });
    liveNotifications.add(notification);
    notification.on('close', () => liveNotifications.delete(notification));
    notification.on('click', () => {
      liveNotifications.delete(notification);
      if (route) navigate({ route, param });
      else showWindow();
    });
    notification.show();
  },
};

/** Shows the window on a screen; a window that is still loading gets the request once it has loaded. */
function navigate(target: EventPayload<'app:navigate'>): void {
  const window = showWindow();
  const send = () => window.webContents.send('app:navigate', target);
  if (window.webContents.isLoading()) window.webContents.once('did-finish-load', send);
  else send();
}

/** The hosts of the user's own servers (https links to them may open in the browser). */
function serverHosts(): string[] {
  return (servicesRef?.settings.get().servers ?? []).filter((server) => server.kind !== 'demo').map((server) => new URL(server.url).hostname);
}

/** The system browser, for allowlisted https links only: checked here again, whoever asks. */
async function openExternal(url: string): Promise<boolean> {
  if (!isAllowedExternalUrl(url, serverHosts())) {
    log.warn(`Refused to open a link that is not on the allowlist: ${originOf(url)}`);
    return false;
  }
  await shell.openExternal(url);
  return true;
}

function showOpenDialog(options: OpenDialogOptions) {
  return mainWindow && !mainWindow.isDestroyed() ? dialog.showOpenDialog(mainWindow, options) : dialog.showOpenDialog(options);
}

function originOf(url: string | undefined): string {
  if (!url) return 'no frame';
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? `${parsed.protocol}` : parsed.origin;
  } catch {
    return 'an unreadable address';
  }
}
