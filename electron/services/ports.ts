// What differs between the Electron app, the browser preview and the tests: handed in, never imported.
import type { ChosenFile, EventSink } from '../ipc/contract';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** The native file dialog (Electron); absent in the browser preview, which uses the in-app browser. */
export interface FileDialog {
  chooseFiles(options: { title?: string; filters: { name: string; extensions: string[] }[] }): Promise<string[]>;
}

export interface Ports {
  mode: 'electron' | 'web';
  appName: string;
  appVersion: string;
  userDataDir: string;
  homeDir: string;
  events: EventSink;
  log: Logger;
  fileDialog: FileDialog | null;
  /** Opens an already allowlisted https URL in the system browser; false where the renderer must do it. */
  openExternal(url: string): Promise<boolean>;
}

export type { ChosenFile };
