// The composition root of main's services: one place that turns Ports into IpcHandlers.
// Used unchanged by the Electron main process, the browser preview and the tests.
import { AppError, type IpcHandlers, type Notice } from '../ipc/contract';
import { listDirectory } from './files/dir-browser';
import { FileRegistry } from './files/file-registry';
import type { Ports } from './ports';
import { isAllowedExternalUrl } from './security/external-url';
import { SettingsStore } from './settings/settings-store';

export interface AppServices {
  handlers: IpcHandlers;
  files: FileRegistry;
  settings: SettingsStore;
  close(): Promise<void>;
}

export async function createAppServices(ports: Ports): Promise<AppServices> {
  const notices: Notice[] = [];
  const { store: settings, corruptCopy } = await SettingsStore.open(ports.userDataDir);
  if (corruptCopy) {
    const message = `The settings file could not be read and was replaced with defaults. The old copy is kept at ${corruptCopy}.`;
    ports.log.warn(message);
    notices.push({ level: 'warning', message });
  }
  const files = new FileRegistry();
  const serverHosts = () => settings.get().servers.map((server) => new URL(server.url).hostname);

  const handlers: IpcHandlers = {
    'app:info': () => ({
      name: ports.appName,
      version: ports.appVersion,
      mode: ports.mode,
      platform: process.platform,
      fileChooser: ports.fileDialog ? 'native' : 'in-app',
      homeDir: ports.homeDir,
    }),
    'app:notices': () => notices.splice(0, notices.length),
    'servers:list': () => settings.get().servers,
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
    'shell:openExternal': async ({ url }) => {
      if (!isAllowedExternalUrl(url, serverHosts())) {
        throw new AppError('forbidden', 'Only https links to the imputation servers and their documentation open from the app.');
      }
      return { opened: await ports.openExternal(url) };
    },
  };

  return { handlers, files, settings, close: async () => {} };
}
