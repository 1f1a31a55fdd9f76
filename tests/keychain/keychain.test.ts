// Runs only under scripts/with-keychain.sh (a private D-Bus session with an unlocked GNOME keyring).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { openSecretStore } from '../../electron/services/secrets/keytar-store';
import { secretAccounts, type SecretStore } from '../../electron/services/secrets/secret-store';
import { emulatorDemoHost, withEmulator } from '../support/emulators';
import { secretStoreContract } from '../support/secret-store-contract';
import { createTestServices } from '../support/services';

const SERVICE = 'org.imputationdesktop.test';
const quietLog = { info: () => {}, warn: () => {}, error: () => {} };

async function keychain(): Promise<SecretStore> {
  const { store, unavailableReason } = await openSecretStore(SERVICE, quietLog);
  if (store.kind !== 'keychain') throw new Error(`the keychain should be available here: ${unavailableReason}`);
  return store;
}

secretStoreContract('OS keychain (gnome-keyring over Secret Service)', keychain);

describe('tokens in the real keychain', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await withEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('keeps the token in the keychain, survives a restart, and never writes it to a file', async () => {
    const store = await keychain();
    const services = await createTestServices({ secrets: store }, { demo: emulatorDemoHost() });
    const view = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    expect(view.tokenStorage).toBe('keychain');
    expect(await store.get(secretAccounts.token(emulator.url))).toBe(emulator.token);

    // a "restart": new services, same user-data folder, a freshly opened keychain
    const again = await createTestServices({ userDataDir: services.userDataDir, secrets: await keychain() }, { demo: emulatorDemoHost() });
    const [reloaded] = await again.handlers['servers:list']({});
    expect(reloaded).toMatchObject({ id: view.id, status: 'ok', tokenStorage: 'keychain' });
    const refreshed = await again.handlers['servers:refresh']({ id: view.id });
    expect(refreshed.status).toBe('ok');

    for (const name of await readdir(services.userDataDir, { recursive: true })) {
      const file = path.join(services.userDataDir, name);
      const text = await readFile(file, 'utf8').catch(() => '');
      expect(text, name).not.toContain(emulator.token);
    }
    expect(services.logLines.join('\n')).not.toContain(emulator.token);

    await again.handlers['servers:signOut']({ id: view.id });
    expect(await store.get(secretAccounts.token(emulator.url))).toBeNull();
    await again.servers.close();
    await services.dispose();
  });
});
