// Starts the real browser preview (built services + renderer) per test, in a fresh user-data folder.
import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export const screenshotDir = path.join(root, 'test-output/screenshots');

export interface PreviewApp {
  url: string;
  userDataDir: string;
  output: () => string;
  /** Quits the preview and starts it again on the same user-data folder (a new url and key). */
  restart: () => Promise<void>;
}

async function startPreview(userDataDir: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, ['dist/web/web.cjs', '--port', '0', '--user-data', userDataDir], {
    cwd: root,
    // Every answer is checked against its schema; a mismatch is an unexpected failure (below).
    env: { ...process.env, HOME: userDataDir, IMPUTATION_DESKTOP_CHECK_ANSWERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stderr!.on('data', (chunk) => (text += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`preview did not start:\n${text}`)), 20_000);
    child.stdout!.on('data', (chunk) => {
      text += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?key=\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`preview exited with ${code}:\n${text}`)));
  });
  return { child, url, output: () => text };
}

export const test = base.extend<{ app: PreviewApp }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  app: async ({}, use) => {
    const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'imputation-e2e-'));
    let running = await startPreview(userDataDir);
    let earlier = '';
    const stop = async () => {
      running.child.kill('SIGTERM');
      await new Promise((resolve) => running.child.once('exit', resolve));
    };
    const app: PreviewApp = {
      url: running.url,
      userDataDir,
      output: () => earlier + running.output(),
      restart: async () => {
        await stop();
        earlier += running.output();
        running = await startPreview(userDataDir);
        app.url = running.url;
      },
    };
    await use(app);
    await stop();
    const output = app.output;
    await rm(userDataDir, { recursive: true, force: true });
    // A test passes only if the app had no unexpected failure behind the scenes.
    const unexpected = output()
      .split('\n')
      .filter((line) => line.includes('unexpected failure in'));
    if (unexpected.length > 0) throw new Error(`The app logged unexpected failures:\n${unexpected.join('\n')}`);
  },
});

export { expect } from '@playwright/test';
