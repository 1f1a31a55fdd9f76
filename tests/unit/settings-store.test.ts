import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsStore, storedServer } from '../../electron/services/settings/settings-store';
import { createTestServices } from '../support/services';

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'settings-test-'));

describe('SettingsStore', () => {
  it('starts with defaults and persists changes atomically', async () => {
    const dir = await tempDir();
    const { store, corruptCopy } = await SettingsStore.open(dir);
    expect(corruptCopy).toBeNull();
    expect(store.get().servers).toEqual([]);
    await store.update((draft) => {
      draft.servers.push(storedServer.parse({ id: 's1', kind: 'michigan', label: 'Michigan', url: 'https://imputationserver.sph.umich.edu' }));
    });
    const reopened = await SettingsStore.open(dir);
    expect(reopened.store.get().servers).toHaveLength(1);
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps a corrupt file aside, starts from defaults and tells the user', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'settings.json'), '{"version": 1, "servers": [tru');
    const services = await createTestServices({ userDataDir: dir });
    const notices = (await services.handlers['app:notices']({})).filter((notice) => notice.message.includes('settings file'));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ level: 'warning' });
    expect(notices[0]!.message).toContain('replaced with defaults');
    const aside = (await readdir(dir)).find((name) => name.startsWith('settings.json.corrupt-'));
    expect(aside).toBeDefined();
    expect(await readFile(path.join(dir, aside!), 'utf8')).toContain('[tru');
    expect(await services.handlers['servers:list']({})).toEqual([]);
    // shown once
    expect(await services.handlers['app:notices']({})).toEqual([]);
    await services.dispose();
  });
});
