// The Quality view of a demo job: it says what is missing and gets it (download, unpack), reads
// the info files, draws the four plots with their tables (light and dark), saves a plot as PNG,
// shows the server's QC report sandboxed, exports filtered VCFs, writes the methods record and the
// curl lines; then, with one chromosome's info file gone, it opens and names what is missing.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { captureChecked } from './a11y';
import { expect, test } from './fixtures';

const JOB = 'cohort-F chr20-22';

async function addDemo(page: Page, url: string): Promise<void> {
  await page.goto(`${url.replace(/#.*$/, '')}#/servers`);
  await page.getByLabel('Demo server').check();
  await page.getByRole('button', { name: 'Start the demo server' }).click();
  await expect(page.getByRole('article', { name: 'Demo server' }).getByText('Signed in', { exact: true })).toBeVisible({ timeout: 30_000 });
}

/** Dismisses the one-time notices and hides the preview's notification toasts before screenshots. */
async function quietScreen(page: Page): Promise<void> {
  const dismiss = page.getByRole('button', { name: 'Dismiss' });
  while ((await dismiss.count()) > 0) await dismiss.first().click();
  await page.addStyleTag({ content: '.toasts { display: none !important; }' });
}

async function openQuality(page: Page, url: string): Promise<void> {
  await page.goto(`${url.replace(/#.*$/, '')}#/jobs`);
  await page.getByRole('searchbox', { name: /Filter jobs/ }).fill(JOB);
  await page
    .getByRole('listbox', { name: /^Jobs, / })
    .getByRole('option')
    .filter({ hasText: JOB })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: JOB })).toBeVisible();
  await page.getByRole('tab', { name: 'Quality' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Quality' })).toBeVisible();
}

test('quality of a demo job: get what is missing, plots with tables in light and dark, QC report, export, methods, curl lines', async ({ browser, app }) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(app.url);
  await addDemo(page, app.url);
  await openQuality(page, app.url);
  await quietScreen(page);

  const files = page.getByRole('region', { name: 'Files on this computer' });
  await expect(files.getByRole('status')).toContainText('3 chromosomes are not ready:');
  await expect(files).toContainText('chr20.info.gz and chr20.dose.vcf.gz are missing: chr_20.zip is not downloaded (10 downloads left).');
  await files.getByRole('button', { name: /^Download \d+ files and unpack$/ }).click();

  const quality = page.getByRole('region', { name: 'Imputation quality' });
  await expect(quality.getByRole('img', { name: /^Mean R2 by minor allele frequency\./ })).toBeVisible({ timeout: 60_000 });
  await expect(files.getByRole('row', { name: /chr21/ })).toContainText('Ready');
  for (const name of [/^Mean R2 by minor allele frequency/, /^R2 histogram/, /^Variants passing R2 0\.3 and 0\.8/, /^Typed variants: ER2 against R2/]) {
    await expect(quality.getByRole('img', { name })).toBeVisible();
  }
  // uPlot drew on canvases (one per plot)
  await expect(quality.locator('canvas')).toHaveCount(4);
  await expect(quality.getByRole('term').first()).toHaveText('Variants');

  // every plot's numbers as a table
  const histogram = quality.getByRole('region', { name: 'R2 histogram' });
  await histogram.getByRole('button', { name: 'Show table' }).click();
  const table = histogram.getByRole('table', { name: 'R2 histogram: the numbers' });
  await expect(table.getByRole('row')).toHaveCount(21);
  await expect(table.getByRole('row', { name: /^0\.95–1\.00/ })).toBeVisible();

  await quality.scrollIntoViewIfNeeded();
  await captureChecked(page, 'results-quality.png', { fullPage: true });

  // saved as PNG into the job's folder
  await histogram.getByRole('button', { name: 'Save R2 histogram as PNG' }).click();
  const saved = (await histogram.getByRole('status').locator('code').textContent())!;
  expect(saved).toMatch(/plots[/\\]job-[\w-]+-histogram\.png$/);
  expect((await readFile(saved)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

  // a filtered export with the equivalent command
  const exporter = page.getByRole('region', { name: 'Filtered export' });
  await expect(exporter.getByRole('textbox', { name: 'bcftools command' })).toHaveValue(/bcftools view -i 'INFO\/R2>=0\.3 && INFO\/MAF>=0'/);
  await exporter.getByLabel('Join the chromosomes into one file').check();
  await exporter.getByRole('button', { name: 'Export filtered VCF' }).click();
  await expect(exporter.getByRole('status')).toContainText('Written in', { timeout: 30_000 });
  await expect(exporter.getByRole('status')).toContainText('chr20_21_22.dose.R2-0.3_MAF-0.vcf.gz');

  // the methods record and the curl lines
  const methods = page.getByRole('region', { name: 'Methods record' });
  await methods.getByRole('button', { name: 'Create the methods record' }).click();
  await expect(methods.getByRole('textbox', { name: 'Methods paragraph' })).toHaveValue(/Please cite: Das S, Forer L/, { timeout: 30_000 });
  const commands = page.getByRole('region', { name: 'Download commands' });
  await commands.getByRole('button', { name: 'Show download commands' }).click();
  await expect(commands.getByRole('textbox', { name: 'Download commands' })).toHaveValue(/curl --fail -o chr_20\.zip '/);
  await expect(commands.getByRole('note')).toContainText('Each run spends a credit.');

  // dark: the plots are drawn again in the dark theme's colours
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('region', { name: 'Imputation quality' }).scrollIntoViewIfNeeded();
  await captureChecked(page, 'results-quality-dark.png', { fullPage: true });

  // the server's report, sanitized, in a sandboxed frame without scripts
  // (opened after the accessibility checks: axe cannot run inside a frame that runs no scripts)
  const qc = page.getByRole('region', { name: 'Quality control' });
  await qc.getByRole('button', { name: 'Show the report' }).click();
  const frame = qc.locator('iframe[title="The server\'s quality control report"]');
  await expect(frame).toHaveAttribute('sandbox', '');
  await expect(frame.contentFrame().getByRole('heading', { name: 'Quality Control Report' })).toBeVisible();
  await expect(frame.contentFrame().locator('script')).toHaveCount(0);
  await expect(qc.getByRole('heading', { name: /^Excluded sites/ })).toBeVisible();

  // one chromosome's files gone: the view opens, says so, and unpacks the zip again
  const folder = (await files.locator('code').first().textContent())!;
  await rm(path.join(folder, 'chr21.info.gz'));
  await rm(path.join(folder, 'chr21.dose.vcf.gz'));
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  await page.getByRole('tab', { name: 'Quality' }).click();
  await quietScreen(page);
  await expect(files.getByRole('status')).toContainText('One chromosome is not ready:');
  await expect(files).toContainText('chr21.info.gz and chr21.dose.vcf.gz are not unpacked yet: extract chr_21.zip.');
  await expect(quality).toContainText('The info files changed since the last summary.');
  await captureChecked(page, 'results-missing.png');
  await files.getByRole('button', { name: 'Unpack 1 zip file' }).click();
  await expect(files.getByRole('row', { name: /chr21/ })).toContainText('Ready');
  await expect(quality.getByRole('img', { name: /^R2 histogram\./ })).toBeVisible({ timeout: 30_000 });
  await context.close();
});
