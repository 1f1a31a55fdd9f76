// The New job screen against the emulator: the server's form, files chosen in the in-app browser,
// the local VCF check with the server's messages and fixes, uploads with progress, cancel, reload,
// errors, and the blockers (maintenance, job limit).
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { writeVcfGz, type VcfSpec } from '../support/vcf-fixtures';
import { captureChecked } from './a11y';
import { expect, test, type PreviewApp } from './fixtures';
import { addServer, skipPanelCheck } from './ui';

const SUBMIT = /^Start Imputation$/;

async function openForm(page: Page, app: PreviewApp): Promise<void> {
  await page.goto(`${app.url}#/new`);
  await expect(page.getByLabel('Reference Panel')).toBeEnabled();
}

/** Fixtures go under the preview's HOME, where the in-app file browser starts. */
async function fixtureDir(app: PreviewApp, name: string): Promise<string> {
  const dir = path.join(app.userDataDir, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function writeVcf(dir: string, name: string, spec: VcfSpec = {}): Promise<void> {
  await writeVcfGz(path.join(dir, name), spec);
}

/** A file of zeros (sparse, so instant): not BGZF, so the local check fails it. */
async function writeZeros(dir: string, name: string, bytes: number): Promise<void> {
  const handle = await open(path.join(dir, name), 'w');
  await handle.truncate(bytes);
  await handle.close();
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function chooseFiles(page: Page, dir: string, names: string[], options: { allTypes?: boolean } = {}): Promise<void> {
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const browser = page.getByRole('dialog', { name: 'Choose files' });
  // the browser opens on HOME first; wait for that, or its answer would replace the typed folder
  await expect(browser.getByRole('textbox', { name: 'Folder' })).not.toHaveValue('');
  await browser.getByRole('textbox', { name: 'Folder' }).fill(dir);
  await browser.getByRole('button', { name: 'Go' }).click();
  if (options.allTypes) await browser.getByLabel('Show only .vcf.gz files').uncheck();
  for (const name of names) await browser.getByRole('checkbox', { name: new RegExp(`^${escape(name)}`) }).check();
  await browser.getByRole('button', { name: /^Add \d+ files?$/ }).click();
  await expect(browser).toBeHidden();
}

async function acceptTerms(page: Page): Promise<void> {
  await page.getByLabel('I will not attempt to re-identify or contact research participants.').check();
  await page.getByRole('checkbox', { name: /^I will report any inadvertent data release/ }).check();
}

const fileRow = (page: Page, name: string) => page.getByRole('list', { name: 'Chosen files' }).getByRole('listitem', { name });
const uploadOf = (page: Page, jobName: string) => page.getByRole('article', { name: new RegExp(`^Upload of ${escape(jobName)} to `) });

async function jobsOnServer(emulator: RunningEmulator): Promise<number> {
  const answer = await fetch(`${emulator.url}/api/v2/jobs`, { headers: { 'X-Auth-Token': emulator.token } });
  const body = (await answer.json()) as { count?: number; data?: unknown[] };
  return body.count ?? body.data?.length ?? 0;
}

/** A job submitted straight to the server (as another client would), to fill the user's job slots. */
async function submitDirectly(emulator: RunningEmulator, vcf: Buffer, name: string): Promise<void> {
  const form = new FormData();
  for (const [key, value] of Object.entries({
    refpanel: 'apps@1000g-phase-3-v5@2.0.0',
    population: 'eur',
    build: 'hg19',
    phasing: 'eagle',
    mode: 'imputation',
    'job-name': name,
  })) {
    form.append(key, value);
  }
  form.append('files', new Blob([new Uint8Array(vcf)]), 'chr20.vcf.gz');
  const answer = await fetch(`${emulator.url}/api/v2/jobs/submit/imputationserver2`, {
    method: 'POST',
    headers: { 'X-Auth-Token': emulator.token },
    body: form,
  });
  expect(answer.status).toBe(200);
}

test.describe('new job', () => {
  let emulator: RunningEmulator;
  test.beforeEach(async () => {
    emulator = await startEmulator({ faults: true });
  });
  test.afterEach(async () => {
    await emulator.close();
  });

  test('a failed local check shows the server’s message and the fix next to the file, and checks again when the build changes', async ({ page, app }) => {
    const dir = await fixtureDir(app, 'data');
    const other = await fixtureDir(app, 'other');
    await writeVcf(dir, 'chr20.vcf.gz', { chromosome: 'chr20', samples: 25, variants: 400 });
    await writeVcf(dir, 'chr21.vcf.gz', { chromosome: 'chr21', samples: 25, variants: 300, seed: 2 });
    await writeVcf(other, 'chr20.vcf.gz', { chromosome: 'chr20' });
    await writeZeros(dir, 'readme.txt', 100);
    await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');
    await openForm(page, app);

    // the server's form, its defaults, the population bound to the panel
    await expect(page.getByLabel('Array Build')).toHaveValue('hg19');
    await expect(page.getByLabel('Phasing Engine')).toHaveValue('eagle');
    await expect(page.getByLabel('Mode')).toHaveValue('imputation');
    await page.getByLabel('Reference Panel').selectOption({ label: 'HapMap 2 (GRCh37/hg19)' });
    await expect(page.getByLabel('Allele Frequency Check').getByRole('option')).toHaveText(['EUR', 'Off']);
    await expect(page.getByLabel('Allele Frequency Check')).toHaveValue('eur');
    await expect(page.getByLabel('Job name')).toHaveAttribute('placeholder', 'Defaults to the job id');

    // only .vcf.gz, and never two files of one name
    await chooseFiles(page, dir, ['chr20.vcf.gz', 'chr21.vcf.gz', 'readme.txt'], { allTypes: true });
    await expect(page.getByRole('alert').filter({ hasText: 'readme.txt: only bgzipped VCF files ending in .vcf.gz are accepted.' })).toBeVisible();
    await chooseFiles(page, other, ['chr20.vcf.gz']);
    await skipPanelCheck(page);
    await expect(
      page.getByRole('alert').filter({ hasText: /chr20\.vcf\.gz: another chosen file has this name; the server would keep only one/ }),
    ).toBeVisible();
    await expect(page.getByText(/^2 files, [\d.]+ kB in all$/)).toBeVisible();

    // the check starts by itself: chr20 has the 'chr' prefix of hg38 under build hg19
    const row = fileRow(page, 'chr20.vcf.gz');
    await expect(row.getByText('1 error', { exact: true })).toBeVisible();
    await expect(row).toContainText(
      "Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding. Please ensure that your input data is build hg19 and chromosome is encoded as '20'.",
    );
    await expect(row).toContainText("hg19 (GRCh37) data must name chromosomes without 'chr'");
    await expect(row.locator('pre')).toContainText("gzip -dc chr20.vcf.gz | awk 'BEGIN{FS=OFS=");
    await expect(row.getByText('The server would stop here first')).toBeVisible();
    await expect(row.getByRole('button', { name: 'Copy the command' })).toBeVisible();
    await expect(row).toContainText('25 samples · chromosome 20 · 400 variants · 1 chunk · unphased · positions 10,000–409,000');
    await expect(row).toContainText("'chr' prefix: looks like hg38");
    await expect(page.getByRole('alert').filter({ hasText: /The check found 2 errors/ })).toBeVisible();

    // errors block the submit, with an explicit override
    await acceptTerms(page);
    await expect(page.getByText('2 files, ', { exact: false }).filter({ hasText: 'to Lab server' })).toBeVisible();
    await expect(page.getByRole('button', { name: SUBMIT })).toBeDisabled();
    await expect(page.getByLabel('Before you can submit')).toContainText('Fix the 2 problems the file check found, or choose “Submit anyway”.');
    await expect(page.getByRole('checkbox', { name: /^Submit anyway/ })).toBeVisible();
    await row.scrollIntoViewIfNeeded();
    await captureChecked(page, 'preflight-failed.png', { fullPage: true });

    await page.getByRole('checkbox', { name: /^Submit anyway/ }).check();
    await expect(page.getByRole('button', { name: SUBMIT })).toBeEnabled();

    // a changed build runs the check again (and drops the override)
    await page.getByLabel('Array Build').selectOption('hg38');
    await expect(row.getByText('Passes the checks')).toBeVisible();
    await expect(fileRow(page, 'chr21.vcf.gz').getByText('Passes the checks')).toBeVisible();
    await expect(page.getByText('The files pass the server’s input checks.')).toBeVisible();
    await expect(page.getByRole('checkbox', { name: /^Submit anyway/ })).toHaveCount(0);
    await expect(page.getByRole('button', { name: SUBMIT })).toBeEnabled();

    // phasing off for unphased data: the server's message again
    await page.getByLabel('Phasing Engine').selectOption('no_phasing');
    const together = page.getByRole('region', { name: 'About the files together' });
    await expect(together).toContainText('Your input data is unphased. Please select an algorithm for phasing.');
    await expect(together).toContainText("Fix: Choose a phasing engine (Eagle or Beagle) instead of 'No phasing'.");
    await expect(together.locator('pre')).toHaveCount(0);
    await expect(page.getByRole('button', { name: SUBMIT })).toBeDisabled();
  });

  test('uploads a few hundred MB with rate and time left, then opens the new job; the password is generated', async ({ page, app }) => {
    const dir = await fixtureDir(app, 'big');
    await writeZeros(dir, 'x.vcf.gz', 300 * 1024 * 1024);
    await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');
    await openForm(page, app);
    await chooseFiles(page, dir, ['x.vcf.gz']);
    await skipPanelCheck(page);
    await expect(fileRow(page, 'x.vcf.gz').getByText('1 error', { exact: true })).toBeVisible();
    await page.getByRole('checkbox', { name: /^Submit anyway/ }).check();
    await acceptTerms(page);
    await page.getByLabel('Job name').fill('big upload');
    await expect(page.getByText('1 file, 315 MB, to Lab server')).toBeVisible();

    // The server answers the submit late, so the upload is caught in progress.
    emulator.control.setFault({ kind: 'delay', ms: 4000, path: '/api/v2/jobs/submit', times: 1 });
    await page.getByRole('button', { name: SUBMIT }).click();
    const upload = uploadOf(page, 'big upload');
    await expect(upload.getByText('Uploading', { exact: true })).toBeVisible({ timeout: 15_000 });
    await expect(upload.getByLabel('Upload rate')).toHaveText(/^[\d.]+ MB\/s$/);
    await expect(upload).toContainText(/(about \d+ (s|min|h)|a few seconds)( \d+ min)? left/);
    await expect(upload.getByRole('progressbar', { name: 'Upload progress of x.vcf.gz' })).toBeVisible();
    // the form is free for the next job
    await expect(page.getByText('No files yet, to Lab server')).toBeVisible();
    await captureChecked(page, 'upload-progress.png');

    // 200: the job's page
    await expect(page).toHaveURL(/#\/jobs\/[^/]+\/job-[\w-]+$/, { timeout: 30_000 });
    const jobId = decodeURIComponent(page.url().split('/').pop()!);
    const job = emulator.control.getJob(jobId);
    expect(job?.json.name).toBe('big upload');
    expect(job?.password).toMatch(/^[^&<>"\s]{24}$/);
  });

  test('an upload survives a reload of the window and can be canceled; no job is left', async ({ page, app }) => {
    const dir = await fixtureDir(app, 'big');
    await writeZeros(dir, 'x.vcf.gz', 120 * 1024 * 1024);
    await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');
    await openForm(page, app);
    await chooseFiles(page, dir, ['x.vcf.gz']);
    await skipPanelCheck(page);
    await page.getByRole('checkbox', { name: /^Submit anyway/ }).check();
    await acceptTerms(page);
    await page.getByLabel('Job name').fill('to cancel');

    emulator.control.setFault({ kind: 'delay', ms: 3000, path: '/api/v2/jobs/submit', times: 1 });
    const started = Date.now();
    await page.getByRole('button', { name: SUBMIT }).click();
    await expect(uploadOf(page, 'to cancel').getByText('Uploading', { exact: true })).toBeVisible({ timeout: 15_000 });

    await page.reload();
    const upload = uploadOf(page, 'to cancel');
    await expect(upload.getByText('Uploading', { exact: true })).toBeVisible();
    await upload.getByRole('button', { name: 'Cancel upload of to cancel' }).click();
    await expect(upload.getByText('Canceled. Nothing was submitted.')).toBeVisible();
    await expect(page).toHaveURL(/#\/new$/);

    // after the server's delay it would have read the rest of the body: still no job
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 3500 - Date.now())));
    expect(await jobsOnServer(emulator)).toBe(0);
    await upload.getByRole('button', { name: 'Dismiss the upload of to cancel' }).click();
    await expect(upload).toHaveCount(0);
  });

  test('a dropped connection gives a clear error; a typed password follows the server’s rules', async ({ page, app }) => {
    const dir = await fixtureDir(app, 'data');
    await writeVcf(dir, 'chr20.vcf.gz', { samples: 30, variants: 6000 });
    await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');
    await openForm(page, app);
    await chooseFiles(page, dir, ['chr20.vcf.gz']);
    await expect(fileRow(page, 'chr20.vcf.gz').getByText('Passes the checks')).toBeVisible();
    await skipPanelCheck(page);
    await acceptTerms(page);

    await page.getByLabel('Type my own').check();
    await page.getByLabel('Password', { exact: true }).fill('fish & chips');
    await expect(page.getByRole('alert').filter({ hasText: 'Leave spaces out of the results password.' })).toBeVisible();
    await page.getByLabel('Password', { exact: true }).fill('fish&chips42');
    await expect(
      page.getByRole('alert').filter({ hasText: 'The server changes the characters & < > " in passwords (it HTML-escapes them); leave them out.' }),
    ).toBeVisible();
    await page.getByLabel('Password', { exact: true }).fill('0012345678');
    await expect(page.getByRole('alert').filter({ hasText: 'reads a password that looks like a number as a number' })).toBeVisible();
    await expect(page.getByRole('button', { name: SUBMIT })).toBeDisabled();
    await page.getByLabel('Password', { exact: true }).fill('fish-and-chips-42');
    await expect(page.getByRole('button', { name: SUBMIT })).toBeEnabled();
    await page.getByLabel('Job name').fill('dropped');

    emulator.control.setFault({ kind: 'drop-upload', afterBytes: 20_000, times: 1 });
    await page.getByRole('button', { name: SUBMIT }).click();
    const upload = uploadOf(page, 'dropped');
    await expect(upload.getByText('Failed', { exact: true })).toBeVisible({ timeout: 20_000 });
    await expect(upload.getByRole('alert')).toContainText('cannot resume');
    await expect(upload.getByRole('alert')).toContainText(/closed after .+ of .+ were sent/);
    await expect(upload.getByRole('alert')).toContainText('submit again');
    await expect(page).toHaveURL(/#\/new$/);
    expect(await jobsOnServer(emulator)).toBe(0);
    await captureChecked(page, 'upload-failed.png');

    // sent again from the start (the fault was for one upload): the job opens
    await upload.getByRole('button', { name: 'Submit again: dropped' }).click();
    await expect(page).toHaveURL(/#\/jobs\/[^/]+\/job-[\w-]+$/, { timeout: 20_000 });
    const jobId = decodeURIComponent(page.url().split('/').pop()!);
    expect(emulator.control.getJob(jobId)?.password).toBe('fish-and-chips-42');
  });

  test('maintenance and the job limit are said before any upload, and the submit stays off', async ({ page, app }) => {
    const dir = await fixtureDir(app, 'data');
    await writeVcf(dir, 'chr20.vcf.gz');
    await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');

    emulator.control.setMaintenance(true, 'Upgrade until 14:00 UTC.');
    await page.goto(`${app.url}#/new`);
    // the server refuses its form in maintenance: the screen says so, with the server's message
    const maintenance = page.getByRole('alert').filter({ hasText: 'The server is under maintenance: Upgrade until 14:00 UTC.' });
    await expect(maintenance).toBeVisible();
    await expect(maintenance).toContainText('Submitting is not possible now.');
    await chooseFiles(page, dir, ['chr20.vcf.gz']);
    await expect(page.getByText('The files are checked once the server’s form has been read.')).toBeVisible();
    await expect(page.getByRole('button', { name: SUBMIT })).toHaveCount(0);
    await captureChecked(page, 'new-job-maintenance.png');
    emulator.control.setMaintenance(false);
    await maintenance.getByRole('button', { name: 'Check again' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'under maintenance' })).toHaveCount(0);
    await acceptTerms(page);
    await expect(fileRow(page, 'chr20.vcf.gz').getByText('Passes the checks')).toBeVisible();
    await skipPanelCheck(page);
    await expect(page.getByRole('button', { name: SUBMIT })).toBeEnabled();

    // three live jobs (the server's and the app's limit): the form says so before uploading
    const vcf = await (async () => {
      const file = path.join(dir, 'direct.vcf.gz');
      await writeVcfGz(file, { samples: 25, variants: 300 });
      const { readFile } = await import('node:fs/promises');
      return readFile(file);
    })();
    for (const name of ['one', 'two', 'three']) await submitDirectly(emulator, vcf, name);
    await page.reload();
    const limit = page.getByRole('alert').filter({ hasText: 'You have 3 jobs waiting or running on this server, the most it runs per user (3).' });
    await expect(limit).toBeVisible();
    await expect(page.getByRole('button', { name: SUBMIT })).toBeDisabled();
    await expect(page.getByLabel('Before you can submit')).toContainText('You have 3 jobs waiting or running on this server');
    await captureChecked(page, 'new-job-limit.png');
  });

  test('with two signed-in servers the job goes to the one picked', async ({ page, app }) => {
    const topmed = await startEmulator({ flavour: 'topmed' });
    try {
      await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');
      await addServer(page, app.url, topmed.url, topmed.token, 'TOPMed test');
      await openForm(page, app);
      const picker = page.getByLabel('Server', { exact: true });
      await expect(picker).toHaveValue(/.+/);
      await picker.selectOption({ label: 'TOPMed test' });
      await expect(page.getByLabel('Reference Panel').getByRole('option')).toHaveText(['TOPMed r3']);
      await expect(page.getByLabel('Allele Frequency Check').getByRole('option')).toHaveText(['vs. TOPMed Panel', 'Skip']);
      await expect(page.getByText('No files yet, to TOPMed test')).toBeVisible();
      await picker.selectOption({ label: 'Lab server' });
      await expect(page.getByLabel('Reference Panel').getByRole('option')).toHaveCount(9);
    } finally {
      await topmed.close();
    }
  });
});
