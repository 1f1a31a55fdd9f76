// The jobs list: state chips, text and server narrow the rows; the chips count what the text and
// server leave; arrow keys move the selection; a server whose list cannot be read says why while
// its jobs stay listed as last seen.
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobSummary } from '../../electron/ipc/contract';
import JobListView from '../../renderer/src/components/jobs/JobListView.svelte';
import { emptyFilter } from '../../renderer/src/lib/jobs/job-filter';
import { jobsStore } from '../../renderer/src/lib/jobs/jobs-store.svelte';
import { fakeMain, type FakeMain } from './support/fake-main';
import { NOW, jobSummary, serverView } from './support/fixtures';
import { settle } from './support/settle';

const MINUTE = 60_000;
const michigan = { serverId: 'michigan', serverLabel: 'Michigan' };
const servers = [serverView(), serverView({ id: 'michigan', kind: 'michigan', label: 'Michigan', url: 'https://imputationserver.sph.umich.edu' })];

// Newest first: the order the list shows by default.
const JOBS: JobSummary[] = [
  jobSummary({ id: 'job-20261201-115500-001', name: 'pilot run', state: 1, submittedOn: NOW - 5 * MINUTE }),
  jobSummary({ id: 'job-20261201-115000-002', name: 'chr20 cohort', state: 2, submittedOn: NOW - 10 * MINUTE }),
  jobSummary({ id: 'job-20261201-110000-003', name: 'batch A', state: 4, submittedOn: NOW - 60 * MINUTE }),
  jobSummary({ id: 'job-20261201-100000-004', name: 'batch B', state: 5, submittedOn: NOW - 120 * MINUTE }),
  jobSummary({ ...michigan, id: 'job-20261130-120000-005', name: 'batch A again', state: 4, submittedOn: NOW - 24 * 60 * MINUTE }),
  jobSummary({ ...michigan, id: 'job-20261129-120000-006', name: 'old study', state: 7, submittedOn: NOW - 48 * 60 * MINUTE }),
  jobSummary({ ...michigan, id: 'job-20261128-120000-007', name: 'wrong build', state: 6, submittedOn: NOW - 72 * 60 * MINUTE }),
  jobSummary({ ...michigan, id: 'job-20261127-120000-008', name: 'power cut', state: -1, submittedOn: NOW - 96 * 60 * MINUTE }),
];
const key = (job: JobSummary) => `${job.serverId}/${job.id}`;
const keysOf = (...names: string[]) => names.map((name) => key(JOBS.find((job) => job.name === name)!));

/** The rows on screen, as job keys, top to bottom. */
const rowsOf = (options: { selected?: boolean } = {}) => {
  const list = screen.queryByRole('listbox');
  return list
    ? within(list)
        .queryAllByRole('option', options)
        .map((row) => row.getAttribute('data-key'))
    : [];
};
const shownRows = () => rowsOf();
const chip = (label: string) => within(screen.getByRole('group', { name: 'Show jobs by state' })).getByRole('button', { name: new RegExp(`^${label} \\d+$`) });
/** "All 8", "Live 2", …: each chip's label and count. */
const chipTexts = () =>
  within(screen.getByRole('group', { name: 'Show jobs by state' }))
    .getAllByRole('button')
    .map((button) => button.textContent!.replace(/\s+/g, ' ').trim());

// The store lives as long as the app; each test starts it afresh.
function resetJobsStore(): void {
  jobsStore.jobs = [];
  jobsStore.problems = [];
  jobsStore.loaded = false;
  jobsStore.error = null;
  jobsStore.filter = { ...emptyFilter };
  jobsStore.selectedKey = null;
  jobsStore.scrollTop = 0;
}

let main: FakeMain;

async function showList(list: { jobs: JobSummary[]; problems?: Array<{ serverId: string; serverLabel: string; message: string }> }): Promise<void> {
  main = fakeMain({ 'jobs:list': () => ({ jobs: list.jobs, problems: list.problems ?? [] }) });
  await jobsStore.load(true);
  render(JobListView, { props: { servers } });
  await tick();
}

beforeEach(resetJobsStore);
afterEach(resetJobsStore);

describe('filters', () => {
  it('shows every job with the count of each state group', async () => {
    await showList({ jobs: JOBS });
    expect(shownRows()).toEqual(JOBS.map(key));
    expect(chipTexts()).toEqual(['All 8', 'Live 2', 'Succeeded 2', 'Failed 2', 'Canceled 1', 'Retired 1']);
    expect(screen.getByText(/^\s*8 jobs/)).toBeTruthy();
    expect(main.requests('jobs:list')).toEqual([{ refresh: true }]);
  });

  it('a state chip narrows the rows to its group and leaves the counts', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS });

    await user.click(chip('Live'));
    expect(shownRows()).toEqual(keysOf('pilot run', 'chr20 cohort'));
    expect(chip('Live').getAttribute('aria-pressed')).toBe('true');
    expect(chip('All').getAttribute('aria-pressed')).toBe('false');
    expect(chipTexts()).toEqual(['All 8', 'Live 2', 'Succeeded 2', 'Failed 2', 'Canceled 1', 'Retired 1']);

    // Interrupted jobs (-1) did not finish: they sit with the failures.
    await user.click(chip('Failed'));
    expect(shownRows()).toEqual(keysOf('batch B', 'power cut'));
    expect(screen.getByText(/2 of 8 jobs/)).toBeTruthy();

    await user.click(chip('All'));
    expect(shownRows()).toEqual(JOBS.map(key));
  });

  it('typed words narrow the rows by name, id or server, and the chips count what is left', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS });
    const search = screen.getByRole('searchbox', { name: 'Filter jobs by name, id or server' });

    await user.type(search, 'batch');
    expect(shownRows()).toEqual(keysOf('batch A', 'batch B', 'batch A again'));
    expect(chipTexts()).toEqual(['All 3', 'Live 0', 'Succeeded 2', 'Failed 1', 'Canceled 0', 'Retired 0']);

    // Every word must match somewhere: "batch" in the name, "michigan" in the server.
    await user.type(search, ' michigan');
    expect(shownRows()).toEqual(keysOf('batch A again'));

    await user.clear(search);
    await user.type(search, '115000');
    expect(shownRows()).toEqual(keysOf('chr20 cohort'));

    // Escape empties the box.
    await user.keyboard('{Escape}');
    expect(shownRows()).toEqual(JOBS.map(key));
  });

  it('the server choice narrows the rows and the counts to that server', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS });

    await user.selectOptions(screen.getByRole('combobox', { name: 'Server' }), 'Michigan');
    expect(shownRows()).toEqual(keysOf('batch A again', 'old study', 'wrong build', 'power cut'));
    expect(chipTexts()).toEqual(['All 4', 'Live 0', 'Succeeded 1', 'Failed 1', 'Canceled 1', 'Retired 1']);

    // With the Live chip too nothing is left; one button shows everything again.
    await user.click(chip('Live'));
    expect(shownRows()).toEqual([]);
    expect(screen.getByText('No job matches these filters.')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Show all jobs' }));
    expect(shownRows()).toEqual(JOBS.map(key));
    expect((screen.getByRole('combobox', { name: 'Server' }) as HTMLSelectElement).value).toBe('all');
  });

  it('"/" puts the cursor in the filter box', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS });
    await user.keyboard('/');
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: 'Filter jobs by name, id or server' }));
  });
});

describe('keyboard selection', () => {
  const selected = () => rowsOf({ selected: true });

  it('arrow keys, Home and End move the selection; Enter opens the selected job', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS });
    const list = screen.getByRole('listbox');
    list.focus();

    await user.keyboard('{ArrowDown}');
    expect(selected()).toEqual([key(JOBS[0]!)]);
    expect(list.getAttribute('aria-activedescendant')).toBe('job-option-0');

    await user.keyboard('{ArrowDown}{ArrowDown}');
    expect(selected()).toEqual([key(JOBS[2]!)]);
    expect(list.getAttribute('aria-activedescendant')).toBe('job-option-2');

    await user.keyboard('{ArrowUp}');
    expect(selected()).toEqual([key(JOBS[1]!)]);

    await user.keyboard('{End}');
    expect(selected()).toEqual([key(JOBS[7]!)]);
    await user.keyboard('{ArrowDown}');
    expect(selected()).toEqual([key(JOBS[7]!)]);
    await user.keyboard('{Home}');
    expect(selected()).toEqual([key(JOBS[0]!)]);

    await user.keyboard('{ArrowDown}{Enter}');
    expect(window.location.hash).toBe(`#/jobs/topmed/${JOBS[1]!.id}`);
  });

  it('moves through the filtered rows only', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS });
    await user.click(chip('Succeeded'));
    screen.getByRole('listbox').focus();

    await user.keyboard('{ArrowDown}');
    expect(selected()).toEqual(keysOf('batch A'));
    await user.keyboard('{ArrowDown}');
    expect(selected()).toEqual(keysOf('batch A again'));
    await user.keyboard('{ArrowDown}');
    expect(selected()).toEqual(keysOf('batch A again'));
  });
});

describe('a server whose list cannot be read', () => {
  const reason = 'Your token for Michigan has expired or was replaced; paste a new one on the Servers screen. Its jobs are shown as they were last seen.';

  it('says why, per server, and keeps its jobs listed as last seen', async () => {
    const user = userEvent.setup();
    await showList({ jobs: JOBS, problems: [{ ...michigan, message: reason }] });

    const banner = screen.getByRole('status');
    expect(banner.textContent!.replace(/\s+/g, ' ').trim()).toBe(`Michigan: the job list could not be read. ${reason} Check the server`);
    expect(shownRows()).toEqual(JOBS.map(key));
    expect(chipTexts()[0]).toBe('All 8');

    await user.click(within(banner).getByRole('button', { name: 'Check the server' }));
    expect(window.location.hash).toBe('#/servers/michigan');
  });

  it('drops the note once the list is read again without a problem', async () => {
    await showList({ jobs: JOBS, problems: [{ ...michigan, message: reason }] });
    const detach = jobsStore.attach();
    try {
      expect(screen.getByText(reason, { exact: false })).toBeTruthy();
      main.answer('jobs:list', () => ({ jobs: JOBS, problems: [] }));
      main.emit('jobs:listChanged', { serverId: 'michigan' });
      await settle();
      expect(screen.queryByText(reason, { exact: false })).toBeNull();
      expect(main.requests('jobs:list')).toEqual([{ refresh: true }, { refresh: false }]);
    } finally {
      detach();
    }
  });
});
