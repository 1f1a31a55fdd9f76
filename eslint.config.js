// Lint, including the import boundaries of DESIGN.md: a folder says where its code may run.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Bare module names go in `paths` (exact match); `patterns` are gitignore-style and would also
// match a folder called "electron" inside a relative path.
const nodeModules = [
  'fs',
  'path',
  'os',
  'child_process',
  'crypto',
  'http',
  'https',
  'net',
  'url',
  'stream',
  'worker_threads',
  'zlib',
  'util',
  'events',
  'buffer',
];
const restrict = ({ modules = [], patterns = [] }, message) => [
  'error',
  {
    paths: modules.map((name) => ({ name, message })),
    patterns: patterns.map((group) => ({ group: [group], message })),
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-output/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // Only the Electron glue may import electron.
  {
    files: ['**/*.ts', '**/*.svelte', '**/*.js', '**/*.mjs'],
    ignores: ['electron/main/**', 'electron/preload/index.ts', 'tests/electron/**'],
    rules: {
      'no-restricted-imports': restrict({ modules: ['electron'] }, 'Only electron/main/** and electron/preload/index.ts may import electron.'),
    },
  },
  // Pure modules: the IPC contract and createApi run in the renderer too (no Node, no DOM, no electron).
  {
    files: ['electron/ipc/**', 'electron/preload/api.ts', 'electron/shared/**'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': restrict(
        { modules: ['electron', ...nodeModules], patterns: ['node:*'] },
        'electron/ipc, electron/shared and preload/api.ts are pure TypeScript.',
      ),
    },
  },
  // The renderer: browser only, reaches main through window.api.
  {
    files: ['renderer/**'],
    ignores: ['renderer/vite.config.ts', 'renderer/svelte.config.js'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': restrict(
        {
          modules: ['electron', ...nodeModules],
          patterns: ['node:*', '**/electron/services/**', '**/electron/main/**', '**/electron/emulator/**', '**/electron/web/**'],
        },
        'The renderer runs in the browser and reaches main only through window.api (it may import electron/ipc and electron/preload/api.ts).',
      ),
    },
  },
  // Services and the emulator are plain Node and never reach into the glue or the renderer.
  {
    files: ['electron/services/**', 'electron/emulator/**', 'electron/web/**'],
    rules: {
      'no-restricted-imports': restrict(
        { modules: ['electron'], patterns: ['**/main/*', '**/renderer/**'] },
        'Services, the emulator and the preview are plain Node: no electron, no Electron glue, no renderer.',
      ),
    },
  },
);
