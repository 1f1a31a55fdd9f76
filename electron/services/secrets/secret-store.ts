// Where tokens and job passwords live. The production store is the OS keychain (keytar);
// without one, secrets are kept in memory for this run only. Never a file, never a log line.
export interface SecretStore {
  /** 'keychain' = survives a restart; 'memory' = this run only (no keychain on this system). */
  readonly kind: 'keychain' | 'memory';
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
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
}

/** Keychain accounts: the server's base URL for its token, and one entry per job password. */
export const secretAccounts = {
  token: (serverUrl: string) => serverUrl,
  jobPassword: (serverUrl: string, jobId: string) => `job-password:${serverUrl}:${jobId}`,
};
