// Downloads against the emulator: all files of a job from its page, the Downloads screen with every
// transfer, exhausted credits, a broken local transfer that needs the user's OK to spend a credit,
// extraction with the keychain password and with a typed one, and the screen mid-transfer.
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../electron/emulator/index';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { submitTestJob } from '../support/submit';
import { writeVcfGz } from '../support/vcf-fixtures';
import { captureChecked } from './a11y';
import { expect, test, type PreviewApp } from './fixtures';
import { addServer, skipPanelCheck } from './ui';

const SERVER = 'Lab server';

/** Where the preview saves results: HOME is the user-data folder (fixtures.ts), then Downloads / app / server / job. */
const jobFolder = (app: PreviewApp, jobId: string, name: string) => path.join(app.userDataDir, 'Downloads', 'Imputation Desktop', SERVER, `${jobId}-${name}`);

async function waitForState(emulator: RunningEmulator, jobId: string, state: number): Promise<void> {
  await expect.poll(() => emulator.control.getJob(jobId)?.state, { timeout: 20_000 }).toBe(state);
}

/** A job submitted straight to the server (as the website would): its password is not in the app's keychain. */
async function finishedJob(emulator: RunningEmulator, name: string): Promise<string> {
  const client = new CloudgeneClient({ baseUrl: emulator.url, token: emulator.token, userAgent: 'ImputationDesktop/0.1.0 (e2e)' });
  const jobId = await submitTestJob(client, { name });
  await waitForState(emulator, jobId, 4);
  return jobId;
}

async function openJob(page: Page, app: PreviewApp, serverId: string, jobId: string): Promise<Locator> {
  await page.goto(`${app.url.replace(/#.*$/, '')}#/jobs/${encodeURIComponent(serverId)}/${encodeURIComponent(jobId)}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  return page.getByRole('region', { name: /^Results/ });
}

/** Adds the emulator as a server; answers its id in the app (the Servers screen moves to `#/servers/<id>`). */
async function addLabServer(page: Page, app: PreviewApp, emulator: RunningEmulator): Promise<string> {
  await addServer(page, app.url, emulator.url, emulator.token, SERVER);
  return decodeURIComponent(page.url().split('/').pop()!);
}

const groupOf = (page: Page, name: string) => page.getByRole('region', { name });
const transfer = (group: Locator, name: string) => group.getByRole('listitem', { name, exact: true });

async function withEmulator(options: EmulatorOptions, body: (emulator: RunningEmulator) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({ faults: true, speed: 5000, ...options });
  try {
    await body(emulator);
  } finally {
    await emulator.close();
  }
}

test('a job submitted here: download all, see them complete, show in folder, copy the password, extract', async ({ page, app }) => {
  await withEmulator({}, async (emulator) => {
    const data = path.join(app.userDataDir, 'data');
    await mkdir(data, { recursive: true });
    await writeVcfGz(path.join(data, 'chr20.vcf.gz'), { samples: 25, variants: 300 });
    await addLabServer(page, app, emulator);

    // Submitted through the New job screen with a generated password. The preview here has no
    // keychain (no Secret Service in the test's session), so the job page asks to save it.
    await page.goto(`${app.url}#/new`);
    await expect(page.getByLabel('Reference Panel')).toBeEnabled();
    await page.getByRole('button', { name: 'Choose files…' }).click();
    const browser = page.getByRole('dialog', { name: 'Choose files' });
    await expect(browser.getByRole('textbox', { name: 'Folder' })).not.toHaveValue('');
    await browser.getByRole('textbox', { name: 'Folder' }).fill(data);
    await browser.getByRole('button', { name: 'Go' }).click();
    await browser.getByRole('checkbox', { name: /^chr20\.vcf\.gz/ }).check();
    await browser.getByRole('button', { name: /^Add \d+ files?$/ }).click();
    await skipPanelCheck(page);
    await page.getByLabel('I will not attempt to re-identify or contact research participants.').check();
    await page.getByRole('checkbox', { name: /^I will report any inadvertent data release/ }).check();
    await page.getByLabel('Job name').fill('cohort A');
    await expect(page.getByRole('button', { name: /^Start Imputation$/ })).toBeEnabled({ timeout: 20_000 });
    await page.getByRole('button', { name: /^Start Imputation$/ }).click();
    await expect(page).toHaveURL(/#\/jobs\/[^/]+\/job-[\w-]+$/, { timeout: 30_000 });
    const jobId = decodeURIComponent(page.url().split('/').pop()!);
    const save = page.getByRole('alert').filter({ hasText: 'Save this job’s results password now' });
    await expect(save).toBeVisible();
    await save.getByRole('button', { name: 'Show password' }).click();
    await expect(save.locator('code')).toHaveText(emulator.control.getJob(jobId)!.password);
    await save.getByRole('button', { name: 'Save to a file…' }).click();
    const passwordFile = path.join(jobFolder(app, jobId, 'cohort A'), `${jobId}-results-password.txt`);
    await expect(save.getByRole('status')).toHaveText(`Saved to ${passwordFile}. Keep that file somewhere safe.`);
    expect(await readFile(passwordFile, 'utf8')).toContain(emulator.control.getJob(jobId)!.password);
    await captureChecked(page, 'password-save.png');
    await save.getByRole('button', { name: 'I have saved it' }).click();
    await expect(save).toHaveCount(0);
    await waitForState(emulator, jobId, 4);
    await page.reload();

    const results = page.getByRole('region', { name: /^Results/ });
    await expect(results.getByRole('row', { name: /chr_20\.zip/ })).toContainText('10 downloads left');
    await expect(results.getByRole('button', { name: 'Extract results' })).toBeDisabled();
    await expect(results).toContainText('Once the 1 chr_*.zip file is downloaded (0 of 1 so far).');
    await results.getByRole('button', { name: 'Download all' }).click();
    await expect(results.getByRole('status').filter({ hasText: 'Downloading 6 files to' })).toContainText(jobFolder(app, jobId, 'cohort A'));
    await results.getByRole('button', { name: 'Open Downloads' }).click();

    await expect(page).toHaveURL(/#\/downloads$/);
    const group = groupOf(page, 'cohort A');
    await expect(group).toContainText(`${jobId} · on ${SERVER}`);
    await expect(group).toContainText(jobFolder(app, jobId, 'cohort A'));
    await expect(group.getByText('6 of 6 downloaded')).toBeVisible({ timeout: 20_000 });
    await expect(transfer(group, 'chr_20.zip')).toContainText('Downloaded');
    await expect(transfer(group, 'chr_20.zip')).toContainText('9 downloads left');
    await expect(transfer(group, 'chr_20.zip')).toContainText('1 credit spent');
    await expect(page.getByRole('status', { name: 'All downloads' })).toContainText('Nothing is downloading now. 6 files downloaded.');

    // the files are on disk, whole, in the server's folder
    const folder = jobFolder(app, jobId, 'cohort A');
    for (const file of emulator.control.getJob(jobId)!.files) {
      expect(await readFile(path.join(folder, ...file.name.split('/')))).toEqual(await readFile(file.absPath));
    }

    // "Show in folder" is the desktop app's; the preview says where the file is
    await transfer(group, 'qc_report.txt').getByRole('button', { name: 'Show in folder: qc_report.txt' }).click();
    await expect(transfer(group, 'qc_report.txt').getByRole('alert')).toContainText(path.join(folder, 'qc_report.txt'));

    // back on the job's page: what is on disk, the password, extraction
    await group.getByRole('link', { name: 'cohort A' }).click();
    await expect(results.getByRole('row', { name: /chr_20\.zip/ })).toContainText('Downloaded');
    await expect(results.getByRole('button', { name: 'Show in folder: chr_20.zip' })).toBeVisible();
    await expect(results).toContainText('You saved this job’s password yourself; the app can use it until it closes.');
    await results.getByRole('button', { name: 'Extract results' }).click();
    await expect(results.getByRole('status').filter({ hasText: /^Unpacked/ })).toHaveText(`Unpacked 2 files from 1 zip file into ${folder}.`);
    expect((await stat(path.join(folder, 'chr20.dose.vcf.gz'))).size).toBeGreaterThan(0);
  });
});

test('exhausted credits give the clear message and no file; a wrong typed password says so, the right one extracts', async ({ page, app }) => {
  // A server that mails the password: the app never sees it, so it asks before spending credits on zips.
  await withEmulator({ mail: true }, async (emulator) => {
    const jobId = await finishedJob(emulator, 'cohort B');
    const files = emulator.control.getJob(jobId)!.files;
    const serverId = await addLabServer(page, app, emulator);
    const results = await openJob(page, app, serverId, jobId);
    await expect(results.getByRole('row', { name: /qc_report\.txt/ })).toContainText('10 downloads left');

    // someone else used up the credits after the page was read: the server's error answer is not a result file
    emulator.control.setDownloadCount(files.find((file) => file.name === 'qc_report.txt')!.hash, 0);
    await results.getByRole('button', { name: 'Download qc_report.txt' }).click();
    await results.getByRole('button', { name: 'Open Downloads' }).click();
    const row = transfer(groupOf(page, 'cohort B'), 'qc_report.txt');
    await expect(row).toContainText('Failed');
    await expect(row.getByRole('alert')).toContainText('No downloads are left for this file');
    await expect(row.getByRole('alert')).toContainText('The server said: "number of max downloads exceeded."');
    await expect(row.getByRole('button', { name: 'Remove qc_report.txt from the list' })).toBeVisible();
    await expect(stat(path.join(jobFolder(app, jobId, 'cohort B'), 'qc_report.txt'))).rejects.toThrow();

    // not submitted from this app: the password from the e-mail is typed
    await page.goBack();
    await expect(results.getByRole('row', { name: /qc_report\.txt/ })).toContainText('No downloads left');
    await results.getByRole('button', { name: 'Download chr_20.zip' }).click();
    const warning = results.getByRole('alertdialog');
    await expect(warning).toContainText('you need the one from the server’s e-mail to open the zip files');
    await warning.getByRole('button', { name: 'Download anyway' }).click();
    await expect(results.getByRole('row', { name: /chr_20\.zip/ })).toContainText('Downloaded', { timeout: 20_000 });
    await expect(results).toContainText('its password is in the e-mail the server sent');
    await results.getByLabel('Password from the e-mail').fill('not-the-password');
    await results.getByRole('button', { name: 'Extract results' }).click();
    await expect(results.getByRole('alert')).toContainText('chr_20.zip: The password is wrong for this zip file.');
    await results.getByLabel('Password from the e-mail').fill(emulator.control.getJob(jobId)!.password);
    await results.getByRole('button', { name: 'Extract results' }).click();
    await expect(results.getByRole('status').filter({ hasText: /^Unpacked/ })).toContainText('Unpacked 2 files from 1 zip file');
  });
});

test('a broken local transfer with few credits asks before spending one, then completes', async ({ page, app }) => {
  await withEmulator({ storage: 'local' }, async (emulator) => {
    const jobId = await finishedJob(emulator, 'cohort C');
    const zip = emulator.control.getJob(jobId)!.files.find((file) => file.name === 'chr_20.zip')!;
    emulator.control.setDownloadCount(zip.hash, 2);
    emulator.control.setFault({ kind: 'drop-download', afterBytes: 1000, path: '/share/results/', times: 1 });
    const serverId = await addLabServer(page, app, emulator);
    const results = await openJob(page, app, serverId, jobId);
    await expect(results.getByRole('row', { name: /chr_20\.zip/ })).toContainText('2 downloads left');
    await expect(results).toContainText('chr_20.zip has 2 or fewer downloads left.');
    await results.getByRole('button', { name: 'Download chr_20.zip' }).click();
    await results.getByRole('button', { name: 'Open Downloads' }).click();

    const row = transfer(groupOf(page, 'cohort C'), 'chr_20.zip');
    await expect(row).toContainText('Needs your OK', { timeout: 20_000 });
    await expect(row.getByRole('alert')).toContainText("Starting again spends one of this file's download credits; 1 download left.");
    expect(emulator.control.downloadCount(zip.hash)).toBe(1);
    await captureChecked(page, 'downloads-needs-confirmation.png');
    await row.getByRole('button', { name: 'Retry (spends 1 of 1 credit left)' }).click();
    await row.getByRole('button', { name: 'Spend a credit and retry' }).click();
    await expect(row).toContainText('Downloaded', { timeout: 20_000 });
    await expect(row).toContainText('1 retry, 1 credit lost');
    expect(emulator.control.downloadCount(zip.hash)).toBe(0);
    expect(await readFile(path.join(jobFolder(app, jobId, 'cohort C'), 'chr_20.zip'))).toEqual(await readFile(zip.absPath));
  });
});

test('mid-transfer: totals with rate and time left, per-file progress; pause resumes for free, cancel', async ({ page, app }) => {
  await withEmulator({ storage: 's3' }, async (emulator) => {
    const jobId = await finishedJob(emulator, 'cohort D');
    // Real time from here: the pre-signed links must stay valid through pauses (at 5000x they live 0.7 s).
    emulator.control.setClockSpeed(1);
    // One big result (sparse, so instant to make) keeps the transfer running long enough to look at.
    const zip = emulator.control.getJob(jobId)!.files.find((file) => file.name === 'chr_20.zip')!;
    const handle = await open(zip.absPath, 'r+');
    await handle.truncate(6 * 1024 ** 3);
    await handle.close();
    // the small files wait a little at the server, so some are seen queued and running
    emulator.control.setFault({ kind: 'delay', ms: 3000, path: '/share/results/', times: 6 });
    const serverId = await addLabServer(page, app, emulator);
    const results = await openJob(page, app, serverId, jobId);
    await results.getByRole('button', { name: 'Download all' }).click();
    await results.getByRole('button', { name: 'Open Downloads' }).click();

    const group = groupOf(page, 'cohort D');
    const big = transfer(group, 'chr_20.zip');
    await expect(big.getByLabel('Rate and time left')).toHaveText(/^[\d.]+ MB\/s · (about .+|a few seconds) left$/, { timeout: 20_000 });
    // far enough in for the bars to show it
    await expect(big).toContainText(/(\d{3} MB|[\d.]+ GB) of 6\.4 GB/, { timeout: 20_000 });
    await expect(page.getByRole('status', { name: 'All downloads' })).toContainText(
      /^\d running, \d queued · [\d.]+ (MB|GB) of [\d.]+ GB · [\d.]+ MB\/s · .+ left\s*$/,
    );
    await expect(big.getByRole('progressbar', { name: 'Download progress of chr_20.zip' })).toBeVisible();
    const dismiss = page.getByRole('button', { name: 'Dismiss' });
    while ((await dismiss.count()) > 0) await dismiss.first().click();
    await captureChecked(page, 'downloads.png');

    // Everything at once, then one file.
    await page.getByRole('button', { name: 'Pause all' }).click();
    await expect(big).toContainText('Paused');
    await expect(page.getByRole('button', { name: 'Pause all' })).toBeDisabled();
    await page.getByRole('button', { name: 'Resume all' }).click();
    await expect(big).toContainText('Downloading');
    await big.getByRole('button', { name: 'Pause chr_20.zip' }).click();
    await expect(big).toContainText('Paused');
    await expect(big).toContainText('Continuing is free until');
    await big.getByRole('button', { name: /^Resume( \(free\))? chr_20\.zip$/ }).click();
    await expect(big).toContainText('Downloading');
    // Two pauses and two resumes, all on the pre-signed link: still the one credit of the first GET.
    await expect(big).not.toContainText('credit lost');
    expect(emulator.control.downloadCount(zip.hash)).toBe(9);
    await big.getByRole('button', { name: 'Cancel chr_20.zip' }).click();
    await expect(big).toContainText('Canceled');
    await expect(group.getByText('5 of 6 downloaded · 1 canceled')).toBeVisible({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await expect(group).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Clear finished' })).toHaveCount(0); // the empty list has no actions
  });
});

test('the Downloads screen before anything was downloaded, and the server’s Results settings', async ({ page, app }) => {
  await withEmulator({}, async (emulator) => {
    await page.goto(`${app.url}#/downloads`);
    await expect(page.getByRole('heading', { name: 'No downloads yet' })).toBeVisible();
    await addLabServer(page, app, emulator);
    const card = page.getByRole('article', { name: SERVER });
    const folder = card.getByLabel('Download folder (one folder per job inside it)');
    await expect(folder).toHaveValue(path.join(app.userDataDir, 'Downloads', 'Imputation Desktop', SERVER));
    await folder.fill('relative/folder');
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByRole('alert')).toContainText('Type the full path of a folder');
    const elsewhere = path.join(app.userDataDir, 'results');
    await folder.fill(elsewhere);
    await card.getByRole('button', { name: 'Save' }).click();
    await expect(card.getByText('Saved. New downloads go there.')).toBeVisible();
    await expect(folder).toHaveValue(elsewhere);
    const auto = card.getByLabel('Download results automatically when a job succeeds');
    await expect(auto).not.toBeChecked();
    await auto.check();
    await expect(auto).toBeChecked();
    await page.reload();
    await expect(page.getByRole('article', { name: SERVER }).getByLabel('Download results automatically when a job succeeds')).toBeChecked();
    await expect(page.getByRole('article', { name: SERVER }).getByLabel('Download folder (one folder per job inside it)')).toHaveValue(elsewhere);
  });
});
