// `npm run start:web -- --port P [--user-data DIR]`: the app's services in Node, the built
// renderer in your browser. Prints the URL (with its key) when ready.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createAppServices } from '../services/app-services';
import { trustSystemCertificates } from '../services/system-ca';
import type { Logger } from '../services/ports';
import { openSecretStore } from '../services/secrets/keytar-store';
import { startPreviewServer } from './preview-server';

declare const __APP_VERSION__: string;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'user-data': { type: 'string' },
    renderer: { type: 'string' },
  },
});

const log: Logger = {
  info: (message) => console.error(message),
  warn: (message) => console.error(`warning: ${message}`),
  error: (message, error) => console.error(`error: ${message}`, error instanceof Error ? error.message : ''),
};

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, got ${values.port}`);
  process.exit(2);
}
const userDataDir = values['user-data'] ?? path.join(os.homedir(), '.config', 'imputation-desktop-preview');
const rendererDir = values.renderer ?? path.join(__dirname, '../renderer');

async function main(): Promise<void> {
  // As the desktop app does (on a Node that can): trust the system's certificate authorities too.
  const ca = trustSystemCertificates();
  if (ca.status === 'failed') log.warn(`The system's certificate authorities could not be read (${ca.reason}).`);
  // The keychain entry's service name is the app id (electron-builder.yml appId).
  const { store: secrets } = await openSecretStore('org.imputationdesktop.app', log);
  let closeServices = async () => {};
  const preview = await startPreviewServer({
    rendererDir,
    port,
    createHandlers: async (events) => {
      const services = await createAppServices({
        mode: 'web',
        appName: 'Imputation Desktop',
        appVersion: __APP_VERSION__,
        userDataDir,
        homeDir: os.homedir(),
        downloadsDir: path.join(os.homedir(), 'Downloads'),
        events,
        log,
        // No desktop notifications in a browser tab: the page shows them.
        notifier: { notify: (notification) => events.emit('app:notification', notification) },
        secrets,
        fileDialog: null,
        openExternal: async () => false,
      });
      closeServices = () => services.close();
      return services.handlers;
    },
    // The end-to-end tests fail on any such line (tests/e2e/fixtures.ts).
    onUnexpectedError: (channel, error) => log.error(`unexpected failure in ${channel}`, error),
    validateAnswers: process.env.IMPUTATION_DESKTOP_CHECK_ANSWERS === '1',
  });

  console.log(`Imputation Desktop preview: ${preview.url}`);
  const stop = () => void Promise.all([preview.close(), closeServices()]).finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
