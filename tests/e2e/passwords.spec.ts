// The results password on a computer without a keychain: the job page asks until it is saved,
// and after a restart says plainly that it was not kept, before any credit is spent on zips.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startEmulator } from '../../electron/emulator/index';
import { writeVcfGz } from '../support/vcf-fixtures';
import { captureChecked } from './a11y';
import { expect, test } from './fixtures';
import { addServer, submitThroughForm } from './ui';

test('not saved before a restart: the job page says it was not kept, and asks before spending credits on zips', async ({ page, app }) => {
  // A server that mails the password (so it is not in the job's Summary either).
  const emulator = await startEmulator({ faults: true, speed: 5000, mail: true });
  try {
    const data = path.join(app.userDataDir, 'data');
    await mkdir(data, { recursive: true });
    await writeVcfGz(path.join(data, 'chr20.vcf.gz'), { samples: 25, variants: 300 });
    await addServer(page, app.url, emulator.url, emulator.token, 'Lab server');
    const jobId = await submitThroughForm(page, app.url, data, 'chr20.vcf.gz', 'cohort E');
    await expect(page.getByRole('alert').filter({ hasText: 'Save this job’s results password now' })).toBeVisible();
    await expect.poll(() => emulator.control.getJob(jobId)?.state, { timeout: 20_000 }).toBe(4);

    // The app is closed without the password saved; there is no keychain, so it is gone.
    await app.restart();
    await page.goto(`${app.url}#/servers`);
    const card = page.getByRole('article', { name: 'Lab server' });
    await card.getByLabel('New API token').fill(emulator.control.createApiToken(emulator.username));
    await card.getByRole('button', { name: 'Save token' }).click();
    await expect(card.getByText('Signed in', { exact: true })).toBeVisible();

    await page.goto(`${app.url}#/jobs`);
    await page.getByRole('listbox').getByRole('option').filter({ hasText: 'cohort E' }).click();
    await expect(page.getByText(jobId)).toBeVisible();
    const results = page.getByRole('region', { name: /^Results/ });
    await expect(results).toContainText('The password for this job was not kept on this computer');
    await expect(results.getByLabel('Results password')).toBeVisible();
    await expect(page.getByRole('alert').filter({ hasText: 'Save this job’s results password now' })).toHaveCount(0);

    await results.getByRole('button', { name: 'Download all' }).click();
    const warning = results.getByRole('alertdialog');
    await expect(warning).toContainText('The password for this job was not kept on this computer: without it the zip files cannot be opened');
    await expect(warning.getByRole('button', { name: 'Only the other files' })).toBeVisible();
    await captureChecked(page, 'password-not-kept.png');
    const zip = emulator.control.getJob(jobId)!.files.find((file) => file.name === 'chr_20.zip')!;
    expect(emulator.control.downloadCount(zip.hash)).toBe(10); // nothing spent yet
    await warning.getByRole('button', { name: 'Only the other files' }).click();
    await expect(results.getByRole('status').filter({ hasText: /^Downloading/ })).toBeVisible();
    await expect(results.getByRole('row', { name: /qc_report\.txt/ })).toContainText('Downloaded', { timeout: 20_000 });
    expect(emulator.control.downloadCount(zip.hash)).toBe(10);
  } finally {
    await emulator.close();
  }
});
