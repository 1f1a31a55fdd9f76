// The OS keychain through the maintained keytar fork (prebuilt N-API binaries: macOS Keychain,
// Windows Credential Vault, Secret Service on Linux).
import { createRequire } from 'node:module';
import type { Logger } from '../ports';
import { KeychainLockedError, MemorySecretStore, type SecretStore } from './secret-store';

export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

const PROBE_ACCOUNT = '__probe__';
// libsecret's words when the Secret Service collection is locked (reads just answer nothing).
const LOCKED = /locked/i;

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  /** Learned from a refused write or a check; reads of a locked keychain then fail loudly. */
  private locked = false;

  constructor(
    private readonly keytar: Keytar,
    private readonly service: string,
  ) {}

  async get(account: string): Promise<string | null> {
    const value = await this.keytar.getPassword(this.service, account);
    if (value === null && this.locked && (await this.check()) === 'locked') throw new KeychainLockedError();
    return value;
  }

  async set(account: string, secret: string): Promise<void> {
    try {
      await this.keytar.setPassword(this.service, account, secret);
      this.locked = false;
    } catch (error) {
      if (!isLockedError(error)) throw error;
      this.locked = true;
      throw new KeychainLockedError();
    }
  }

  delete(account: string): Promise<boolean> {
    return this.keytar.deletePassword(this.service, account);
  }

  /** A write and delete of a probe entry: the one way to tell a locked keychain from an empty one. */
  async check(): Promise<'ok' | 'locked'> {
    try {
      await this.keytar.setPassword(this.service, PROBE_ACCOUNT, 'probe');
      await this.keytar.deletePassword(this.service, PROBE_ACCOUNT);
      this.locked = false;
      return 'ok';
    } catch (error) {
      if (!isLockedError(error)) throw error;
      this.locked = true;
      return 'locked';
    }
  }
}

function isLockedError(error: unknown): boolean {
  return error instanceof Error && LOCKED.test(error.message);
}

// A Secret Service that is missing can make D-Bus wait for its activation timeout (25 s).
const PROBE_TIMEOUT_MS = 5000;

/**
 * The keychain when it answers, else memory for this run (and a reason to tell the user).
 * Probes with a read of an account that never exists; a locked keychain is still the keychain
 * (the app says "unlock it and try again" rather than forgetting the user's tokens).
 */
export async function openSecretStore(
  service: string,
  log: Logger,
  load: () => Keytar = () => createRequire(import.meta.url)('@github/keytar') as Keytar,
): Promise<{ store: SecretStore; unavailableReason: string | null; locked: boolean }> {
  let keytar: Keytar;
  try {
    keytar = load();
  } catch (error) {
    return fallback(log, `the keychain module could not be loaded (${describe(error)})`);
  }
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer from the keychain')), PROBE_TIMEOUT_MS);
    });
    await Promise.race([keytar.getPassword(service, PROBE_ACCOUNT), timeout]).finally(() => clearTimeout(timer));
    const store = new KeytarSecretStore(keytar, service);
    const locked = (await store.check()) === 'locked';
    if (locked) log.warn('The keychain is locked: tokens and results passwords cannot be read until it is unlocked.');
    return { store, unavailableReason: null, locked };
  } catch (error) {
    return fallback(log, describe(error));
  }
}

function fallback(log: Logger, reason: string): { store: SecretStore; unavailableReason: string; locked: false } {
  log.warn(`No keychain available: ${reason}. Tokens are kept in memory for this run only.`);
  return { store: new MemorySecretStore(), unavailableReason: reason, locked: false };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
