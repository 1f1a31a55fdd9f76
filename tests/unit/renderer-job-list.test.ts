import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../electron/ipc/contract';
import { countByGroup, emptyFilter, filterJobs, jobKey } from '../../renderer/src/lib/jobs/job-filter';
import { jobDisplayName } from '../../electron/shared/html-text';
import { jobParam, parseJobParam } from '../../renderer/src/lib/jobs/job-route';
import { nextIndex, scrollToReveal, virtualWindow } from '../../renderer/src/lib/jobs/virtual-window';

function job(overrides: Partial<JobSummary>): JobSummary {
  return {
    serverId: 's1',
    serverLabel: 'Michigan',
    id: 'job-20250101-000000-000',
    name: 'study',
    application: 'Genotype Imputation 2.0.12',
    state: 4,
    jobsAhead: null,
    submittedOn: 1_000,
    startTime: 2_000,
    endTime: 3_000,
    deletedOn: null,
    clockOffsetMs: 0,
    progress: null,
    ...overrides,
  };
}

const jobs = [
  job({ id: 'job-a', name: 'cohort A', state: 2, submittedOn: 300 }),
  job({ id: 'job-b', name: 'cohort B', state: 9, submittedOn: 100, serverId: 's2', serverLabel: 'TOPMed' }),
  job({ id: 'job-c', name: 'pilot', state: 7, submittedOn: 200 }),
  job({ id: 'job-d', name: 'cohort D', state: -1, submittedOn: 400, serverId: 's2', serverLabel: 'TOPMed' }),
  job({ id: 'job-e', name: 'rerun', state: 8, submittedOn: 50 }),
];

describe('filtering and sorting the jobs list', () => {
  it('sorts newest first by default and oldest first on request', () => {
    expect(filterJobs(jobs, emptyFilter).map((j) => j.id)).toEqual(['job-d', 'job-a', 'job-c', 'job-b', 'job-e']);
    expect(filterJobs(jobs, { ...emptyFilter, sort: 'oldest' }).map((j) => j.id)).toEqual(['job-e', 'job-b', 'job-c', 'job-a', 'job-d']);
  });

  it('matches every typed word against name, id and server, ignoring case', () => {
    expect(filterJobs(jobs, { ...emptyFilter, text: 'COHORT topmed' }).map((j) => j.id)).toEqual(['job-d', 'job-b']);
    expect(filterJobs(jobs, { ...emptyFilter, text: 'job-c' }).map((j) => j.id)).toEqual(['job-c']);
    expect(filterJobs(jobs, { ...emptyFilter, text: '  ' })).toHaveLength(5);
  });

  it('filters by state group (8 is a success, 9 a failure) and by server', () => {
    expect(filterJobs(jobs, { ...emptyFilter, group: 'succeeded' }).map((j) => j.id)).toEqual(['job-e']);
    expect(filterJobs(jobs, { ...emptyFilter, group: 'failed' }).map((j) => j.id)).toEqual(['job-d', 'job-b']);
    expect(filterJobs(jobs, { ...emptyFilter, group: 'live' }).map((j) => j.id)).toEqual(['job-a']);
    expect(filterJobs(jobs, { ...emptyFilter, serverId: 's1' }).map((j) => j.id)).toEqual(['job-a', 'job-c', 'job-e']);
  });

  it('counts each chip for the chosen server and text', () => {
    expect(countByGroup(jobs, emptyFilter)).toEqual({ all: 5, live: 1, succeeded: 1, failed: 2, canceled: 0, retired: 1 });
    expect(countByGroup(jobs, { ...emptyFilter, serverId: 's2', group: 'retired' })).toEqual({
      all: 2,
      live: 0,
      succeeded: 0,
      failed: 2,
      canceled: 0,
      retired: 0,
    });
  });

  it('keys jobs by server, since ids are unique per server only', () => {
    expect(jobKey(jobs[1]!)).toBe('s2/job-b');
  });

  it('filters 2,000 jobs without copying the input', () => {
    const many = Array.from({ length: 2000 }, (_, i) => job({ id: `j${i}`, name: `run-${i}`, submittedOn: i, state: [4, 5, 6, 7, 8, 9, -1][i % 7]! }));
    const before = many.map((j) => j.id);
    const found = filterJobs(many, { ...emptyFilter, text: 'RUN-19', group: 'failed' });
    // "run-19", "run-190".."199", "run-1900".."1999": 111 names, of which the failed ones
    const expected = [19, ...Array.from({ length: 10 }, (_, i) => 190 + i), ...Array.from({ length: 100 }, (_, i) => 1900 + i)].filter(
      (i) => i % 7 === 1 || i % 7 === 5 || i % 7 === 6,
    );
    expect(found.map((j) => j.id)).toEqual(expected.sort((a, b) => b - a).map((i) => `j${i}`));
    expect(many.map((j) => j.id)).toEqual(before);
  });
});

describe('the detail route', () => {
  it('splits "<serverId>/<jobId>" at the last slash and builds it back', () => {
    expect(parseJobParam('abc-123/job-20250101-000000-000')).toEqual({ serverId: 'abc-123', jobId: 'job-20250101-000000-000' });
    expect(jobParam({ serverId: 'abc', jobId: 'job-1' })).toBe('abc/job-1');
    expect(parseJobParam(null)).toBeNull();
    expect(parseJobParam('no-slash')).toBeNull();
    expect(parseJobParam('trailing/')).toBeNull();
  });
});

describe('job names (HTML-escaped by the server, docs/server-behaviour.md#escaped-values)', () => {
  it('shows the characters the user typed, decoded once', () => {
    expect(jobDisplayName('A &amp; B &lt;pilot&gt; &quot;x&quot; &#39;y&#39; &#252; &auml; &#x2603;', 'j')).toBe('A & B <pilot> "x" \'y\' ü ä ☃');
    expect(jobDisplayName('plain', 'j')).toBe('plain');
    expect(jobDisplayName('50 & more', 'j')).toBe('50 & more');
    expect(jobDisplayName('&amp;lt;', 'j')).toBe('&lt;');
    expect(jobDisplayName('  ', 'job-1')).toBe('job-1');
  });
});

describe('the virtual window of the list', () => {
  it('renders only the rows in view plus the overscan', () => {
    expect(virtualWindow(2000, 50, 0, 500, 5)).toEqual({ start: 0, end: 16, offsetTop: 0, totalHeight: 100_000 });
    expect(virtualWindow(2000, 50, 10_000, 500, 5)).toEqual({ start: 195, end: 216, offsetTop: 9_750, totalHeight: 100_000 });
    expect(virtualWindow(2000, 50, 99_500, 500, 5)).toMatchObject({ start: 1985, end: 2000 });
    expect(virtualWindow(0, 50, 0, 500)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });

  it('moves the selection with the arrow, page, home and end keys, within bounds', () => {
    expect(nextIndex('ArrowDown', -1, 10, 5)).toBe(0);
    expect(nextIndex('ArrowDown', 9, 10, 5)).toBe(9);
    expect(nextIndex('ArrowUp', 0, 10, 5)).toBe(0);
    expect(nextIndex('ArrowUp', -1, 10, 5)).toBe(0);
    expect(nextIndex('PageDown', 2, 10, 5)).toBe(6);
    expect(nextIndex('PageUp', 2, 10, 5)).toBe(0);
    expect(nextIndex('End', 2, 10, 5)).toBe(9);
    expect(nextIndex('Home', 7, 10, 5)).toBe(0);
    expect(nextIndex('Enter', 2, 10, 5)).toBeNull();
    expect(nextIndex('ArrowDown', 0, 0, 5)).toBeNull();
  });

  it('scrolls just enough to show the selected row', () => {
    expect(scrollToReveal(3, 50, 0, 500)).toBe(0);
    expect(scrollToReveal(12, 50, 0, 500)).toBe(150);
    expect(scrollToReveal(2, 50, 400, 500)).toBe(100);
  });
});
