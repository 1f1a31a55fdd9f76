// The demo cohort with 130 allele switches through the whole loop: "Check against the panel
// first" (on by default for new files) submits a QC-only job, the report says what stops
// imputation in the server's words, and "Fix and impute" writes corrected copies and submits
// them; the server's QC then finds no switch. Screenshots of the report and of the fix in progress.
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { captureChecked } from './a11y';
import { expect, test } from './fixtures';
import { addServer } from './ui';

let emulator: RunningEmulator;
let token: string;

test.beforeEach(async () => {
  // The demo server as the app ships it (its sample cohorts), fast; a user of our own, with no live jobs.
  emulator = await startEmulator({ seed: 'demo', faults: true, speed: 60, flavour: 'michigan', workers: 12 });
  await emulator.ready;
  token = emulator.control.addUser({ username: 'e2e-qc', fullName: 'E2E QC' }).token;
});

test.afterEach(async () => {
  await emulator.close();
});

/** The preview's notifications stack over the page's corner: out of the way for a screenshot. */
async function hideNotifications(page: Page): Promise<void> {
  await page.addStyleTag({ content: '.toasts { display: none !important; }' });
}

async function chooseFile(page: Page, dir: string, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const browser = page.getByRole('dialog', { name: 'Choose files' });
  await expect(browser.getByRole('textbox', { name: 'Folder' })).not.toHaveValue('');
  await browser.getByRole('textbox', { name: 'Folder' }).fill(dir);
  await browser.getByRole('button', { name: 'Go' }).click();
  await browser.getByRole('checkbox', { name: new RegExp(`^${name.replace(/\./g, '\\.')}`) }).check();
  await browser.getByRole('button', { name: /^Add 1 file$/ }).click();
  await expect(browser).toBeHidden();
}

test('the demo cohort: check against the panel, read the report, fix and impute', async ({ page, app }) => {
  test.setTimeout(120_000);
  const cohort = emulator.sampleFiles.find((file) => file.includes('allele-switches'))!;
  const dir = path.join(app.userDataDir, 'cohort');
  await mkdir(dir, { recursive: true });
  const name = path.basename(cohort);
  await copyFile(cohort, path.join(dir, name));

  await addServer(page, app.url, emulator.url, token, 'Michigan demo');
  await page.goto(`${app.url}#/new`);
  await expect(page.getByLabel('Reference Panel')).toBeEnabled();
  await page.getByLabel('Reference Panel').selectOption({ label: '1000G Phase 3 v5 (GRCh37/hg19)' });
  await chooseFile(page, dir, name);
  await page.getByLabel('I will not attempt to re-identify or contact research participants.').check();
  await page.getByRole('checkbox', { name: /^I will report any inadvertent data release/ }).check();
  await page.getByLabel('Job name').fill('demo cohort');

  // on by default for files never sent to this server, with what it costs said up front
  const options = page.getByRole('region', { name: 'Before imputation' });
  await expect(options.getByRole('checkbox', { name: 'Check against the panel first' })).toBeChecked();
  await expect(options).toContainText('The check is a real job on Michigan demo');
  await expect(options).toContainText('which spends one of that file’s download credits');
  await expect(options).toContainText(/upload [\d.]+ kB instead of [\d.]+ kB/);
  await expect(options.getByText('Recommended:')).toHaveCount(0); // GT only already: nothing worth proposing
  await expect(options.getByRole('checkbox', { name: /Upload slim copies/ })).not.toBeChecked();
  await expect(page.getByRole('button', { name: 'Check against the panel' })).toBeEnabled({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Check against the panel' }).click();

  // the QC-only job runs, the list is fetched, the report shows the server's own words
  const run = page.getByRole('article', { name: /^Check of demo cohort on Michigan demo$/ });
  await expect(run.getByText('Quality Control would stop imputation', { exact: true })).toBeVisible({ timeout: 60_000 });
  const report = run.getByRole('region', { name: 'QC report' });
  await expect(report.getByRole('status')).toHaveText(
    'Imputation would stop at Quality Control: More than 100 allele switches have been detected. “Fix and impute” can correct this.',
  );
  await expect(report).toContainText('Error: More than 100 allele switches have been detected. Imputation cannot be started!');
  const reasons = report.getByRole('table', { name: 'Sites by reason (the server’s counts)' });
  await expect(reasons.getByRole('row', { name: /^Allele switch 130 yes Swap/ })).toBeVisible();
  await expect(reasons.getByRole('row', { name: /^Strand flip 12 yes Complement/ })).toBeVisible();
  await expect(reasons.getByRole('row', { name: /^A\/T, C\/G genotypes 9 no, kept Drop/ })).toBeVisible();
  await expect(reasons.getByRole('row', { name: /^Allele mismatch 5 yes Drop/ })).toBeVisible();
  await expect(
    report.getByRole('table', { name: 'Listed in snps-excluded.txt, per chromosome' }).getByRole('row', { name: /^20 130 12 5 147$/ }),
  ).toBeVisible();
  await expect(report).toContainText('statistics/snps-excluded.txt: 1 download credit.');
  await hideNotifications(page);
  await captureChecked(page, 'qc-report.png', { fullPage: true });

  // fix and impute; the server answers the imputation submit late, so the fix is caught in progress
  emulator.control.setFault({ kind: 'delay', ms: 6000, path: '/api/v2/jobs/submit', times: 1 });
  const fix = run.getByRole('region', { name: 'Fix and impute' });
  await expect(fix.getByRole('checkbox', { name: /^Correct allele switches and strand flips/ })).toBeChecked();
  await expect(fix).toContainText('Swap 130, complement 12 sites; drop 5 allele mismatches');
  // the server keeps A/T and C/G sites: they are dropped only when asked
  await expect(fix.getByRole('checkbox', { name: /^Also drop every A\/T and C\/G site/ })).not.toBeChecked();
  await fix.getByRole('button', { name: 'Fix and impute' }).click();
  await expect(run.getByText('Uploading for imputation', { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(run).toContainText('142 sites corrected (130 swapped, 12 strand-flipped); 5 allele mismatches dropped.');
  await expect(run.getByRole('progressbar', { name: 'Upload for imputation' })).toBeVisible();
  await expect(run).toContainText(/Corrected copies \(1 file, [\d.]+ kB\) in .*-corrected; every change is listed in .*changes\.tsv\./);
  await captureChecked(page, 'qc-fix-in-progress.png', { fullPage: true });

  // submitted: the imputation job, whose QC finds no switch any more
  await expect(run.getByText('Imputation job submitted', { exact: true })).toBeVisible({ timeout: 30_000 });
  const jobId = (await run.getByRole('button', { name: /^job-/ }).last().textContent())!.trim();
  await expect.poll(() => emulator.control.getJob(jobId)?.state, { timeout: 30_000 }).toBeGreaterThanOrEqual(4);
  const job = emulator.control.getJob(jobId)!;
  expect(job.state).toBe(4);
  expect(job.params).toMatchObject({ mode: 'imputation', panel: '1000g-phase-3-v5@2.0.0' });
  const statistics = (job.json.steps as Array<{ logMessages: Array<{ message: string }> }>)[1]!.logMessages.map((m) => m.message).join('\n');
  expect(statistics).toContain('Allele switch: 0\nStrand flip: 0\nStrand flip and allele switch: 0\nA/T, C/G genotypes: 9');
  await run.getByRole('button', { name: jobId }).click();
  await expect(page).toHaveURL(new RegExp(`#/jobs/[^/]+/${jobId}$`));
});
