// Where tokens and job passwords live. The production store is the OS keychain (keytar);
// without one, secrets are kept in memory for this run only. Never a file, never a log line.
import { AppError } from '../../ipc/contract';

export interface SecretStore {
  /** 'keychain' = survives a restart; 'memory' = this run only (no keychain on this system). */
  readonly kind: 'keychain' | 'memory';
  /** Null when there is no secret. Throws KeychainLockedError where a locked keychain is known. */
  get(account: string): Promise<string | null>;
  /** Throws KeychainLockedError when the keychain is locked. */
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /**
   * Asks the keychain whether it can be used now. A locked keychain answers reads with nothing
   * (as if the secret were gone) and refuses writes, so a null from get() is only trusted after
   * this says 'ok'.
   */
  check(): Promise<'ok' | 'locked'>;
}

export const KEYCHAIN_LOCKED_MESSAGE = 'Your keychain is locked. Unlock your keychain (login keyring) and try again.';

/** The keychain is locked: nothing can be read or kept until the user unlocks it. */
export class KeychainLockedError extends AppError {
  constructor() {
    super('keychain-unavailable', KEYCHAIN_LOCKED_MESSAGE);
    this.name = 'KeychainLockedError';
  }
}

export class MemorySecretStore implements SecretStore {
  readonly kind = 'memory' as const;
  private readonly secrets = new Map<string, string>();

  async get(account: string): Promise<string | null> {
    return this.secrets.get(account) ?? null;
  }

  async set(account: string, secret: string): Promise<void> {
    this.secrets.set(account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.secrets.delete(account);
  }

  async check(): Promise<'ok'> {
    return 'ok';
  }
}

/** Keychain accounts: the server's base URL for its token, and one entry per job password. */
export const secretAccounts = {
  token: (serverUrl: string) => serverUrl,
  jobPassword: (serverUrl: string, jobId: string) => `job-password:${serverUrl}:${jobId}`,
  /** A results password kept while its upload runs, before the server has given the job an id. */
  pendingJobPassword: (serverUrl: string, uploadId: string) => `job-password-pending:${serverUrl}:${uploadId}`,
};
