// The result files of a job: "Download all" never spends credits on zips nobody can open without
// saying so first (the job's password is not on this computer).
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DownloadItem, JobDetail, RequestOf } from '../../electron/ipc/contract';
import JobFiles from '../../renderer/src/components/jobs/JobFiles.svelte';
import { NOT_KEPT } from '../../renderer/src/lib/jobs/password-words';
import { fakeMain } from './support/fake-main';
import { downloadItem } from './support/fixtures';

const JOB = { serverId: 'topmed', jobId: 'job-20261201-110000-123' };
const FILES: JobDetail['files'] = [
  { name: 'chr_20.zip', hash: 'h1', sizeLabel: '1 GB', credits: 50 },
  { name: 'chr_21.zip', hash: 'h2', sizeLabel: '600 MB', credits: 50 },
  { name: 'qc_report.txt', hash: 'h3', sizeLabel: '2 KB', credits: 50 },
  { name: 'statistics/snps-excluded.txt', hash: 'h4', sizeLabel: '80 KB', credits: 50 },
];
const OTHER_NAMES = ['qc_report.txt', 'statistics/snps-excluded.txt'];
const LOST: JobDetail['password'] = { state: 'lost', available: false, delivery: null };
const KEPT: JobDetail['password'] = { state: 'keychain', available: true, delivery: 'summary' };

/** Main's answer: one queued transfer per file asked for (all of them when no names). */
function started(request: RequestOf<'downloads:start'>): { items: DownloadItem[]; waiting: null } {
  const names = request.names ?? FILES.map((file) => file.name);
  return { items: names.map((name, index) => downloadItem({ id: `dl-${index}`, name, state: 'queued' })), waiting: null };
}

function showFiles(password: JobDetail['password']) {
  const main = fakeMain({ 'downloads:start': started });
  render(JobFiles, { props: { files: FILES, ...JOB, latest: new Map(), canDownload: true, password } });
  return { main, user: userEvent.setup() };
}

const warning = () => screen.queryByRole('alertdialog');

describe('Download all without the job password', () => {
  it('warns first and downloads everything only after "Download anyway"', async () => {
    const { main, user } = showFiles(LOST);
    await user.click(screen.getByRole('button', { name: 'Download all' }));

    const dialog = warning()!;
    expect(
      within(dialog).getByText(`${NOT_KEPT}: without it the zip files cannot be opened, and every download spends one of a limited number of credits.`),
    ).toBeTruthy();
    expect(main.requests('downloads:start')).toEqual([]);

    await user.click(within(dialog).getByRole('button', { name: 'Download anyway' }));
    expect(main.requests('downloads:start')).toEqual([JOB]);
    expect(warning()).toBeNull();
    expect(screen.getByRole('status').textContent).toMatch(/Downloading 4 files to\s*\/home\/ada\/Imputation results\/TOPMed\/job-20261201-110000-123/);
  });

  it('"Only the other files" asks for the files that are not password-protected zips', async () => {
    const { main, user } = showFiles(LOST);
    await user.click(screen.getByRole('button', { name: 'Download all' }));
    await user.click(within(warning()!).getByRole('button', { name: 'Only the other files' }));
    expect(main.requests('downloads:start')).toEqual([{ ...JOB, names: OTHER_NAMES }]);
    expect(screen.getByRole('status').textContent).toMatch(/Downloading 2 files to/);
  });

  it('"Cancel" asks for nothing', async () => {
    const { main, user } = showFiles(LOST);
    await user.click(screen.getByRole('button', { name: 'Download all' }));
    await user.click(within(warning()!).getByRole('button', { name: 'Cancel' }));
    expect(warning()).toBeNull();
    expect(main.requests('downloads:start')).toEqual([]);
  });

  it('warns for one zip chosen by itself, and not for files that are no zip', async () => {
    const { main, user } = showFiles(LOST);
    await user.click(screen.getByRole('button', { name: 'Download qc_report.txt' }));
    expect(warning()).toBeNull();
    expect(main.requests('downloads:start')).toEqual([{ ...JOB, names: ['qc_report.txt'] }]);

    await user.click(screen.getByRole('button', { name: 'Download chr_21.zip' }));
    expect(warning()).not.toBeNull();
    await user.click(within(warning()!).getByRole('button', { name: 'Download anyway' }));
    expect(main.requests('downloads:start')).toEqual([
      { ...JOB, names: ['qc_report.txt'] },
      { ...JOB, names: ['chr_21.zip'] },
    ]);
  });
});

it('with the password on this computer, "Download all" starts at once', async () => {
  const { main, user } = showFiles(KEPT);
  await user.click(screen.getByRole('button', { name: 'Download all' }));
  expect(warning()).toBeNull();
  expect(main.requests('downloads:start')).toEqual([JOB]);
});
