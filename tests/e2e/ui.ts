// Steps several end-to-end specs take through the UI.
import { expect, type Page } from '@playwright/test';

/** Fills and sends the "Another Cloudgene 3 server" form on the Servers screen (the screen must be open). */
export async function submitServerForm(page: Page, url: string, token: string, label: string): Promise<void> {
  await page.getByLabel('Another Cloudgene 3 server').check();
  await page.getByLabel('Server address').fill(url);
  await page.getByLabel(/Name in this app/).fill(label);
  await page.getByLabel('API token', { exact: true }).fill(token);
  await page.getByRole('button', { name: 'Add server' }).click();
}

/** Adds a server from the Servers screen and waits until it is signed in and shown. */
export async function addServer(page: Page, appUrl: string, url: string, token: string, label: string): Promise<void> {
  await page.goto(`${appUrl.replace(/#.*$/, '')}#/servers`);
  await submitServerForm(page, url, token, label);
  await expect(page.getByRole('article', { name: label }).getByText('Signed in', { exact: true })).toBeVisible();
  // The screen moves to the new card once the add call returns: wait for it, or it races the next goto.
  await expect(page).toHaveURL(/#\/servers\/[\w-]+$/);
}

/** Submits the chosen files for imputation straight away: "Check against the panel first" is on by default for files new to a server. */
export async function skipPanelCheck(page: Page): Promise<void> {
  const check = page.getByRole('checkbox', { name: 'Check against the panel first' });
  // it is decided (and enabled) once the app knows whether these files were sent to this server before
  await expect(check).toBeEnabled({ timeout: 20_000 });
  await check.uncheck();
}

/** Submits one file through the New job screen (in-app file browser) and waits for the job's page; answers its id. */
export async function submitThroughForm(page: Page, appUrl: string, folder: string, file: string, jobName: string): Promise<string> {
  await page.goto(`${appUrl.replace(/#.*$/, '')}#/new`);
  await expect(page.getByLabel('Reference Panel')).toBeEnabled();
  await page.getByRole('button', { name: 'Choose files…' }).click();
  const browser = page.getByRole('dialog', { name: 'Choose files' });
  await expect(browser.getByRole('textbox', { name: 'Folder' })).not.toHaveValue('');
  await browser.getByRole('textbox', { name: 'Folder' }).fill(folder);
  await browser.getByRole('button', { name: 'Go' }).click();
  await browser.getByRole('checkbox', { name: new RegExp(`^${file.replace(/\./g, '\\.')}`) }).check();
  await browser.getByRole('button', { name: /^Add \d+ files?$/ }).click();
  await skipPanelCheck(page);
  await page.getByLabel('I will not attempt to re-identify or contact research participants.').check();
  await page.getByRole('checkbox', { name: /^I will report any inadvertent data release/ }).check();
  await page.getByLabel('Job name').fill(jobName);
  await expect(page.getByRole('button', { name: /^Start Imputation$/ })).toBeEnabled({ timeout: 20_000 });
  await page.getByRole('button', { name: /^Start Imputation$/ }).click();
  await expect(page).toHaveURL(/#\/jobs\/[^/]+\/job-[\w-]+$/, { timeout: 30_000 });
  return decodeURIComponent(page.url().split('/').pop()!);
}
