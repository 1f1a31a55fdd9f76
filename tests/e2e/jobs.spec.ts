import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { submitTestJob } from '../support/submit';
import { captureChecked } from './a11y';
import { expect, test } from './fixtures';
import { addServer } from './ui';

const root = fileURLToPath(new URL('../..', import.meta.url));

async function addDemo(page: Page): Promise<void> {
  await page.goto(`${page.url().replace(/#.*$/, '')}#/servers`);
  await page.getByLabel('Demo server').check();
  await page.getByRole('button', { name: 'Start the demo server' }).click();
  await expect(page.getByRole('article', { name: 'Demo server' }).getByText('Signed in', { exact: true })).toBeVisible({ timeout: 30_000 });
}

/**
 * Before a screenshot: dismiss the one-time notices, and hide the preview's in-page
 * notification toasts (the demo's retirement reminders), which would cover the screen.
 */
async function quietScreen(page: Page): Promise<void> {
  // Each click removes one notice and re-renders the rest: always click the first one left.
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.addStyleTag({ content: '.toasts { display: none !important; }' });
}

const jobList = (page: Page) => page.getByRole('listbox', { name: /^Jobs, / });
const rowOf = (page: Page, name: string) => jobList(page).getByRole('option').filter({ hasText: name });

/** Opens a demo job from the list through the filter box, as a user would. */
async function openJob(page: Page, name: string): Promise<void> {
  await page.goto(`${page.url().replace(/#.*$/, '')}#/jobs`);
  await page.getByRole('searchbox', { name: /Filter jobs/ }).fill(name);
  await rowOf(page, name).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test.describe('jobs list', () => {
  let emulator: RunningEmulator;
  test.beforeAll(async () => {
    // One worker: the first job submitted runs, the next two wait in the queue.
    emulator = await startEmulator({ workers: 1 });
    emulator.control.seedJobs(2000);
    const client = new CloudgeneClient({ baseUrl: emulator.url, token: emulator.token, userAgent: 'ImputationDesktop/0.1.0 (e2e)' });
    for (const name of ['queued job 1', 'queued job 2', 'queued job 3']) await submitTestJob(client, { name });
  });
  test.afterAll(async () => {
    await emulator.close();
  });

  test('2,000 jobs on two servers: every state labelled, only visible rows rendered, keyboard and filters', async ({ page, app }) => {
    await page.goto(app.url);
    await addServer(page, page.url(), emulator.url, emulator.token, 'Lab server');
    await addDemo(page);
    await page.goto(`${app.url}#/jobs`);

    const list = jobList(page);
    await expect(page.getByText(/^2015 jobs/)).toBeVisible({ timeout: 20_000 });
    // The newest jobs (live ones on both servers) head the list; every state reads clearly
    // ("Exporting results" lasts only seconds in the demo: the unit tests check its label).
    for (const label of ['Waiting', 'Running', 'Succeeded', 'Failed', 'Canceled', 'Interrupted', 'Failed or canceled', 'Retired']) {
      await expect(list.getByText(label, { exact: true }).first()).toBeVisible();
    }
    await expect(list.getByText('can be restarted').first()).toBeVisible();
    await expect(list.getByText(/^Download by /).first()).toBeVisible();
    await expect(rowOf(page, 'queued job 3')).toContainText('1 job ahead');
    await expect(rowOf(page, 'queued job 2')).toContainText('Next in the queue');
    await expect(list.getByRole('progressbar').first()).toBeVisible();
    // two servers: the server shows in each row
    await expect(rowOf(page, 'queued job 1')).toContainText('Lab server');
    await expect(rowOf(page, 'cohort-H chr1-22')).toContainText('Demo server');

    // virtualised: a few dozen rows in the page, not 2,012
    const rendered = await list.getByRole('option').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    await quietScreen(page);
    await captureChecked(page, 'jobs-list.png');

    // scrolling to the end renders the oldest jobs (the demo's retired pilot run, 9 days old)
    await list.evaluate((element) => (element.scrollTop = element.scrollHeight));
    await expect(list.getByRole('option').last()).toHaveAttribute('aria-posinset', '2015');
    await expect(list.getByRole('option').last()).toContainText('pilot-run-2024');

    // keyboard: arrows move the selection, Enter opens the job
    await list.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const selected = list.getByRole('option', { selected: true });
    await expect(selected).toHaveAttribute('aria-posinset', '3');
    const name = (await selected.locator('.name').textContent())!;
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
    await page.getByRole('link', { name: '← All jobs' }).click();
    await expect(jobList(page).getByRole('option', { selected: true })).toHaveAttribute('aria-posinset', '3');

    // "/" reaches the filter box; text filters on name, id and server
    await jobList(page).focus();
    await page.keyboard.press('/');
    const search = page.getByRole('searchbox', { name: /Filter jobs/ });
    await expect(search).toBeFocused();
    await page.keyboard.type('bulk job 1999');
    await expect(jobList(page).getByRole('option')).toHaveCount(1);
    await search.fill('cohort');
    await page.getByRole('button', { name: /^Failed \d+/ }).click();
    await expect(jobList(page).getByRole('option')).toHaveCount(3); // two failed (5) and one "failed or canceled" (9)
    await search.fill('queued');
    await page.getByRole('button', { name: /^Live \d+/ }).click();
    await expect(jobList(page).getByRole('option')).toHaveCount(3);
    await search.fill('');
    await page.getByRole('button', { name: /^Retired \d+/ }).click();
    await page.getByRole('combobox', { name: 'Server' }).selectOption({ label: 'Demo server' });
    await expect(jobList(page).getByRole('option')).toHaveCount(1);
    await expect(jobList(page).getByRole('option')).toContainText('pilot-run-2024');

    // sort: oldest first puts the oldest job of the chosen server on top
    await page.getByRole('button', { name: /^All \d+/ }).click();
    await page.getByRole('combobox', { name: 'Server' }).selectOption({ label: 'Lab server' });
    await page.getByRole('combobox', { name: 'Order' }).selectOption('oldest');
    await expect(jobList(page).getByRole('option').first()).toContainText(/bulk job 1\b/);
    await expect(jobList(page).getByRole('option').first()).toHaveAttribute('aria-setsize', '2003');
  });

  test('the list in the dark colour scheme', async ({ browser, app }) => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await addServer(page, page.url(), emulator.url, emulator.token, 'Lab server');
    await addDemo(page);
    await page.goto(`${app.url}#/jobs`);
    await expect(page.getByText(/^2015 jobs/)).toBeVisible({ timeout: 20_000 });
    await quietScreen(page);
    await captureChecked(page, 'jobs-list-dark.png');
    await context.close();
  });
});

test('servers without jobs: a short text and a way to New job; a server that cannot be read is named', async ({ page, app }) => {
  const empty = await startEmulator();
  try {
    await page.goto(app.url);
    await addServer(page, page.url(), empty.url, empty.token, 'Empty lab');
    await page.goto(`${app.url}#/jobs`);
    await expect(page.getByRole('heading', { name: 'No jobs yet' })).toBeVisible();
    await expect(page.getByText(/Jobs you submit to Empty lab appear here/)).toBeVisible();

    empty.control.setMaintenance(true, 'Upgrade until 14:00 UTC.');
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Empty lab:' })).toContainText('the job list could not be read');
    await expect(page.getByRole('heading', { name: 'No jobs yet' })).toHaveCount(0);

    empty.control.setMaintenance(false);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('button', { name: 'New job' }).click();
    await expect(page.getByRole('heading', { name: 'New job', level: 1 })).toBeVisible();
  } finally {
    await empty.close();
  }
});

test.describe('job detail', () => {
  test('a failed job: the reason stands out, steps, input facts; the demo server deletes it', async ({ page, app }) => {
    await page.goto(app.url);
    await addDemo(page);
    await openJob(page, 'cohort-C hg38 data as hg19');

    await expect(page.getByText('Failed', { exact: true }).first()).toBeVisible();
    const reason = page.getByRole('alert').filter({ hasText: 'The job failed.' });
    await expect(reason).toContainText("Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding.");
    for (const step of ['Input Validation', 'Quality Control', 'Phasing and Imputation', 'Summary']) {
      await expect(page.getByRole('heading', { level: 3, name: new RegExp(`^${step}`) })).toBeVisible();
    }
    await expect(page.getByRole('heading', { level: 3, name: /^Input Validation failed/ })).toBeVisible();
    await expect(page.getByText('Imputation job failed.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel job…' })).toHaveCount(0);
    await quietScreen(page);
    await captureChecked(page, 'job-failed.png', { fullPage: true });

    // the demo server lets the app delete: confirmation, then the job is gone from the list
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('button', { name: 'Delete job' }).click();
    await expect(page).toHaveURL(/#\/jobs$/);
    await expect(rowOf(page, 'cohort-C hg38 data as hg19')).toHaveCount(0);
  });

  test("deleting on a real server: said before anything is confirmed, with the job's web page", async ({ page, app }) => {
    const lab = await startEmulator();
    try {
      const [id] = lab.control.seedJobs(1, { states: [5] });
      await page.goto(app.url);
      await addServer(page, page.url(), lab.url, lab.token, 'Lab server');
      await page.goto(`${app.url}#/jobs`);
      await rowOf(page, 'bulk job 1').click();
      await expect(page.getByText(id!)).toBeVisible();
      await page.getByRole('button', { name: 'Delete…' }).click();
      // the real servers refuse API tokens here (403): no "Delete job" to confirm, the web page instead
      const notice = page.getByRole('group', { name: "Delete on the server's web page" });
      await expect(notice).toContainText('lets a job be deleted only on its own web page');
      await expect(notice.getByRole('button', { name: "Open the server's job page ↗" })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Delete job' })).toHaveCount(0);
      await captureChecked(page, 'job-delete-needs-web-page.png', { clip: { x: 220, y: 0, width: 980, height: 420 } });
      // the job is still there
      expect(lab.control.getJob(id!)?.state).toBe(5);
    } finally {
      await lab.close();
    }
  });

  test('a failed job in the dark colour scheme', async ({ browser, app }) => {
    const context = await browser.newContext({ colorScheme: 'dark', viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await addDemo(page);
    await openJob(page, 'cohort-B2 (wrong population)');
    await expect(page.getByText("Population 'afr' is not supported by reference panel 'hrc-r1.1'.").first()).toBeVisible();
    await quietScreen(page);
    await captureChecked(page, 'job-failed-dark.png', { fullPage: true });
    await context.close();
  });

  test('a finished job: facts, QC table, files with credits, the download deadline', async ({ page, app }) => {
    await page.goto(app.url);
    await addDemo(page);
    await openJob(page, 'cohort-F chr20-22');
    await expect(page.getByText(/^Download before /)).toBeVisible();
    await expect(page.getByText('(in 6 days)')).toBeVisible();
    const input = page.getByRole('region', { name: 'Input' });
    await expect(input.getByText('Reference Panel')).toBeVisible();
    await expect(input.getByText('hrc-r1.1 (hg19)')).toBeVisible();
    await expect(input.getByText('Rsq filter')).toBeVisible();
    const qc = page.getByRole('region', { name: 'QC statistics' });
    await expect(qc.getByRole('rowheader', { name: 'Reference Overlap' })).toBeVisible();
    const results = page.getByRole('region', { name: /^Results/ });
    await expect(results.getByRole('row', { name: /chr_20\.zip/ })).toContainText('10 downloads left');
    // progress bars of finished steps are our own component, the server's divs are gone
    await expect(page.getByRole('progressbar', { name: 'Imputation' })).toHaveAttribute('aria-valuenow', '12');
    await expect(page.locator('.progress-bar')).toHaveCount(0);
    // the results password is hidden until asked for
    await expect(page.getByText('following password:')).toBeVisible();
    const summary = page.getByRole('listitem').filter({ hasText: 'following password:' }).last(); // the message, inside its step
    await expect(summary.getByText('(hidden)')).toBeAttached();
    await summary.getByRole('button', { name: 'Show password' }).click();
    await expect(summary.locator('code')).toHaveText(/^\S{8,}$/);
    await summary.getByRole('button', { name: 'Hide password' }).click();
    await expect(summary.locator('code')).toHaveCount(0);
    await quietScreen(page);
    await captureChecked(page, 'job-succeeded.png', { fullPage: true });
  });

  test('a running job: live steps with our progress bars, running time, cancel offered', async ({ page, app }) => {
    await page.goto(app.url);
    await addDemo(page);
    await openJob(page, 'cohort-H chr1-22');
    await expect(page.getByText('Running', { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('progressbar', { name: /Phasing with Eagle|Imputation/ }).first()).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: /^Phasing and Imputation running/ })).toBeVisible();
    await expect(page.getByRole('heading', { level: 3, name: /^Summary not started yet/ })).toBeVisible();
    await expect(page.getByText('Running for')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel job…' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Delete…' })).toHaveCount(0);
    await quietScreen(page);
    await captureChecked(page, 'job-running.png', { fullPage: true });
  });

  test('restart an interrupted job, then cancel it after confirming', async ({ page, app }) => {
    await page.goto(app.url);
    await addDemo(page);
    await openJob(page, 'interrupted by server update');
    await expect(page.getByText('Interrupted', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Restart job' }).click();
    await expect(page.getByText('Waiting', { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Restart job' })).toHaveCount(0);

    // cancel asks first; "keep it running" changes nothing
    await page.getByRole('button', { name: 'Cancel job…' }).click();
    await page.getByRole('button', { name: 'Keep it running' }).click();
    await expect(page.getByRole('button', { name: 'Cancel job…' })).toBeVisible();
    await page.getByRole('button', { name: 'Cancel job…' }).click();
    await page.getByRole('button', { name: 'Cancel job', exact: true }).click();
    await expect(page.getByText('This job was canceled.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Cancel job…' })).toHaveCount(0);
    // the list follows
    await page.getByRole('link', { name: '← All jobs' }).click();
    await page.getByRole('searchbox', { name: /Filter jobs/ }).fill('interrupted by server update');
    await expect(rowOf(page, 'interrupted by server update')).toContainText('Canceled');
  });

  test('a job link opens its detail directly; an unknown job says so', async ({ page, app }) => {
    await page.goto(app.url);
    await addDemo(page);
    await openJob(page, 'pilot-run-2024');
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await expect(page.getByRole('heading', { level: 1, name: 'pilot-run-2024' })).toBeVisible();
    await expect(page.getByText(/Retired: the server deleted the results/)).toBeVisible();
    await page.goto(url.replace(/job-[\w-]+$/, 'job-20000101-000000-000'));
    await expect(page.getByText('This job could not be opened.')).toBeVisible();
  });
});

test('server messages are sanitized: only harmless tags, no scripts, handlers or styles', async ({ page }) => {
  const bundle = await build({
    stdin: {
      contents: `import { sanitizeMessage } from './renderer/src/lib/jobs/sanitize-message';
        import { prepareMessage } from './renderer/src/lib/jobs/job-message';
        window.sanitizeServerMessage = (type, html) => sanitizeMessage(prepareMessage({ type, html }).html);`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
  });
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const clean = (html: string, type = 0) =>
    page.evaluate(
      ([text, kind]) =>
        (window as unknown as { sanitizeServerMessage: (t: number, h: string) => string }).sanitizeServerMessage(kind as number, text as string),
      [html, type] as const,
    );

  expect(await clean('<img src=x onerror="alert(1)">Hello<script>alert(2)</script>')).toBe('Hello');
  expect(await clean('<a href="javascript:alert(1)">x</a> <a href="https://genepi.github.io/" onclick="x()" target="_top">docs</a>')).toBe(
    '<a>x</a> <a href="https://genepi.github.io/">docs</a>',
  );
  expect(await clean('<b style="color:red" class="x">Warning:</b> 3 Chunk(s) excluded', 2)).toBe('<b data-label="warning">Warning:</b> 3 Chunk(s) excluded');
  expect(await clean('<iframe src="https://evil.example"></iframe><form><input></form><svg><circle/></svg>ok')).toBe('ok');
  expect(await clean('Samples: 51\nBuild: hg19<table><tr><td>a</td></tr></table>')).toBe(
    'Samples: 51<br>Build: hg19<table><tbody><tr><td>a</td></tr></tbody></table>',
  );
  expect(await clean('before<div class="progress"><div class="progress-bar bg-success"></div></div>after')).toBe('beforeafter');
  expect(await clean('<a href="/start.html#!pages/help">Help</a> <a href="data:text/html,x">d</a>')).toBe(
    '<a href="/start.html#!pages/help">Help</a> <a>d</a>',
  );
});
