// Electron glue: lifecycle, the window, IPC wiring, native dialogs and the system browser.
// Everything else is in ../services (plain Node) and is tested without the Electron binary.
import { app, BrowserWindow, dialog, ipcMain, nativeTheme, session, shell, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { eventChannelNames, type EventSink } from '../ipc/contract';
import { registerIpc } from '../ipc/register';
import { createAppServices } from '../services/app-services';
import type { Logger } from '../services/ports';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ORIGIN, decideNavigation, decidePermission, decideWindowOpen, isTrustedSender } from './security';
import { createWindowOptions } from './window-options';

const log: Logger = {
  info: (message) => console.info(message),
  warn: (message) => console.warn(message),
  error: (message, error) => console.error(message, error instanceof Error ? error.message : ''),
};

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;

const events: EventSink = {
  emit(channel, payload) {
    if (!eventChannelNames.includes(channel)) return;
    for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, payload);
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

  const services = await createAppServices({
    mode: 'electron',
    appName: app.getName(),
    appVersion: app.getVersion(),
    userDataDir: app.getPath('userData'),
    homeDir: app.getPath('home'),
    events,
    log,
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
  });

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

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
