// A stand-in for the keytar module with the Secret Service's behaviour when its collection is
// locked (seen with gnome-keyring, tests/keychain): reads answer nothing, writes are refused.
import type { Keytar } from '../../electron/services/secrets/keytar-store';

export class FakeKeytar implements Keytar {
  readonly entries = new Map<string, string>();
  locked = false;

  async getPassword(service: string, account: string): Promise<string | null> {
    if (this.locked) return null;
    return this.entries.get(`${service}|${account}`) ?? null;
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    if (this.locked) throw new Error('Cannot create an item in a locked collection');
    this.entries.set(`${service}|${account}`, password);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    if (this.locked) return false;
    return this.entries.delete(`${service}|${account}`);
  }

  /** The secrets kept, by account (for tests that look inside). */
  accounts(): string[] {
    return [...this.entries.keys()].map((key) => key.slice(key.indexOf('|') + 1));
  }
}
