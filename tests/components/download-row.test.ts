// One transfer on the Downloads screen, in each of its states: what it says and what its buttons
// ask of main. Credits are real money here: a paid restart is asked for, never started by a click.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppError, type DownloadItem } from '../../electron/ipc/contract';
import { downloadMessage } from '../../electron/services/downloads/errors';
import DownloadRow from '../../renderer/src/components/downloads/DownloadRow.svelte';
import type { DownloadProgress } from '../../renderer/src/lib/downloads/download-format';
import { fakeMain } from './support/fake-main';
import { NOW, downloadItem } from './support/fixtures';

const ok = () => ({ ok: true });

function showRow(item: DownloadItem, progress?: DownloadProgress) {
  const main = fakeMain({
    'downloads:pause': ok,
    'downloads:resume': ok,
    'downloads:cancel': ok,
    'downloads:remove': ok,
    'downloads:showInFolder': () => ({ shown: true }),
  });
  const list = document.body.appendChild(document.createElement('ul'));
  render(DownloadRow, { target: list, props: { item, progress } });
  const row = screen.getByRole('listitem', { name: item.name });
  return { main, row, user: userEvent.setup() };
}

/** The row's buttons by their visible words, in order. */
const buttonWords = (row: HTMLElement) =>
  within(row)
    .queryAllByRole('button')
    .map((button) => button.textContent!.trim());
const bar = (row: HTMLElement) => within(row).queryByRole('progressbar');

describe('download row', () => {
  it('queued: an empty bar, pause and cancel, no rate', async () => {
    const { main, row, user } = showRow(downloadItem({ state: 'queued' }));
    expect(within(row).getByText('Queued')).toBeTruthy();
    expect(bar(row)!.getAttribute('aria-valuenow')).toBe('0');
    expect(within(row).queryByLabelText('Rate and time left')).toBeNull();
    expect(buttonWords(row)).toEqual(['Pause', 'Cancel']);

    await user.click(within(row).getByRole('button', { name: 'Cancel chr_20.zip' }));
    expect(main.requests('downloads:cancel')).toEqual([{ id: 'dl-1' }]);
  });

  it('running: the bar at the share received, the bytes, the rate and the time left', async () => {
    const item = downloadItem({ state: 'running', receivedBytes: 40_000_000 });
    const { main, row, user } = showRow(item, {
      id: 'dl-1',
      receivedBytes: 40_000_000,
      totalBytes: 100_000_000,
      estimatedBytes: null,
      bytesPerSecond: 5_000_000,
      etaSeconds: 120,
    });
    expect(within(row).getByText('Downloading')).toBeTruthy();
    expect(bar(row)!.getAttribute('aria-valuenow')).toBe('40');
    expect(within(row).getByText('40.0 MB of 100 MB')).toBeTruthy();
    expect(within(row).getByLabelText('Rate and time left').textContent).toBe('5.00 MB/s · about 2 min left');
    expect(within(row).getByText('49 downloads left')).toBeTruthy();
    expect(buttonWords(row)).toEqual(['Pause', 'Cancel']);

    await user.click(within(row).getByRole('button', { name: 'Pause chr_20.zip' }));
    expect(main.requests('downloads:pause')).toEqual([{ id: 'dl-1' }]);
  });

  it('running before the first progress event: no rate yet, and a bar that does not claim a share it does not know', () => {
    const { row } = showRow(downloadItem({ state: 'running', totalBytes: null, sizeLabel: null }));
    expect(bar(row)!.hasAttribute('aria-valuenow')).toBe(false);
    expect(within(row).queryByLabelText('Rate and time left')).toBeNull();
  });

  it('paused while the link is still valid: "Resume (free)" and why it costs nothing', async () => {
    const until = NOW + 40 * 60_000;
    const { main, row, user } = showRow(downloadItem({ state: 'paused', receivedBytes: 30_000_000, resumeIsFree: true, resumableUntil: until }));
    expect(within(row).getByText('Paused')).toBeTruthy();
    expect(buttonWords(row)).toEqual(['Resume (free)', 'Cancel']);
    expect(within(row).getByText(/^Continuing is free until .+: the download link is still valid, no credit is spent\.$/)).toBeTruthy();

    await user.click(within(row).getByRole('button', { name: 'Resume (free) chr_20.zip' }));
    expect(main.requests('downloads:resume')).toEqual([{ id: 'dl-1' }]);
  });

  it('paused after the link expired: a plain "Resume" and no promise that it is free', async () => {
    const { main, row, user } = showRow(downloadItem({ state: 'paused', receivedBytes: 30_000_000, resumeIsFree: false }));
    expect(buttonWords(row)).toEqual(['Resume', 'Cancel']);
    expect(within(row).queryByText(/free/)).toBeNull();

    // Main applies the credit policy (it may come back as needs-confirmation): no credit is confirmed here.
    await user.click(within(row).getByRole('button', { name: 'Resume chr_20.zip' }));
    expect(main.requests('downloads:resume')).toEqual([{ id: 'dl-1' }]);
  });

  describe('needs confirmation (a restart spends a credit)', () => {
    const item = downloadItem({
      state: 'needs-confirmation',
      creditsLeft: 3,
      receivedBytes: 0,
      retries: [{ at: NOW - 60_000, reason: 'the connection broke after 62 MB', creditLost: true }],
    });

    it('says what broke and what a restart costs, and asks before spending', async () => {
      const { main, row, user } = showRow(item);
      expect(within(row).getByText('Needs your OK')).toBeTruthy();
      const ask = within(row).getByRole('alert');
      expect(ask.textContent!.replace(/\s+/g, ' ').trim()).toBe(
        "The transfer broke (the connection broke after 62 MB). Starting again spends one of this file's download credits; 3 downloads left. The last try already cost a credit without delivering the file.",
      );
      expect(buttonWords(row)).toEqual(['Retry (spends 1 of 3 credits left)', 'Cancel']);

      await user.click(within(row).getByRole('button', { name: 'Retry (spends 1 of 3 credits left)' }));
      expect(main.requests('downloads:resume')).toEqual([]);
      expect(within(row).getByText('Spend 1 credit on chr_20.zip?')).toBeTruthy();

      await user.click(within(row).getByRole('button', { name: 'Spend a credit and retry' }));
      expect(main.requests('downloads:resume')).toEqual([{ id: 'dl-1', spendCredit: true }]);
    });

    it('"Not now" spends nothing', async () => {
      const { main, row, user } = showRow(item);
      await user.click(within(row).getByRole('button', { name: 'Retry (spends 1 of 3 credits left)' }));
      await user.click(within(row).getByRole('button', { name: 'Not now' }));
      expect(within(row).queryByRole('button', { name: 'Spend a credit and retry' })).toBeNull();
      expect(buttonWords(row)).toEqual(['Retry (spends 1 of 3 credits left)', 'Cancel']);
      expect(main.requests('downloads:resume')).toEqual([]);
    });

    it('says so when main refuses the retry', async () => {
      const { main, row, user } = showRow(item);
      main.answer('downloads:resume', () => {
        throw new AppError('unavailable', 'The download list could not be saved.');
      });
      await user.click(within(row).getByRole('button', { name: 'Retry (spends 1 of 3 credits left)' }));
      await user.click(within(row).getByRole('button', { name: 'Spend a credit and retry' }));
      expect(within(row).getByText('The download list could not be saved.')).toBeTruthy();
    });
  });

  it('failed with an error another try can cure: the reason and "Try again"', async () => {
    const error = { code: 'interrupted', message: downloadMessage('interrupted', undefined, 'after 62 MB of 100 MB') };
    const { main, row, user } = showRow(downloadItem({ state: 'failed', error, receivedBytes: 62_000_000 }));
    expect(within(row).getByText('Failed')).toBeTruthy();
    expect(within(row).getByRole('alert').textContent).toBe(error.message);
    expect(buttonWords(row)).toEqual(['Try again', 'Remove']);

    await user.click(within(row).getByRole('button', { name: 'Try again chr_20.zip' }));
    expect(main.requests('downloads:resume')).toEqual([{ id: 'dl-1' }]);
  });

  it.each(['credits-exhausted', 'retired', 'not-found', 'unsafe-name'] as const)('failed for good (%s): the reason, and no "Try again"', (code) => {
    const error = { code, message: downloadMessage(code) };
    const { row } = showRow(downloadItem({ state: 'failed', error, creditsLeft: code === 'credits-exhausted' ? 0 : 49 }));
    expect(within(row).getByRole('alert').textContent).toBe(error.message);
    expect(buttonWords(row)).toEqual(['Remove']);
  });

  it('completed: the size, no bar, "Show in folder" and "Remove"', async () => {
    const item = downloadItem({ state: 'completed', receivedBytes: 100_000_000, checksum: 'ok', finishedAt: NOW });
    const { main, row, user } = showRow(item);
    expect(within(row).getByText('Downloaded')).toBeTruthy();
    expect(bar(row)).toBeNull();
    expect(within(row).getByText('100 MB')).toBeTruthy();
    expect(within(row).getByText('MD5 checksum matches')).toBeTruthy();
    expect(buttonWords(row)).toEqual(['Show in folder', 'Remove']);

    await user.click(within(row).getByRole('button', { name: 'Show in folder: chr_20.zip' }));
    expect(main.requests('downloads:showInFolder')).toEqual([{ id: 'dl-1' }]);
    await user.click(within(row).getByRole('button', { name: 'Remove chr_20.zip from the list' }));
    expect(main.requests('downloads:remove')).toEqual([{ id: 'dl-1' }]);
  });

  it('completed under a name that could not be saved: nothing to show in a folder', () => {
    const { row } = showRow(downloadItem({ state: 'completed', path: null, receivedBytes: 100_000_000 }));
    expect(buttonWords(row)).toEqual(['Remove']);
  });
});
