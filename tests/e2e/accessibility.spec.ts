// Every screen, filled with the demo server's jobs, checked with axe against WCAG 2.1 A and AA
// (light and dark). A violation names the rule and the elements, so a failure says what to fix.
import { accessibilityViolations as violations } from './a11y';
import { expect, test } from './fixtures';

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every screen passes an automated accessibility check (${colorScheme})`, async ({ browser, app }) => {
    const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const found: Record<string, string[]> = {};
    const check = async (name: string) => {
      const list = await violations(page);
      if (list.length) found[name] = list;
    };

    await page.goto(app.url);
    await expect(page.getByRole('heading', { name: 'Connect an imputation server to start' })).toBeVisible();
    await check('empty state');

    await page.getByRole('button', { name: 'Try the demo server' }).click();
    await page.getByRole('button', { name: 'Start the demo server' }).click();
    await expect(page.getByRole('article', { name: 'Demo server' }).getByText('Signed in', { exact: true })).toBeVisible({ timeout: 20_000 });
    await check('servers');

    await page.keyboard.press('Control+1');
    await expect(page.getByRole('heading', { name: 'Jobs', level: 1 })).toBeVisible();
    const jobs = page.getByRole('listbox', { name: /^Jobs, / });
    await expect(jobs.getByRole('option').first()).toBeVisible({ timeout: 20_000 });
    await check('jobs list');

    // A failed job: the server's messages and the error steps.
    await page.getByRole('button', { name: /^Failed/ }).click();
    await jobs.getByRole('option').first().click();
    await expect(page.getByRole('link', { name: '← All jobs' })).toBeVisible();
    await check('failed job');

    // A succeeded job with its results, then every file on its way down.
    await page.getByRole('link', { name: '← All jobs' }).click();
    await page.getByRole('button', { name: /^Succeeded/ }).click();
    await jobs.getByRole('option').first().click();
    const results = page.getByRole('region', { name: /^Results/ });
    await expect(results).toBeVisible();
    await check('succeeded job');
    await results.getByRole('button', { name: 'Download all' }).click();
    await expect(results.getByRole('button', { name: 'Open Downloads' })).toBeVisible();
    await check('succeeded job, downloading');
    await results.getByRole('button', { name: 'Open Downloads' }).click();
    await expect(page.getByRole('heading', { name: 'Downloads', level: 1 })).toBeVisible();
    await expect(page.getByText(/downloads? left/).first()).toBeVisible();
    await check('downloads');

    await page.keyboard.press('Control+2');
    await expect(page.getByRole('heading', { name: 'New job', level: 1 })).toBeVisible();
    await check('new job');

    await page.keyboard.press('Control+4');
    await page.getByLabel('Another Cloudgene 3 server').check();
    await check('add a server');

    await context.close();
    expect(found).toEqual({});
  });
}
