// Non-secret settings (servers, preferences) in settings.json in the user-data folder.
// Tokens and job passwords never come here: they live in the SecretStore (OS keychain).
import path from 'node:path';
import { z } from 'zod';
import { preferences, type Preferences } from '../../ipc/contract';
import { loadJsonFile, writeJsonAtomic } from '../storage/json-file';

export const storedServer = z.object({
  id: z.string(),
  kind: z.enum(['topmed', 'michigan', 'custom', 'demo']),
  label: z.string(),
  url: z.string(),
  // What the last successful check learned (no secrets).
  serverName: z.string().nullable().default(null),
  user: z.object({ username: z.string(), fullName: z.string(), mail: z.string() }).nullable().default(null),
  tokenExpiresAt: z.number().nullable().default(null),
  apps: z.array(z.object({ id: z.string(), name: z.string(), version: z.string() })).default([]),
  lastCheckedAt: z.number().nullable().default(null),
  /** The expiry date we already sent the "token expires soon" notification for (once per token). */
  expiryNotifiedFor: z.number().nullable().default(null),
  /** The server's per-user limit on waiting+running jobs (not in its API; TOPMed says 3). */
  liveJobLimit: z.number().int().min(1).max(100).default(3),
  /** null = the default, <Downloads>/Imputation Desktop/<label>. */
  downloadDir: z.string().nullable().default(null),
  autoDownload: z.boolean().default(false),
});
export type StoredServer = z.output<typeof storedServer>;

export const defaultPreferences = (): Preferences => ({
  pollIntervalSeconds: 20,
  notify: { succeeded: true, failed: true, canceled: true, retiring: true, tokenExpiring: true },
  keepRunningInTray: true,
});

export const settingsSchema = z.object({
  version: z.literal(1),
  servers: z.array(storedServer),
  preferences: preferences.default(defaultPreferences),
});
export type Settings = z.output<typeof settingsSchema>;

const defaults = (): Settings => ({ version: 1, servers: [], preferences: defaultPreferences() });

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
    this.writing = this.writing.then(() => writeJsonAtomic(this.file, snapshot));
    await this.writing;
    return snapshot;
  }

  /** Changes some preferences; notification switches merge with the stored ones. */
  async updatePreferences(change: Partial<Preferences>): Promise<Preferences> {
    const next = await this.update((draft) => {
      draft.preferences = { ...draft.preferences, ...change, notify: { ...draft.preferences.notify, ...change.notify } };
    });
    return next.preferences;
  }
}
