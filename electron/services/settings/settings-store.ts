// Non-secret settings (servers, preferences) in settings.json in the user-data folder.
// Tokens and job passwords never come here: they live in the SecretStore (OS keychain).
import path from 'node:path';
import { z } from 'zod';
import { loadJsonFile, saveJsonFile } from './json-file';

export const storedServer = z.object({
  id: z.string(),
  kind: z.enum(['topmed', 'michigan', 'custom', 'demo']),
  label: z.string(),
  url: z.string(),
});
export type StoredServer = z.infer<typeof storedServer>;

export const settingsSchema = z.object({
  version: z.literal(1),
  servers: z.array(storedServer),
});
export type Settings = z.infer<typeof settingsSchema>;

const defaults = (): Settings => ({ version: 1, servers: [] });

export class SettingsStore {
  private current: Settings = defaults();
  private writing: Promise<void> = Promise.resolve();

  private constructor(private readonly file: string) {}

  /** Opens the store; `corruptCopy` tells the caller a broken file was set aside (to say so). */
  static async open(userDataDir: string): Promise<{ store: SettingsStore; corruptCopy: string | null }> {
    const store = new SettingsStore(path.join(userDataDir, 'settings.json'));
    const loaded = await loadJsonFile(store.file, defaults, (raw) => settingsSchema.parse(raw));
    store.current = loaded.value;
    return { store, corruptCopy: loaded.corruptCopy };
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Applies a change and persists it; writes are serialised so the last change wins on disk. */
  async update(change: (draft: Settings) => void): Promise<Settings> {
    const draft = structuredClone(this.current);
    change(draft);
    this.current = settingsSchema.parse(draft);
    const snapshot = this.get();
    this.writing = this.writing.then(() => saveJsonFile(this.file, snapshot));
    await this.writing;
    return snapshot;
  }
}
