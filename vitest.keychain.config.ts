import { defineConfig } from 'vitest/config';

// The keychain suite needs a Secret Service: run it through scripts/with-keychain.sh (npm run test:keychain).
export default defineConfig({
  test: {
    include: ['tests/keychain/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'forks',
  },
});
