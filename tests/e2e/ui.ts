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
