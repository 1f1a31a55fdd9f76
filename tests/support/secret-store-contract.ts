// The behaviour every SecretStore must have; run against each adapter.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretAccounts, type SecretStore } from '../../electron/services/secrets/secret-store';

export function secretStoreContract(name: string, open: () => Promise<SecretStore>): void {
  describe(`SecretStore contract: ${name}`, () => {
    it('keeps, replaces and deletes a secret per account', async () => {
      const store = await open();
      const account = secretAccounts.token(`https://server-${randomUUID()}.example.org`);
      expect(await store.get(account)).toBeNull();
      await store.set(account, 'first-token');
      expect(await store.get(account)).toBe('first-token');
      await store.set(account, 'second-token');
      expect(await store.get(account)).toBe('second-token');
      expect(await store.delete(account)).toBe(true);
      expect(await store.get(account)).toBeNull();
      expect(await store.delete(account)).toBe(false);
    });

    it('keeps accounts apart (server tokens and job passwords)', async () => {
      const store = await open();
      const server = `https://server-${randomUUID()}.example.org`;
      const token = secretAccounts.token(server);
      const password = secretAccounts.jobPassword(server, 'job-20260101-000000-001');
      await store.set(token, 'the-token');
      await store.set(password, 'Zip-Pa55word!');
      expect(await store.get(token)).toBe('the-token');
      expect(await store.get(password)).toBe('Zip-Pa55word!');
      await store.delete(token);
      expect(await store.get(password)).toBe('Zip-Pa55word!');
      await store.delete(password);
    });

    it('round-trips long tokens and non-ASCII text exactly', async () => {
      const store = await open();
      const account = secretAccounts.token(`https://server-${randomUUID()}.example.org`);
      const long = `eyJhbGciOiJIUzI1NiJ9.${'a'.repeat(3000)}.sig`;
      await store.set(account, long);
      expect(await store.get(account)).toBe(long);
      await store.set(account, 'pässwörd-✓');
      expect(await store.get(account)).toBe('pässwörd-✓');
      await store.delete(account);
    });
  });
}
