// A small fake of Electron's native layer, enough to run the bundled main process and preload
// without the Electron binary. Every piece implements a Pick of the real type from electron.d.ts,
// so a fake method whose signature drifts from Electron's fails to compile; a piece main uses but
// the fake lacks fails at run time. Test controls (emitReady, invoke, ...) are extra members.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type * as Electron from 'electron';

type Listener = (...args: never[]) => unknown;

/** An Electron event object: listeners may call preventDefault(). */
export function fakeEvent<T extends object = object>(extra?: T): Electron.Event & T & { defaultPrevented: boolean } {
  const event = {
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
    ...extra,
  };
  return event as Electron.Event & T & { defaultPrevented: boolean };
}

export interface FakeFrame {
  url: string;
}

// ---- app ---------------------------------------------------------------------------------------

type AppPart = Pick<
  Electron.App,
  'whenReady' | 'requestSingleInstanceLock' | 'quit' | 'enableSandbox' | 'setAppUserModelId' | 'getName' | 'getVersion' | 'getPath' | 'isPackaged'
>;

class FakeApp extends EventEmitter implements AppPart {
  isPackaged = false;
  singleInstanceLock = true;
  sandboxEnabled = false;
  quitCalls = 0;
  quitted = false;
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((resolve) => (this.readyResolve = resolve));
  private isReady = false;

  constructor(private readonly paths: Record<string, string>) {
    super();
  }

  whenReady(): Promise<void> {
    return this.ready;
  }
  /** Test control: Electron finished starting. */
  emitReady(): void {
    this.isReady = true;
    this.readyResolve();
    this.emit('ready');
  }
  get ready_(): boolean {
    return this.isReady;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  /** As Electron does: before-quit listeners may hold the quit back with preventDefault(). */
  quit(): void {
    this.quitCalls += 1;
    const event = fakeEvent();
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    this.quitted = true;
    this.emit('will-quit', fakeEvent());
    this.emit('quit', fakeEvent(), 0);
  }
  enableSandbox(): void {
    if (this.isReady) throw new Error('app.enableSandbox() can only be called before app is ready');
    this.sandboxEnabled = true;
  }
  setAppUserModelId(_id: string): void {}
  getName(): string {
    return 'Imputation Desktop';
  }
  getVersion(): string {
    return '0.1.0';
  }
  getPath(name: Parameters<Electron.App['getPath']>[0]): string {
    const value = this.paths[name];
    if (!value) throw new Error(`Failed to get '${name}' path`);
    return value;
  }
}

// ---- windows and web contents --------------------------------------------------------------------

type ContentsPart = Pick<Electron.WebContents, 'send' | 'setWindowOpenHandler' | 'isLoading' | 'id'>;

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter implements ContentsPart {
  readonly id = nextContentsId++;
  readonly mainFrame: FakeFrame = { url: '' };
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  loading = false;
  openHandler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | null = null;

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, payload: args[0] });
    this.emit('ipc-message-to-renderer', channel, args[0]);
  }
  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]): void {
    this.openHandler = handler;
  }
  isLoading(): boolean {
    return this.loading;
  }
}

type WindowPart = Pick<Electron.BrowserWindow, 'show' | 'focus' | 'isMinimized' | 'restore' | 'minimize' | 'isDestroyed' | 'isVisible' | 'close' | 'loadURL'>;

// ---- the module ----------------------------------------------------------------------------------

export interface FakeElectronOptions {
  /** userData, home, downloads... */
  paths: Record<string, string>;
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

export function createFakeElectron(options: FakeElectronOptions) {
  const app = new FakeApp(options.paths);
  const windows: FakeBrowserWindow[] = [];
  const allWindows: FakeBrowserWindow[] = [];
  const log: string[] = [];

  class FakeBrowserWindow extends EventEmitter implements WindowPart {
    readonly webContents = new FakeWebContents();
    readonly options: Electron.BrowserWindowConstructorOptions;
    visible = false;
    minimized = false;
    destroyed = false;
    focusCalls = 0;
    loadedUrl: string | null = null;
    /** What the page got from the preload script (contextBridge.exposeInMainWorld). */
    exposed: Record<string, unknown> = {};

    static getAllWindows(): FakeBrowserWindow[] {
      return [...windows];
    }

    constructor(windowOptions: Electron.BrowserWindowConstructorOptions = {}) {
      super();
      this.options = windowOptions;
      windows.push(this);
      allWindows.push(this);
      // As Electron does: every new web contents is announced before its first navigation.
      app.emit('web-contents-created', fakeEvent(), this.webContents);
    }

    async loadURL(url: string): Promise<void> {
      this.loadedUrl = url;
      this.webContents.loading = true;
      this.webContents.mainFrame.url = url;
      const preload = this.options.webPreferences?.preload;
      if (preload) loadPreload(this, preload);
      this.emit('ready-to-show');
      this.webContents.loading = false;
      this.webContents.emit('did-finish-load');
    }
    show(): void {
      this.visible = true;
    }
    focus(): void {
      this.focusCalls += 1;
    }
    isVisible(): boolean {
      return this.visible;
    }
    minimize(): void {
      this.minimized = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    close(): void {
      if (this.destroyed) return;
      this.destroyed = true;
      windows.splice(windows.indexOf(this), 1);
      this.emit('closed');
      if (windows.length === 0) app.emit('window-all-closed');
    }
  }

  // ---- renderer side: preload with contextBridge, ipcRenderer, webUtils ----

  /** Files "dropped" from disk: webUtils.getPathForFile knows their paths, as Electron does. */
  const diskFiles = new WeakMap<object, string>();
  let rendererContents: FakeWebContents | null = null;

  function loadPreload(window: FakeBrowserWindow, preloadPath: string): void {
    const require = createRequire(preloadPath);
    delete require.cache[preloadPath];
    rendererContents = window.webContents;
    exposeTarget = window.exposed;
    require(preloadPath);
  }

  let exposeTarget: Record<string, unknown> = {};
  const contextBridge: Pick<Electron.ContextBridge, 'exposeInMainWorld'> = {
    exposeInMainWorld(apiKey: string, api: unknown): void {
      exposeTarget[apiKey] = api;
    },
  };

  const rendererListeners = new Map<Listener, (channel: string, payload: unknown) => void>();
  const ipcRenderer: Pick<Electron.IpcRenderer, 'invoke' | 'on' | 'removeListener'> = {
    invoke(channel: string, ...args: unknown[]): Promise<unknown> {
      const contents = rendererContents!;
      return invoke(channel, args[0], { sender: contents, frame: contents.mainFrame });
    },
    on(channel: string, listener: (event: Electron.IpcRendererEvent, ...args: unknown[]) => void) {
      const wrapped = (sentChannel: string, payload: unknown) => {
        if (sentChannel === channel) listener({} as Electron.IpcRendererEvent, payload);
      };
      rendererListeners.set(listener as Listener, wrapped);
      rendererContents!.on('ipc-message-to-renderer', wrapped);
      return ipcRenderer as Electron.IpcRenderer;
    },
    removeListener(_channel: string, listener: (event: Electron.IpcRendererEvent, ...args: unknown[]) => void) {
      const wrapped = rendererListeners.get(listener as Listener);
      if (wrapped) rendererContents!.off('ipc-message-to-renderer', wrapped);
      return ipcRenderer as Electron.IpcRenderer;
    },
  };

  const webUtils: Pick<Electron.WebUtils, 'getPathForFile'> = {
    getPathForFile(file: File): string {
      // Electron throws for anything but a File, and answers '' for a File not backed by disk.
      if (!(file instanceof File)) throw new TypeError('Error processing argument at index 0, conversion failure from');
      return diskFiles.get(file) ?? '';
    },
  };

  // ---- main side: IPC, protocol, session, net, shell, dialogs, notifications, tray ----

  const handlers = new Map<string, Parameters<Electron.IpcMain['handle']>[1]>();
  const ipcMain: Pick<Electron.IpcMain, 'handle'> = {
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
  };

  /** Calls an invoke channel as a frame of a web contents would. */
  async function invoke(channel: string, payload: unknown, from: { sender: FakeWebContents; frame: FakeFrame | null }): Promise<unknown> {
    const handler = handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    const event = { sender: from.sender, senderFrame: from.frame, processId: 1, frameId: 1 } as unknown as Electron.IpcMainInvokeEvent;
    return handler(event, payload);
  }

  const schemes: Electron.CustomScheme[] = [];
  const protocolHandlers = new Map<string, Parameters<Electron.Protocol['handle']>[1]>();
  const protocol: Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'> = {
    registerSchemesAsPrivileged(customSchemes) {
      if (app.ready_) throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
      schemes.push(...customSchemes);
    },
    handle(scheme, handler) {
      protocolHandlers.set(scheme, handler);
    },
  };

  const netState = { online: true };
  const net: Pick<Electron.Net, 'fetch' | 'isOnline'> = {
    // main only fetches file: URLs (the app:// protocol reads the renderer from disk)
    async fetch(input) {
      const url = typeof input === 'string' ? input : input.url;
      if (!url.startsWith('file:')) throw new Error(`the fake net.fetch reads file: URLs only, not ${url}`);
      try {
        return new Response(await fs.readFile(fileURLToPath(url)), { status: 200 });
      } catch {
        return new Response('', { status: 404 });
      }
    },
    isOnline: () => netState.online,
  };

  const permissionHandlers: {
    request: Parameters<Electron.Session['setPermissionRequestHandler']>[0];
    check: Parameters<Electron.Session['setPermissionCheckHandler']>[0];
  } = { request: null, check: null };
  const defaultSession: Pick<Electron.Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'resolveProxy'> = {
    setPermissionRequestHandler(handler) {
      permissionHandlers.request = handler;
    },
    setPermissionCheckHandler(handler) {
      permissionHandlers.check = handler;
    },
    resolveProxy: async () => 'DIRECT',
  };

  const opened: string[] = [];
  const shown: string[] = [];
  const shell: Pick<Electron.Shell, 'openExternal' | 'showItemInFolder'> = {
    async openExternal(url) {
      opened.push(url);
    },
    showItemInFolder(file) {
      shown.push(file);
    },
  };

  /** Answers the next native dialogs will give (canceled when none is queued). */
  const dialogAnswers: Array<string[] | null> = [];
  const dialogCalls: Array<{ kind: 'open' | 'save'; options: Electron.OpenDialogOptions | Electron.SaveDialogOptions; parent: boolean }> = [];
  const dialog: Pick<Electron.Dialog, 'showOpenDialog' | 'showSaveDialog'> = {
    async showOpenDialog(first: Electron.BaseWindow | Electron.OpenDialogOptions, second?: Electron.OpenDialogOptions) {
      const options = (second ?? first) as Electron.OpenDialogOptions;
      dialogCalls.push({ kind: 'open', options, parent: second !== undefined });
      const answer = dialogAnswers.shift() ?? null;
      return { canceled: answer === null, filePaths: answer ?? [] };
    },
    async showSaveDialog(first: Electron.BaseWindow | Electron.SaveDialogOptions, second?: Electron.SaveDialogOptions) {
      const options = (second ?? first) as Electron.SaveDialogOptions;
      dialogCalls.push({ kind: 'save', options, parent: second !== undefined });
      const answer = dialogAnswers.shift() ?? null;
      return { canceled: answer === null, filePath: answer?.[0] ?? '' };
    },
  };

  const notifications: FakeNotification[] = [];
  class FakeNotification extends EventEmitter implements Pick<Electron.Notification, 'show' | 'title' | 'body'> {
    title: string;
    body: string;
    shown = false;
    static isSupported(): boolean {
      return true;
    }
    constructor(notificationOptions: Electron.NotificationConstructorOptions = {}) {
      super();
      this.title = notificationOptions.title ?? '';
      this.body = notificationOptions.body ?? '';
      notifications.push(this);
    }
    show(): void {
      this.shown = true;
    }
  }

  const menus: { application: Electron.MenuItemConstructorOptions[] | null } = { application: null };
  class FakeMenu {
    constructor(readonly template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>) {}
    static buildFromTemplate(template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>): FakeMenu {
      return new FakeMenu(template);
    }
    static setApplicationMenu(menu: FakeMenu | null): void {
      menus.application = (menu?.template as Electron.MenuItemConstructorOptions[]) ?? null;
    }
  }

  const trays: FakeTray[] = [];
  class FakeTray extends EventEmitter implements Pick<Electron.Tray, 'setToolTip' | 'destroy'> {
    tooltip = '';
    menu: FakeMenu | null = null;
    destroyed = false;
    constructor(readonly image: unknown) {
      super();
      trays.push(this);
    }
    setToolTip(toolTip: string): void {
      this.tooltip = toolTip;
    }
    setContextMenu(menu: FakeMenu | null): void {
      this.menu = menu;
    }
    destroy(): void {
      this.destroyed = true;
    }
  }

  const image = { resize: () => image, isEmpty: () => false };
  const nativeImage: Pick<typeof Electron.nativeImage, 'createFromPath'> = {
    createFromPath: () => image as unknown as Electron.NativeImage,
  };

  const powerMonitor = new EventEmitter();
  const blockers = new Set<number>();
  let nextBlocker = 1;
  const powerSaveBlocker: Pick<Electron.PowerSaveBlocker, 'start' | 'stop'> = {
    start() {
      const id = nextBlocker++;
      blockers.add(id);
      return id;
    },
    stop(id) {
      return blockers.delete(id);
    },
  };
  let clipboardText = '';
  const clipboard: Pick<Electron.Clipboard, 'writeText' | 'readText'> = {
    async writeText(text) {
      clipboardText = text;
    },
    readText: async () => clipboardText,
  };
  const nativeTheme: Pick<Electron.NativeTheme, 'shouldUseDarkColors'> = { shouldUseDarkColors: false };

  // What `require('electron')` gives the bundled main process and preload.
  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    clipboard,
    contextBridge,
    dialog,
    ipcMain,
    ipcRenderer,
    Menu: FakeMenu,
    nativeImage,
    nativeTheme,
    net,
    Notification: FakeNotification,
    powerMonitor,
    powerSaveBlocker,
    protocol,
    session: { defaultSession },
    shell,
    Tray: FakeTray,
    webUtils,
  };

  return {
    module,
    app,
    /** Windows still open, and every window ever made. */
    windows,
    allWindows,
    handlers,
    invoke,
    schemes,
    protocolHandlers,
    netState,
    permissionHandlers,
    opened,
    shown,
    dialogAnswers,
    dialogCalls,
    notifications,
    menus,
    trays,
    powerMonitor,
    blockers,
    log,
    /** A File as a drop from disk would give it to the page. */
    diskFile(filePath: string, name: string): File {
      const file = new File(['x'], name);
      diskFiles.set(file, filePath);
      return file;
    },
  };
}
