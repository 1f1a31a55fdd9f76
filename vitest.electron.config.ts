import { defineConfig } from 'vitest/config';

// The wiring tests: the bundled desktop main process and preload against a fake of Electron's
// native layer (tests/electron/fake-electron.ts), one fork per file.
export default defineConfig({
  test: {
    include: ['tests/electron/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
