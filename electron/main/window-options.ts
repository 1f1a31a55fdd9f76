// The one place BrowserWindow options come from. Every security-relevant option is set
// explicitly, even where Electron's default already agrees, so a default change cannot weaken it.
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  preloadPath: string;
  darkBackground: boolean;
  /** DevTools exist only when running from source (never in the packaged app). */
  devTools: boolean;
}

export function createWindowOptions({ preloadPath, darkBackground, devTools }: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Imputation Desktop',
    backgroundColor: darkBackground ? '#16181d' : '#f7f7f8',
    autoHideMenuBar: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools,
      // A middle click would otherwise ask for a new window (refused anyway by the open handler).
      disableBlinkFeatures: 'Auxclick',
    },
  };
}
