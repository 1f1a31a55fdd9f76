// Electron glue: lifecycle, the window, IPC wiring, native dialogs and the system browser.
// Everything else is in ../services (plain Node) and is tested without the Electron binary.
import {
  app,
  BrowserWindow,
  clipboard,
  dialog,
  ipcMain,
  nativeTheme,
  net,
  Notification,
  powerMonitor,
  powerSaveBlocker,
  session,
  shell,
  type IpcMainInvokeEvent,
} from 'electron';
import path from 'node:path';
import { eventChannelNames, type EventSink } from '../ipc/contract';
import { registerIpc } from '../ipc/register';
import { createAppServices, type AppServices } from '../services/app-services';
import { proxyUrlFromPac } from '../services/cloudgene/http';
import { pollNetwork } from '../services/network-events';
import type { Logger, Notifier } from '../services/ports';
import { openSecretStore } from '../services/secrets/keytar-store';
import { trustSystemCertificates } from '../services/system-ca';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ORIGIN, decideNavigation, decidePermission, decideWindowOpen, isTrustedSender } from './security';
import { AppTray } from './tray';
import { createWindowOptions } from './window-options';

const log: Logger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error instanceof Error ? error.message : ''),
};

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;
let servicesRef: AppServices | null = null;
let quitting = false;
const tray = new AppTray(
  () => showWindow(),
  () => {
    quitting = true;
    app.quit();
  },
);

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
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
    const notification = new Notification({ title, body });
    notification.on('click', () => {
      showWindow();
      if (route) events.emit('app:navigate', { route, param });
    });
    notification.show();
  },
};

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(
    createWindowOptions({
      preloadPath: path.join(__dirname, '../preload/index.cjs'),
      darkBackground: nativeTheme.shouldUseDarkColors,
    }),
  );
  window.webContents.on('will-navigate', (event, url) => {
    if (decideNavigation(url) === 'deny') event.preventDefault();
  });
  window.webContents.on('will-redirect', (event, url) => {
    if (decideNavigation(url) === 'deny') event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-attach-webview', (event) => event.preventDefault());
});

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

void app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(decidePermission(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => decidePermission(permission));
  serveRenderer(path.join(__dirname, '../renderer'));

  // Before the first TLS connection: trust the system's certificate authorities too.
  const ca = trustSystemCertificates();
  if (ca.status === 'failed') log.warn(`The system's certificate authorities could not be read (${ca.reason}); using the built-in list.`);
  else if (ca.status === 'added' && ca.added > 0) log.info(`Trusting ${ca.added} certificate authorities from the system besides the built-in list.`);

  // The keychain entry's service name is the app id (electron-builder.yml appId).
  const { store: secrets } = await openSecretStore('org.imputationdesktop.app', log);
  // The system proxy (PAC, OS settings) unless the environment names one.
  const proxyUrl =
    process.env.HTTPS_PROXY || process.env.https_proxy
      ? undefined
      : proxyUrlFromPac(await session.defaultSession.resolveProxy('https://imputationserver.sph.umich.edu'));
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
          const options = { title, filters, properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'> };
          const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
          return result.canceled ? [] : result.filePaths;
        },
      },
      openExternal: async (url) => {
        await shell.openExternal(url);
        return true;
      },
      power: {
        onSuspend: (listener) => powerMonitor.on('suspend', listener),
        onResume: (listener) => powerMonitor.on('resume', listener),
      },
      network: pollNetwork(() => net.isOnline()),
      keepAwake: {
        start() {
          const id = powerSaveBlocker.start('prevent-app-suspension');
          return () => powerSaveBlocker.stop(id);
        },
      },
      clipboard: { writeText: (text) => clipboard.writeText(text), readText: () => clipboard.readText() },
    },
    { proxyUrl },
  );

  servicesRef = services;
  registerIpc<IpcMainInvokeEvent>(
    { handle: (channel, listener) => ipcMain.handle(channel, (event, payload) => listener(event, payload)) },
    services.handlers,
    (event) => isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame),
    { onUnexpectedError: (channel, error) => log.error(`IPC ${channel} failed`, error) },
  );

  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

// With the window closed, the app keeps watching jobs from the tray (a setting, on by default).
app.on('window-all-closed', () => {
  const keepWatching = servicesRef?.settings.get().preferences.keepRunningInTray ?? false;
  if (keepWatching && !quitting) tray.show(servicesRef?.jobs.liveCount() ?? 0);
  else if (process.platform !== 'darwin') app.quit();
});

app.on('before-quit', () => {
  quitting = true;
  tray.destroy();
  void servicesRef?.close();
});
