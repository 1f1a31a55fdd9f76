// What differs between the Electron app, the browser preview and the tests: handed in, never imported.
import type { ChosenFile, EventSink } from '../ipc/contract';
import type { SecretStore } from './secrets/secret-store';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The native file dialog (Electron); absent in the browser preview, which uses the in-app browser. */
export interface FileDialog {
  chooseFiles(options: { title?: string; filters: { name: string; extensions: string[] }[] }): Promise<string[]>;
}

/** A desktop notification; clicking it opens `route` (and `param`) in the window. */
export interface DesktopNotification {
  kind: 'token-expiring' | 'job-succeeded' | 'job-failed' | 'job-canceled' | 'job-retiring' | 'downloads-done';
  title: string;
  body: string;
  route?: 'jobs' | 'servers' | 'downloads';
  param?: string;
}

export interface Notifier {
  notify(notification: DesktopNotification): void;
}

/** Sleep and wake of the machine (Electron's powerMonitor). */
export interface PowerEvents {
  onSuspend(listener: () => void): void;
  onResume(listener: () => void): void;
}

/** The network going away and coming back (Electron: `net.isOnline()`). */
export interface NetworkEvents {
  onOffline(listener: () => void): void;
  onOnline(listener: () => void): void;
}

/** Keeps the machine from sleeping while an upload runs (Electron's powerSaveBlocker); start() returns the release. */
export interface KeepAwake {
  start(): () => void;
}

export interface Ports {
  mode: 'electron' | 'web';
  appName: string;
  appVersion: string;
  userDataDir: string;
  homeDir: string;
  /** The user's Downloads folder (results go below it by default). */
  downloadsDir: string;
  /** Reveals a file in the system's file manager (Electron); absent in the browser preview. */
  showInFolder?: (file: string) => void;
  events: EventSink;
  log: Logger;
  fileDialog: FileDialog | null;
  notifier: Notifier;
  /** The OS keychain, or memory for this run where there is none (see secrets/keytar-store.ts). */
  secrets: SecretStore;
  power?: PowerEvents;
  network?: NetworkEvents;
  keepAwake?: KeepAwake;
  /** The native folder dialog (Electron); absent in the browser preview. Null when canceled. */
  folderDialog?: { chooseFolder(options: { title: string; defaultPath: string }): Promise<string | null> };
  /** The native "Save as" dialog (Electron); absent in the browser preview. Null when canceled. */
  saveDialog?: { chooseSavePath(options: { title: string; defaultPath: string }): Promise<string | null> };
  /** The system clipboard of the user's desktop (Electron); absent in the browser preview. */
  clipboard?: { writeText(text: string): Promise<void> | void; readText(): Promise<string> | string };
  /** Opens an already allowlisted https URL in the system browser; false where the renderer must do it. */
  openExternal(url: string): Promise<boolean>;
}

export type { ChosenFile };
