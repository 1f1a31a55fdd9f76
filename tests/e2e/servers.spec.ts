import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { captureChecked } from './a11y';
import { expect, test } from './fixtures';
import { submitServerForm } from './ui';

/** Every WebSocket frame the page receives: what main sends the renderer (answers and events). */
function recordFrames(page: Page): string[] {
  const frames: string[] = [];
  page.on('websocket', (socket) => {
    socket.on('framereceived', (frame) => frames.push(String(frame.payload)));
  });
  return frames;
}

async function filesUnder(dir: string): Promise<string[]> {
  const names = await readdir(dir, { recursive: true });
  const texts: string[] = [];
  for (const name of names) texts.push(await readFile(path.join(dir, name), 'utf8').catch(() => ''));
  return texts;
}

test.describe('servers', () => {
  let emulator: RunningEmulator;
  test.beforeAll(async () => {
    emulator = await startEmulator({ faults: true });
  });
  test.afterAll(async () => {
    await emulator.close();
  });

  test('the demo server starts from the empty state and signs in by itself', async ({ page, app }) => {
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Try the demo server' }).click();
    await expect(page.getByRole('heading', { name: 'Servers', level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'Start the demo server' }).click();
    const card = page.getByRole('article', { name: 'Demo server' });
    await expect(card.getByText('Signed in', { exact: true })).toBeVisible({ timeout: 20_000 });
    await expect(card.getByText('Demo User')).toBeVisible();
    await expect(card.getByText(/Genotype Imputation/)).toBeVisible();
  });

  test('adding servers: a healthy one, a bad token, a revoked token, an expiring token, maintenance', async ({ page, app }) => {
    const frames = recordFrames(page);
    await page.goto(`${app.url}#/servers`);

    // healthy
    const healthy = emulator.control.addUser({ username: 'lab-alice', fullName: 'Alice Example', mail: 'alice@example.org' });
    await submitServerForm(page, emulator.url, healthy.token, 'Lab server');
    const healthyCard = page.getByRole('article', { name: 'Lab server' });
    await expect(healthyCard.getByText('Signed in', { exact: true })).toBeVisible();
    await expect(healthyCard.getByText('Alice Example')).toBeVisible();
    await expect(healthyCard.getByText(/Token expires in 30 days/)).toBeVisible();

    // an invalid token: the server's 401 in words, nothing added
    const second = await startEmulator({ flavour: 'topmed', faults: true });
    try {
      await submitServerForm(page, second.url, 'eyJhbGciOiJIUzI1NiJ9.not.valid', 'TOPMed test');
      await expect(page.getByRole('alert')).toContainText('did not accept this token');

      // a token replaced by a newer one: 403, "revoked or replaced"
      const bob = second.control.addUser({ username: 'bob', fullName: 'Bob' });
      second.control.createApiToken('bob');
      await page.getByLabel('API token', { exact: true }).fill(bob.token);
      await page.getByRole('button', { name: 'Add server' }).click();
      await expect(page.getByRole('alert')).toContainText('revoked or replaced by a newer one');

      // an expiring token: added, with a warning
      const carol = second.control.addUser({ username: 'carol', fullName: 'Carol Soon' });
      const expiring = second.control.createApiToken('carol', { expiresInDays: 3 });
      await page.getByLabel('API token', { exact: true }).fill(expiring);
      await page.getByRole('button', { name: 'Add server' }).click();
      const topmedCard = page.getByRole('article', { name: 'TOPMed test' });
      await expect(topmedCard.getByText('Token expires soon')).toBeVisible();
      await expect(topmedCard.getByText(/Token expires in 3 days/)).toBeVisible();
      // the preview shows the "expires soon" notification in the page
      await expect(page.getByRole('button', { name: /Your token for TOPMed test expires soon/ })).toBeVisible();
      expect(carol.username).toBe('carol');

      // maintenance, then the token expires: the card says so and offers to paste a new one
      second.control.setMaintenance(true, 'Upgrade until 14:00 UTC.');
      await topmedCard.getByRole('button', { name: 'Check now' }).click();
      await expect(topmedCard.getByText('Maintenance', { exact: true })).toBeVisible();
      await expect(topmedCard.getByText(/Upgrade until 14:00 UTC/)).toBeVisible();
      second.control.setMaintenance(false);
      second.control.expireTokens();
      await topmedCard.getByRole('button', { name: 'Check now' }).click();
      await expect(topmedCard.getByText('Token expired or invalid')).toBeVisible();
      await expect(topmedCard.getByLabel('New API token')).toBeVisible();

      await captureChecked(page, 'servers.png', { fullPage: true });

      // the token never reaches the renderer, a file or a log line
      for (const secret of [healthy.token, bob.token, expiring]) {
        expect(frames.some((frame) => frame.includes(secret))).toBe(false);
        expect((await filesUnder(app.userDataDir)).some((text) => text.includes(secret))).toBe(false);
        expect(app.output()).not.toContain(secret);
      }
      expect(frames.length).toBeGreaterThan(5);
    } finally {
      await second.close();
    }
  });
});
