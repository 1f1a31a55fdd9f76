import { describe, expect, it } from 'vitest';
import { sizeLabelText } from '../../electron/shared/size-label';
import type { DownloadItem } from '../../electron/ipc/contract';
import {
  actionsFor,
  bulkTargets,
  bytesOfTotal,
  checksumText,
  creditsAreLow,
  creditsLeftText,
  freeResumeNote,
  isResultsZip,
  percentDone,
  retriesText,
  retryLabel,
  speedText,
  totalsLine,
} from '../../renderer/src/lib/downloads/download-format';
import { groupByJob, groupSummary, jobNameFromFolder, latestByName, mergeItems, sumOfLabels } from '../../renderer/src/lib/downloads/download-groups';
import { fileStatus, filesSummary, lowCreditFiles, zipProgress } from '../../renderer/src/lib/downloads/job-file-status';

const MB = 1e6;

function item(over: Partial<DownloadItem> = {}): DownloadItem {
  return {
    id: 'd1',
    serverId: 's1',
    jobId: 'job-1',
    name: 'chr_20.zip',
    sizeLabel: '3 MB',
    destDir: '/home/u/Downloads/App/Lab/job-1-cohort',
    path: '/home/u/Downloads/App/Lab/job-1-cohort/chr_20.zip',
    state: 'running',
    creditsLeft: 9,
    creditsSpent: 1,
    receivedBytes: 0,
    resumedFromBytes: 0,
    totalBytes: null,
    estimatedBytes: null,
    md5Of: null,
    checksum: 'none',
    alreadyComplete: false,
    error: null,
    retries: [],
    notBefore: 0,
    createdAt: 1_000,
    updatedAt: 1_000,
    finishedAt: null,
    resumeIsFree: false,
    resumableUntil: null,
    ...over,
  };
}

describe('one transfer in words', () => {
  it('says bytes of the exact total, of an estimate, or of the server label', () => {
    expect(bytesOfTotal(item({ receivedBytes: 1.5 * MB, totalBytes: 3 * MB }))).toBe('1.5 MB of 3.0 MB');
    expect(bytesOfTotal(item({ receivedBytes: 512 * 1000, estimatedBytes: 3 * MB }))).toBe('512 kB of about 3.0 MB');
    expect(bytesOfTotal(item({ receivedBytes: 10, sizeLabel: '3 MB' }))).toBe('10 bytes of about 3 MB');
    expect(bytesOfTotal(item({ receivedBytes: 10, sizeLabel: null }))).toBe('10 bytes');
    expect(bytesOfTotal(item({ state: 'completed', receivedBytes: 3 * MB, totalBytes: 3 * MB }))).toBe('3.0 MB');
  });

  it('never shows 100 % against an estimate, and none without a size', () => {
    expect(percentDone(item({ receivedBytes: 5 * MB, estimatedBytes: 3 * MB }))).toBe(99);
    expect(percentDone(item({ receivedBytes: 3 * MB, totalBytes: 3 * MB }))).toBe(100);
    expect(percentDone(item({ receivedBytes: MB, totalBytes: 4 * MB }))).toBe(25);
    expect(percentDone(item({ receivedBytes: MB }))).toBeNull();
    expect(percentDone(item({ state: 'completed' }))).toBe(100);
  });

  it('counts credits, warns at two or fewer, and prices a retry', () => {
    expect(creditsLeftText(-1)).toBe('unlimited downloads');
    expect(creditsLeftText(0)).toBe('no downloads left');
    expect(creditsLeftText(1)).toBe('1 download left');
    expect(creditsLeftText(7)).toBe('7 downloads left');
    expect([creditsAreLow(3), creditsAreLow(2), creditsAreLow(0), creditsAreLow(-1), creditsAreLow(null)]).toEqual([false, true, true, false, false]);
    expect(retryLabel(2)).toBe('Retry (spends 1 of 2 credits left)');
    expect(retryLabel(1)).toBe('Retry (spends 1 of 1 credit left)');
  });

  it('notes retries and the credits they lost, and the checksum', () => {
    expect(retriesText([])).toBeNull();
    expect(retriesText([{ at: 1, reason: 'interrupted', creditLost: false }])).toBe('1 retry, no credit lost');
    expect(
      retriesText([
        { at: 1, reason: 'x', creditLost: true },
        { at: 2, reason: 'y', creditLost: true },
      ]),
    ).toBe('2 retries, 2 credits lost');
    expect(checksumText('ok')).toBe('MD5 checksum matches');
    expect(checksumText('mismatch')).toMatch(/does not match/);
    expect(checksumText('none')).toBeNull();
  });

  it('offers the actions that fit the state', () => {
    expect(actionsFor(item({ state: 'running' }))).toEqual(['pause', 'cancel']);
    expect(actionsFor(item({ state: 'paused' }))).toEqual(['resume', 'cancel']);
    expect(actionsFor(item({ state: 'needs-confirmation' }))).toEqual(['retry-paid', 'cancel']);
    expect(actionsFor(item({ state: 'completed' }))).toEqual(['show', 'remove']);
    expect(actionsFor(item({ state: 'completed', path: null }))).toEqual(['remove']);
    expect(actionsFor(item({ state: 'failed' }))).toEqual(['remove']);
    const failure = (code: string) => ({ code, message: 'm' }) as DownloadItem['error'];
    expect(actionsFor(item({ state: 'failed', error: failure('interrupted') }))).toEqual(['retry', 'remove']);
    expect(actionsFor(item({ state: 'failed', error: failure('disk-full') }))).toEqual(['retry', 'remove']);
    expect(actionsFor(item({ state: 'failed', error: failure('credits-exhausted') }))).toEqual(['remove']);
    expect(actionsFor(item({ state: 'failed', error: failure('retired') }))).toEqual(['remove']);
    expect(actionsFor(item({ state: 'failed', error: failure('unsafe-name') }))).toEqual(['remove']);
    expect(actionsFor(item({ state: 'verifying' }))).toEqual([]);
  });

  it('picks what "Pause all", "Resume all" and "Clear finished" act on', () => {
    const states: DownloadItem['state'][] = ['queued', 'running', 'verifying', 'paused', 'needs-confirmation', 'completed', 'failed', 'canceled'];
    const items = states.map((state) => item({ id: state, state }));
    expect(bulkTargets(items)).toEqual({ pause: ['queued', 'running'], resume: ['paused'], clear: ['completed', 'canceled'] });
    expect(bulkTargets([])).toEqual({ pause: [], resume: [], clear: [] });
  });

  it('says when continuing is free, only while the transfer is not over', () => {
    const at = (ms: number) => `t${ms}`;
    expect(freeResumeNote(item({ state: 'paused', resumeIsFree: true, resumableUntil: 5 }), at)).toBe(
      'Continuing is free until t5: the download link is still valid, no credit is spent.',
    );
    expect(freeResumeNote(item({ state: 'completed', resumeIsFree: true }), at)).toBeNull();
    expect(freeResumeNote(item({ state: 'paused', resumeIsFree: false }), at)).toBeNull();
  });

  it('shows rate and time left from a progress event', () => {
    expect(speedText({ bytesPerSecond: 45 * MB, etaSeconds: 70 })).toBe('45.0 MB/s · about 1 min left');
    expect(speedText({ bytesPerSecond: 0, etaSeconds: null })).toBeNull();
    expect(speedText(undefined)).toBeNull();
    expect(speedText({ bytesPerSecond: 20 * 1000, etaSeconds: 5 })).toBe('20.0 kB/s · a few seconds left');
  });

  it('knows the password-protected result archives', () => {
    expect(isResultsZip('chr_20.zip')).toBe(true);
    expect(isResultsZip('local/chr_X.zip')).toBe(true);
    expect(isResultsZip('qc_report.txt')).toBe(false);
    expect(isResultsZip('chr_20.zip.md5')).toBe(false);
  });
});

describe('the totals line', () => {
  it('reads like the issue asks', () => {
    const totals = { running: 2, queued: 3, receivedBytes: 1.2 * 1000 * MB, totalBytes: 3.4 * 1000 * MB, bytesPerSecond: 45 * MB, etaSeconds: 55 };
    expect(totalsLine(totals)).toBe('2 running, 3 queued · 1.2 GB of 3.4 GB · 45.0 MB/s · about 55 s left');
  });

  it('is empty when nothing moves, and leaves out a rate not yet measured', () => {
    expect(totalsLine(null)).toBeNull();
    expect(totalsLine({ running: 0, queued: 0, receivedBytes: 0, totalBytes: 0, bytesPerSecond: 0, etaSeconds: null })).toBeNull();
    expect(totalsLine({ running: 0, queued: 2, receivedBytes: 0, totalBytes: 2 * MB, bytesPerSecond: 0, etaSeconds: null })).toBe(
      '0 running, 2 queued · 0 bytes of 2.0 MB',
    );
  });
});

describe('grouping and merging', () => {
  it('groups by job, live jobs first, files in natural order', () => {
    const items = [
      item({ id: 'a', jobId: 'old', name: 'x', state: 'completed', createdAt: 50 }),
      item({ id: 'b', jobId: 'live', name: 'chr_10.zip', state: 'completed', createdAt: 10 }),
      item({ id: 'c', jobId: 'live', name: 'chr_9.zip', state: 'queued', createdAt: 10 }),
    ];
    const groups = groupByJob(items);
    expect(groups.map((group) => group.jobId)).toEqual(['live', 'old']);
    expect(groups[0]!.items.map((entry) => entry.name)).toEqual(['chr_9.zip', 'chr_10.zip']);
    expect(groupSummary(groups[0]!.items)).toBe('1 of 2 downloaded');
    expect(groupSummary([item({ state: 'failed' }), item({ state: 'needs-confirmation' })])).toBe('0 of 2 downloaded · 1 waiting for your OK · 1 failed');
  });

  it('keeps the newest version of an item and adds new ones', () => {
    const list = [item({ id: 'a', updatedAt: 10, receivedBytes: 5 })];
    expect(mergeItems(list, [item({ id: 'a', updatedAt: 5, receivedBytes: 1 })])[0]!.receivedBytes).toBe(5);
    const merged = mergeItems(list, [item({ id: 'a', updatedAt: 20, receivedBytes: 9 }), item({ id: 'b' })]);
    expect(merged.map((entry) => [entry.id, entry.receivedBytes])).toEqual([
      ['a', 9],
      ['b', 0],
    ]);
  });

  it('finds the newest transfer per file of one job', () => {
    const latest = latestByName(
      [item({ id: 'old', createdAt: 1, state: 'failed' }), item({ id: 'new', createdAt: 2, state: 'completed' }), item({ id: 'other', jobId: 'job-2' })],
      's1',
      'job-1',
    );
    expect([...latest.keys()]).toEqual(['chr_20.zip']);
    expect(latest.get('chr_20.zip')!.id).toBe('new');
  });

  it('reads the job name from its folder', () => {
    expect(jobNameFromFolder('/d/Lab/job-1-cohort F', 'job-1')).toBe('cohort F');
    expect(jobNameFromFolder('C:\\d\\job-1-job-1', 'job-1')).toBeNull();
    expect(jobNameFromFolder('/d/elsewhere', 'job-1')).toBeNull();
  });

  it('adds up size labels', () => {
    // The server's labels are commons-io's, in units of 1024 and rounded down.
    expect(sumOfLabels(['1 MB', null, '2 MB'])).toBe(3 * 1024 ** 2);
    expect(sumOfLabels(['760 bytes', 'huge'])).toBe(760);
    // shown in the app's units, a wide range as a range
    expect(sizeLabelText('124 KB')).toBe('127 kB');
    expect(sizeLabelText('314 MB')).toBe('329 MB');
    expect(sizeLabelText('1 GB')).toBe('1.1–2.1 GB');
    expect(sizeLabelText('760 bytes')).toBe('760 bytes');
    expect(sizeLabelText('odd')).toBe('odd');
    expect(sizeLabelText(null)).toBe('–');
    expect(sumOfLabels([null])).toBeNull();
  });
});

describe('the job page', () => {
  it('says where each file stands', () => {
    expect(fileStatus(undefined)).toEqual({ kind: 'none' });
    expect(fileStatus(item({ state: 'canceled' })).kind).toBe('none');
    expect(fileStatus(item({ state: 'completed' })).kind).toBe('done');
    expect(fileStatus(item({ state: 'running', receivedBytes: MB, totalBytes: 2 * MB }))).toMatchObject({ kind: 'active', label: 'Downloading 50 %' });
    expect(fileStatus(item({ state: 'needs-confirmation' }))).toMatchObject({ kind: 'stuck', label: 'Needs your OK' });
  });

  it('sums the files, warns about few credits, counts the zips on disk', () => {
    const files = [
      { name: 'chr_20.zip', sizeLabel: '2 MB', credits: 2 },
      { name: 'chr_21.zip', sizeLabel: '1 MB', credits: 10 },
      { name: 'qc_report.txt', sizeLabel: null, credits: null },
    ];
    expect(filesSummary(files)).toBe('3 files, about 3.1 MB');
    expect(filesSummary([files[2]!])).toBe('1 file');
    expect(lowCreditFiles(files)).toEqual(['chr_20.zip']);
    const latest = new Map([
      ['chr_20.zip', item({ state: 'completed' })],
      ['chr_21.zip', item({ name: 'chr_21.zip', state: 'running' })],
    ]);
    expect(zipProgress(files, latest)).toEqual({ total: 2, downloaded: 1 });
  });
});
