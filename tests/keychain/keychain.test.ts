// Runs only under scripts/with-keychain.sh (a private D-Bus session with an unlocked GNOME keyring).
import { execFileSync } from 'node:child_process';
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

// Last in this file: the keyring stays locked afterwards (unlocking needs a prompt).
describe('a locked keychain (gnome-keyring locked over D-Bus)', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await withEmulator();
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('is told apart from an empty one: the server says "locked", writes say "unlock it and try again"', async () => {
    const store = await keychain();
    const services = await createTestServices({ secrets: store }, { demo: emulatorDemoHost() });
    const view = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    await services.close();

    // What a screen lock or "Lock keyring" does: reads then answer nothing, writes are refused.
    execFileSync('dbus-send', [
      '--session',
      '--dest=org.freedesktop.secrets',
      '--print-reply',
      '/org/freedesktop/secrets',
      'org.freedesktop.Secret.Service.Lock',
      'array:objpath:/org/freedesktop/secrets/collection/login',
    ]);
    const opened = await openSecretStore(SERVICE, quietLog);
    expect(opened).toMatchObject({ locked: true, unavailableReason: null });
    expect(opened.store.kind).toBe('keychain');
    await expect(opened.store.get(secretAccounts.token(emulator.url))).rejects.toMatchObject({ code: 'keychain-unavailable' });
    await expect(opened.store.set('another', 'secret')).rejects.toMatchObject({
      code: 'keychain-unavailable',
      message: 'Your keychain is locked. Unlock your keychain (login keyring) and try again.',
    });

    const again = await createTestServices({ userDataDir: services.userDataDir, secrets: opened.store }, { demo: emulatorDemoHost() });
    const [server] = await again.handlers['servers:list']({});
    expect(server).toMatchObject({ id: view.id, status: 'locked' });
    expect(await again.handlers['app:notices']({})).toEqual([expect.objectContaining({ message: expect.stringContaining('Unlock your keychain') })]);
    await again.dispose();
    await services.dispose();
  });
});
