// What main said about the app at start-up (mode, keychain, file chooser), for any component.
import type { AppInfo } from '../../../electron/ipc/contract';

class AppInfoStore {
  info = $state.raw<AppInfo | null>(null);
}

export const app = new AppInfoStore();
