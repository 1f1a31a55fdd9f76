// The application menu: the standard roles, no DevTools or reload in the packaged app (their
// accelerators go with them), and Help linking to the servers' documentation. Pure, so it is
// tested without the Electron binary.
import type { MenuItemConstructorOptions } from 'electron';

export const documentationLinks: ReadonlyArray<{ label: string; url: string }> = [
  { label: 'TOPMed Imputation Server documentation', url: 'https://topmedimpute.readthedocs.io/' },
  { label: 'Michigan Imputation Server documentation', url: 'https://imputationserver.readthedocs.io/' },
];

export interface AppMenuInput {
  isMac: boolean;
  /** True in the packaged app: no DevTools, no reload. */
  isPackaged: boolean;
  /** Opens an allowlisted link in the system browser (main checks the allowlist again). */
  openLink: (url: string) => void;
}

export function appMenuTemplate({ isMac, isPackaged, openLink }: AppMenuInput): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    ...(isPackaged ? [] : ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const)),
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: documentationLinks.map(({ label, url }) => ({ label, click: () => openLink(url) })),
    },
  ];
}
