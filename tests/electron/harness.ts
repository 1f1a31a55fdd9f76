// Runs the desktop app's main process as it ships (bundled by scripts/build-main.mjs) against the
// fake Electron of ./fake-electron.ts, and its preload in each window the fake opens.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { vi } from 'vitest';
import type { Api } from '../../electron/preload/api';
import { until } from '../support/wait';
import { createFakeElectron, type FakeElectron } from './fake-electron';

const GLOBAL_KEY = '__imputationDesktopFakeElectron';
const repoRoot = path.resolve(import.meta.dirname, '../..');
let bundled: Promise<string> | null = null;

/** The desktop bundle (main, preload, VCF worker) in a temp folder, next to a small renderer. */
export function bundleApp(): Promise<string> {
  bundled ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'imputation-desktop-bundle-'));
    await promisify(execFile)(process.execPath, ['scripts/build-main.mjs', '--outdir', dir, '--desktop-only'], { cwd: repoRoot });
    // `require('electron')` from the bundle finds the fake of the run that is starting.
    await mkdir(path.join(dir, 'node_modules', 'electron'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'electron', 'index.js'), `module.exports = globalThis.${GLOBAL_KEY};\n`);
    await mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(
      path.join(dir, 'renderer', 'index.html'),
      '<!doctype html><title>Imputation Desktop</title><script type="module" src="./assets/app.js"></script>',
    );
    await writeFile(path.join(dir, 'renderer', 'assets', 'app.js'), 'export {};\n');
    await writeFile(path.join(dir, 'secret.txt'), 'outside the renderer folder');
    return dir;
  })();
  return bundled;
}

export interface RunningMain {
  fake: FakeElectron;
  bundleDir: string;
  userDataDir: string;
  warnings: string[];
  errors: string[];
  /** window.api of the newest window (what its preload exposed). */
  api(): Api;
  /** Waits until main is ready and shows its window. */
  whenShown(): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  isPackaged?: boolean;
  /** false: another copy of the app holds the single-instance lock. */
  singleInstanceLock?: boolean;
}

/** Loads main.cjs afresh with a new fake; the app becomes ready with `fake.app.emitReady()`. */
export async function startMain(options: StartOptions = {}): Promise<RunningMain> {
  const bundleDir = await bundleApp();
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'imputation-desktop-user-'));
  const fake = createFakeElectron({
    paths: { userData: userDataDir, home: userDataDir, downloads: path.join(userDataDir, 'Downloads') },
  });
  fake.app.isPackaged = options.isPackaged ?? false;
  fake.app.singleInstanceLock = options.singleInstanceLock ?? true;
  (globalThis as Record<string, unknown>)[GLOBAL_KEY] = fake.module;

  const warnings: string[] = [];
  const errors: string[] = [];
  vi.spyOn(console, 'info').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation((line: unknown) => void warnings.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation((line: unknown, detail?: unknown) => void errors.push(`${String(line)} ${String(detail ?? '')}`));

  const require = createRequire(path.join(bundleDir, 'main', 'main.cjs'));
  for (const key of Object.keys(require.cache)) if (key.startsWith(bundleDir)) delete require.cache[key];
  require(path.join(bundleDir, 'main', 'main.cjs'));

  return {
    fake,
    bundleDir,
    userDataDir,
    warnings,
    errors,
    api() {
      const window = fake.allWindows.at(-1);
      if (!window?.exposed.api) throw new Error('no window has run its preload yet');
      return window.exposed.api as Api;
    },
    async whenShown() {
      await until(
        () => fake.windows.length > 0 && fake.windows[0]!.visible && fake.handlers.size > 0,
        (shown) => shown,
        20_000,
        'the main window',
      );
    },
    async stop() {
      // before-quit holds the quit until the services have closed, then quits for real
      if (!fake.app.quitted) fake.app.quit();
      await until(
        () => fake.app.quitted,
        (quitted) => quitted,
        20_000,
        'the app to quit',
      );
      vi.restoreAllMocks();
      await rm(userDataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}

export async function removeBundle(): Promise<void> {
  if (!bundled) return;
  const dir = await bundled;
  bundled = null;
  await rm(dir, { recursive: true, force: true });
}
