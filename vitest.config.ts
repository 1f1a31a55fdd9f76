import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const path = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['tests/**/*.test.ts', 'electron/**/*.test.ts'],
          exclude: ['tests/e2e/**', 'tests/keychain/**', 'tests/electron/**', 'tests/components/**', 'node_modules/**'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          pool: 'forks',
        },
      },
      {
        // The renderer's components in jsdom, compiled as the app compiles them (renderer/svelte.config.js),
        // with Svelte's browser build (the server build renders to strings and runs no effects).
        plugins: [svelte({ configFile: path('renderer/svelte.config.js') })],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'components',
          include: ['tests/components/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['tests/components/support/setup.ts'],
          testTimeout: 10_000,
          hookTimeout: 10_000,
          pool: 'forks',
        },
      },
    ],
  },
});
