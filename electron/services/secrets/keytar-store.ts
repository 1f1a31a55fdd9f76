// The OS keychain through the maintained keytar fork (prebuilt N-API binaries: macOS Keychain,
// Windows Credential Vault, Secret Service on Linux).
import { createRequire } from 'node:module';
import type { Logger } from '../ports';
import { MemorySecretStore, type SecretStore } from './secret-store';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export class KeytarSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;

  constructor(
    private readonly keytar: Keytar,
    private readonly service: string,
  ) {}

  get(account: string): Promise<string | null> {
    return this.keytar.getPassword(this.service, account);
  }

  set(account: string, secret: string): Promise<void> {
    return this.keytar.setPassword(this.service, account, secret);
  }

  delete(account: string): Promise<boolean> {
    return this.keytar.deletePassword(this.service, account);
  }
}

// A Secret Service that is missing can make D-Bus wait for its activation timeout (25 s).
const PROBE_TIMEOUT_MS = 5000;

/**
 * The keychain when it answers, else memory for this run (and a reason to tell the user).
 * Probes with a read of an account that never exists, so nothing is written.
 */
export async function openSecretStore(service: string, log: Logger): Promise<{ store: SecretStore; unavailableReason: string | null }> {
  let keytar: Keytar;
  try {
    keytar = createRequire(import.meta.url)('@github/keytar') as Keytar;
  } catch (error) {
    return fallback(log, `the keychain module could not be loaded (${describe(error)})`);
  }
  try {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer from the keychain')), PROBE_TIMEOUT_MS);
    });
    await Promise.race([keytar.getPassword(service, '__probe__'), timeout]).finally(() => clearTimeout(timer));
    return { store: new KeytarSecretStore(keytar, service), unavailableReason: null };
  } catch (error) {
    return fallback(log, describe(error));
  }
}

function fallback(log: Logger, reason: string): { store: SecretStore; unavailableReason: string } {
  log.warn(`No keychain available: ${reason}. Tokens are kept in memory for this run only.`);
  return { store: new MemorySecretStore(), unavailableReason: reason };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
