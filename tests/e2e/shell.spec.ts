import { captureChecked } from './a11y';
import { expect, test } from './fixtures';

test('opens on an empty state that says what to do first', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Connect an imputation server to start' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add a server' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Try the demo server' })).toBeVisible();
  await expect(page.getByText('browser preview')).toBeVisible();
  await captureChecked(page, 'empty-state.png');
});

test('moves between the four screens with the keyboard alone', async ({ page, app }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();

  // Tab from the top of a fresh page reaches the skip link, then the navigation links, in order.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: /^Jobs/ })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: /^New job/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'New job', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: /^New job/ })).toHaveAttribute('aria-current', 'page');

  // Shortcuts jump between screens and put the focus on the screen.
  await page.keyboard.press('Control+4');
  await expect(page.getByRole('heading', { name: 'Servers', level: 1 })).toBeVisible();
  await expect(page.locator('#main')).toBeFocused();
  await page.keyboard.press('Control+3');
  await expect(page.getByRole('heading', { name: 'Downloads', level: 1 })).toBeVisible();
});

test('follows the dark colour scheme of the system', async ({ browser, app }) => {
  const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Connect an imputation server to start' })).toBeVisible();
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(22, 24, 29)');
  await captureChecked(page, 'empty-state-dark.png');
  await context.close();
});

test('says so while the computer is offline, and stops saying it when it is back', async ({ page, app, context }) => {
  await page.goto(app.url);
  await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
  const notice = page.getByRole('status').filter({ hasText: 'You are offline' });
  await expect(notice).toHaveCount(0);
  await context.setOffline(true);
  await expect(notice).toBeVisible();
  await captureChecked(page, 'offline.png');
  await context.setOffline(false);
  await expect(notice).toHaveCount(0);
});

test('refuses the page without its key', async ({ page, app }) => {
  const response = await page.goto(app.url.replace(/\?key=.*/, ''));
  expect(response?.status()).toBe(403);
});
