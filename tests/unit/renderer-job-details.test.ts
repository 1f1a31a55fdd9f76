import { describe, expect, it } from 'vitest';
import { fractionOf, parseProgress, prepareMessage, stepTone, toneOf } from '../../renderer/src/lib/jobs/job-message';
import {
  countdownText,
  deadlineIsNear,
  formatDuration,
  formatRunningTime,
  queueText,
  resultsDeadline,
  runningTimeMs,
  RESULTS_KEPT_MS,
} from '../../renderer/src/lib/jobs/job-times';
import { linkTarget } from '../../renderer/src/lib/jobs/link-target';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('running time', () => {
  it('counts a live job against the server clock', () => {
    // our clock says 10:00, the server is 2 minutes ahead, the job started at 9:50 server time
    const now = 10 * HOUR;
    expect(runningTimeMs({ state: 2, startTime: now + 2 * MIN - 12 * MIN, endTime: 0, clockOffsetMs: 2 * MIN }, now)).toBe(12 * MIN);
  });

  it('uses end minus start once the job is over, and nothing when it never started', () => {
    expect(runningTimeMs({ state: 5, startTime: 1_000, endTime: 1_000 + 3 * HOUR, clockOffsetMs: 99 }, 0)).toBe(3 * HOUR);
    expect(runningTimeMs({ state: 1, startTime: 0, endTime: 0, clockOffsetMs: 0 }, 5_000)).toBeNull();
    expect(runningTimeMs({ state: -1, startTime: 1_000, endTime: 0, clockOffsetMs: 0 }, 5_000)).toBeNull();
  });

  it('reads like people say it', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * MIN + 30_000)).toBe('12 min');
    expect(formatDuration(3 * HOUR + 5 * MIN)).toBe('3 h 05 min');
    expect(formatDuration(2 * DAY + 4 * HOUR + 3 * MIN)).toBe('2 d 4 h');
    expect(formatDuration(3 * DAY)).toBe('3 d');
  });

  it('does not show seconds for a live job, which would go stale between the minute ticks', () => {
    expect(formatRunningTime(20_000, true)).toBe('< 1 min');
    expect(formatRunningTime(20_000, false)).toBe('20 s');
    expect(formatRunningTime(5 * MIN, true)).toBe('5 min');
  });
});

describe('queue position (docs/server-behaviour.md#queue-position: 0-based = jobs ahead)', () => {
  it('shows jobs ahead', () => {
    expect(queueText(3)).toBe('3 jobs ahead');
    expect(queueText(1)).toBe('1 job ahead');
    expect(queueText(0)).toBe('Next in the queue');
    expect(queueText(null)).toBeNull();
  });
});

describe('results deadline', () => {
  it('is 7 days after the end for a success, the retirement date for 8 and 9, none otherwise', () => {
    expect(RESULTS_KEPT_MS).toBe(7 * DAY);
    expect(resultsDeadline({ state: 4, endTime: 1_000, deletedOn: null })).toBe(1_000 + 7 * DAY);
    expect(resultsDeadline({ state: 8, endTime: 1_000, deletedOn: 5 * DAY })).toBe(5 * DAY);
    expect(resultsDeadline({ state: 9, endTime: 1_000, deletedOn: 6 * DAY })).toBe(6 * DAY);
    expect(resultsDeadline({ state: 7, endTime: 1_000, deletedOn: 6 * DAY })).toBeNull();
    expect(resultsDeadline({ state: 2, endTime: 0, deletedOn: null })).toBeNull();
    expect(resultsDeadline({ state: 4, endTime: 0, deletedOn: null })).toBeNull();
  });

  it('counts down coarsely and stops when it has passed', () => {
    expect(countdownText(10 * DAY + 5 * HOUR, 5 * DAY)).toBe('in 5 days');
    expect(countdownText(30 * HOUR, 0)).toBe('in 30 hours');
    expect(countdownText(20 * MIN, 0)).toBe('in 20 min');
    expect(countdownText(0, 1)).toBeNull();
    expect(deadlineIsNear(47 * HOUR, 0)).toBe(true);
    expect(deadlineIsNear(49 * HOUR, 0)).toBe(false);
  });
});

describe('step messages (docs/server-behaviour.md#steps-and-messages)', () => {
  const bar =
    '<b>Phasing with Eagle (1/4)</b><br><div class="progress" style="width: 100%; margin-top: 15px;">\t<div class="progress-bar bg-success" style="width: 25.0%;"></div>\t<div class="progress-bar bg-primary" style="width: 0.0%;"></div>\t<div class="progress-bar bg-light" style="width: 75.0%;"></div></div>';

  it('turns the progress-bar template into numbers and drops its HTML', () => {
    const message = prepareMessage({ type: 3, html: bar });
    expect(message).toEqual({ tone: 'running', kind: 'progress', progress: { label: 'Phasing with Eagle', done: 1, total: 4 }, html: '', password: null });
    expect(parseProgress('<b>Imputation (152/154)</b>')).toEqual({ label: 'Imputation', done: 152, total: 154 });
    expect(parseProgress('Processing data...')).toBeNull();
  });

  it('keeps line breaks and recognises the validation summary and the QC statistics', () => {
    const summary = prepareMessage({ type: 0, html: '1 valid VCF file(s) found.\nSamples: 51\nBuild: hg19' });
    expect(summary).toMatchObject({ kind: 'summary', tone: 'ok', html: '1 valid VCF file(s) found.<br>Samples: 51<br>Build: hg19' });
    expect(prepareMessage({ type: 0, html: '<b>Statistics:</b>\nMatch: 7,690' }).kind).toBe('statistics');
    expect(prepareMessage({ type: 2, html: 'Uploaded data is hg19 and reference is hg38.' })).toMatchObject({ kind: 'text', tone: 'warning' });
  });

  it('splits out a password that holds < and > as the server writes it, unescaped', () => {
    const message = prepareMessage({ type: 0, html: 'We encrypted the results with the following password: <b>yaisNn1UVP<0C;</b>' });
    expect(message.kind).toBe('password');
    expect(message.password).toEqual({ before: 'We encrypted the results with the following password: ', value: 'yaisNn1UVP<0C;', after: '' });
  });

  it('splits out the results password so the page can hide it', () => {
    const message = prepareMessage({
      type: 0,
      html: 'Data have been exported successfully. We encrypted the results with the following password: <b>tMFk&amp;p{x6</b>',
    });
    expect(message.kind).toBe('password');
    expect(message.password).toEqual({
      before: 'Data have been exported successfully. We encrypted the results with the following password: ',
      value: 'tMFk&amp;p{x6',
      after: '',
    });
    expect(prepareMessage({ type: 0, html: 'We have sent a notification email to <b>a@b.org</b>' }).password).toBeNull();
  });

  it('drops the leading break of the allele-switch error', () => {
    expect(prepareMessage({ type: 1, html: '<br><b>Error:</b> More than 10 allele switches.\n' }).html).toBe('<b>Error:</b> More than 10 allele switches.');
  });

  it('maps message types to tones and a step to its worst message', () => {
    expect([0, 1, 2, 3, 7].map(toneOf)).toEqual(['ok', 'error', 'warning', 'running', 'ok']);
    expect(stepTone([])).toBe('pending');
    expect(stepTone([{ type: 0 }, { type: 2 }])).toBe('warning');
    expect(stepTone([{ type: 0 }, { type: 3 }, { type: 2 }])).toBe('running');
    expect(stepTone([{ type: 3 }, { type: 1 }])).toBe('error');
  });

  it('gives a fraction in 0..1, also for a total of 0', () => {
    expect(fractionOf({ done: 1, total: 4 })).toBe(0.25);
    expect(fractionOf({ done: 3, total: 0 })).toBe(0);
    expect(fractionOf({ done: 9, total: 4 })).toBe(1);
  });
});

describe('links in server messages', () => {
  it('resolves relative links against the server and keeps only https', () => {
    expect(linkTarget('/start.html#!pages/help', 'https://imputationserver.sph.umich.edu')).toBe(
      'https://imputationserver.sph.umich.edu/start.html#!pages/help',
    );
    expect(linkTarget('https://genepi.github.io/x', 'http://127.0.0.1:3000')).toBe('https://genepi.github.io/x');
    expect(linkTarget('/help', 'http://127.0.0.1:3000')).toBeNull();
    expect(linkTarget('javascript:alert(1)', 'https://a.example')).toBeNull();
  });
});
