// Real app services in a temporary user-data folder, with ports that record what they were asked.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { EventChannel } from '../../electron/ipc/contract';
import { createAppServices, type AppServices } from '../../electron/services/app-services';
import type { DesktopNotification, Ports } from '../../electron/services/ports';
import { KeytarSecretStore } from '../../electron/services/secrets/keytar-store';
import type { SecretStore } from '../../electron/services/secrets/secret-store';
import { FakeKeytar } from './fake-keytar';
import type { ServiceOptions } from '../../electron/services/app-services';

export interface TestServices extends AppServices {
  userDataDir: string;
  events: Array<{ channel: EventChannel; payload: unknown }>;
  logLines: string[];
  opened: string[];
  notifications: DesktopNotification[];
  /** The keychain the services use: a KeytarSecretStore over a FakeKeytar unless the test gave one. */
  secrets: SecretStore;
  /** The fake keytar behind it (lock it to try a locked keychain); null when the test gave its own store. */
  keytar: FakeKeytar | null;
  dispose(): Promise<void>;
}

/** Log lines that mean a bug, whatever the test was about. */
const UNEXPECTED = /ended unexpectedly|listener failed|unexpected failure/;

export async function createTestServices(overrides: Partial<Ports> = {}, options: ServiceOptions = {}): Promise<TestServices> {
  const userDataDir = overrides.userDataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'imputation-test-')));
  const events: TestServices['events'] = [];
  const logLines: string[] = [];
  const errorLines: string[] = [];
  const opened: string[] = [];
  const notifications: DesktopNotification[] = [];
  const keytar = overrides.secrets ? null : new FakeKeytar();
  const secrets = overrides.secrets ?? new KeytarSecretStore(keytar!, 'org.imputationdesktop.test');
  const services = await createAppServices(
    {
      mode: 'web',
      appName: 'Imputation Desktop',
      appVersion: '0.0.0-test',
      userDataDir,
      homeDir: userDataDir,
      downloadsDir: path.join(userDataDir, 'Downloads'),
      events: { emit: (channel, payload) => events.push({ channel, payload }) },
      log: {
        info: (line) => logLines.push(line),
        warn: (line) => logLines.push(line),
        error: (line) => {
          logLines.push(line);
          errorLines.push(line);
        },
      },
      fileDialog: null,
      notifier: { notify: (notification) => notifications.push(notification) },
      secrets,
      openExternal: async (url) => {
        opened.push(url);
        return true;
      },
      ...overrides,
    },
    { checkServersOnStart: false, watchJobs: false, ...options },
  );
  return {
    ...services,
    userDataDir,
    events,
    logLines,
    opened,
    notifications,
    secrets,
    keytar,
    async dispose() {
      await services.close();
      // A test passes only if nothing went wrong behind the scenes.
      const unexpected = [...errorLines, ...logLines.filter((line) => UNEXPECTED.test(line))];
      if (unexpected.length > 0) throw new Error(`The services logged unexpected failures:\n${unexpected.join('\n')}`);
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** A "restart" of the app: new services on the same user-data folder and the same keychain. */
export function reopenServices(previous: TestServices, overrides: Partial<Ports> = {}, options: ServiceOptions = {}): Promise<TestServices> {
  return createTestServices({ userDataDir: previous.userDataDir, secrets: previous.secrets, ...overrides }, options);
}
