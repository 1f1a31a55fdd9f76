// A locked keychain answers reads with nothing and refuses writes. The app must say "unlock it and
// try again", never mark servers signed out (the tokens are still there), and carry on once unlocked.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { KeytarSecretStore } from '../../electron/services/secrets/keytar-store';
import { withEmulator } from '../support/emulators';
import { FakeKeytar } from '../support/fake-keytar';
import { createTestServices, type TestServices } from '../support/services';

let emulator: RunningEmulator;
const opened: TestServices[] = [];

beforeEach(async () => {
  emulator = await withEmulator();
});
afterEach(async () => {
  for (const services of opened.splice(0)) await services.dispose();
  await emulator.close();
});

async function open(keytar: FakeKeytar, userDataDir?: string): Promise<TestServices> {
  const services = await createTestServices({ secrets: new KeytarSecretStore(keytar, 'test'), ...(userDataDir ? { userDataDir } : {}) });
  opened.push(services);
  return services;
}

describe('a locked keychain', () => {
  it('at start-up: the server says "locked", not "signed out", and the app says how to fix it', async () => {
    const keytar = new FakeKeytar();
    const first = await open(keytar);
    const { id } = await first.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    await first.close();

    keytar.locked = true;
    const again = await open(keytar, first.userDataDir);
    const [server] = await again.handlers['servers:list']({});
    expect(server).toMatchObject({ id, status: 'locked', statusMessage: expect.stringContaining('Unlock your keychain (login keyring) and try again') });
    expect(await again.handlers['app:notices']({})).toEqual([expect.objectContaining({ message: expect.stringContaining('Unlock your keychain') })]);
    await expect(again.handlers['jobs:get']({ serverId: id, jobId: 'job-20250101-000000-000' })).rejects.toMatchObject({
      code: 'keychain-unavailable',
      message: expect.stringContaining('Unlock your keychain (login keyring) and try again'),
    });
    expect((await again.handlers['servers:refresh']({ id })).status).toBe('locked');

    keytar.locked = false;
    expect((await again.handlers['servers:refresh']({ id })).status).toBe('ok');
  });

  it('while the app runs: a call in flight says so and leaves the server signed in', async () => {
    const keytar = new FakeKeytar();
    const services = await open(keytar);
    const { id } = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    keytar.locked = true;
    await expect(services.handlers['jobs:list']({ serverId: id, refresh: true })).resolves.toMatchObject({
      problems: [expect.objectContaining({ message: expect.stringContaining('Unlock your keychain') })],
    });
    const [server] = await services.handlers['servers:list']({});
    expect(server!.status).toBe('locked');
    await expect(services.handlers['servers:replaceToken']({ id, token: emulator.token })).rejects.toMatchObject({ code: 'keychain-unavailable' });
    keytar.locked = false;
    expect((await services.handlers['servers:refresh']({ id })).status).toBe('ok');
  });
});
