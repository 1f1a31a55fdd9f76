// Words for transfers of result files: states, bytes of total, credits, the totals line.
// Pure, so the Downloads screen and the job page say the same things (and tests can read them).
import type { DownloadItem, EventPayload } from '../../../../electron/ipc/contract';
import { formatBytes } from '../format';
import { formatRate, formatTimeLeft, percentOf } from '../newjob/upload-format';

export type DownloadState = DownloadItem['state'];
export type DownloadTotals = EventPayload<'downloads:totals'>;
export type DownloadProgress = EventPayload<'downloads:progress'>;

export { formatRate };

export const stateLabels: Record<DownloadState, string> = {
  queued: 'Queued',
  running: 'Downloading',
  paused: 'Paused',
  'needs-confirmation': 'Needs your OK',
  verifying: 'Checking',
  completed: 'Downloaded',
  failed: 'Failed',
  canceled: 'Canceled',
};

export type StateTone = 'live' | 'success' | 'attention' | 'failure' | 'muted';

export function stateTone(state: DownloadState): StateTone {
  switch (state) {
    case 'queued':
    case 'running':
    case 'verifying':
      return 'live';
    case 'completed':
      return 'success';
    case 'paused':
    case 'needs-confirmation':
      return 'attention';
    case 'failed':
      return 'failure';
    default:
      return 'muted';
  }
}

export const isFinished = (state: DownloadState): boolean => state === 'completed' || state === 'failed' || state === 'canceled';

/** The size to measure against: exact once an answer gave it, else the lower bound of the server's label. */
export function expectedBytes(item: Pick<DownloadItem, 'totalBytes' | 'estimatedBytes'>): { bytes: number; exact: boolean } | null {
  if (item.totalBytes !== null) return { bytes: item.totalBytes, exact: true };
  if (item.estimatedBytes !== null) return { bytes: item.estimatedBytes, exact: false };
  return null;
}

/** "1.2 GB of 3.4 GB", "300 KB of about 2 MB", or just "300 KB" when nothing tells the size. */
export function bytesOfTotal(item: Pick<DownloadItem, 'receivedBytes' | 'totalBytes' | 'estimatedBytes' | 'sizeLabel' | 'state'>): string {
  const expected = expectedBytes(item);
  if (item.state === 'completed') return formatBytes(item.receivedBytes || expected?.bytes || 0);
  if (!expected) return item.sizeLabel ? `${formatBytes(item.receivedBytes)} of about ${item.sizeLabel}` : formatBytes(item.receivedBytes);
  return `${formatBytes(item.receivedBytes)} of ${expected.exact ? '' : 'about '}${formatBytes(expected.bytes)}`;
}

/** Whole percent of the known size; null when the size is unknown (the bar is then indeterminate). */
export function percentDone(item: Pick<DownloadItem, 'receivedBytes' | 'totalBytes' | 'estimatedBytes' | 'state'>): number | null {
  if (item.state === 'completed') return 100;
  const expected = expectedBytes(item);
  if (!expected || expected.bytes <= 0) return null;
  // An estimate from the label is a lower bound: never claim 100 % before the end.
  return Math.min(expected.exact ? 100 : 99, percentOf(item.receivedBytes, expected.bytes));
}

/** Credits as the manager counts them: -1 = unlimited. */
export function creditsLeftText(creditsLeft: number): string {
  if (creditsLeft < 0) return 'unlimited downloads';
  if (creditsLeft === 0) return 'no downloads left';
  return `${creditsLeft} download${creditsLeft === 1 ? '' : 's'} left`;
}

/** Every GET spends one credit (docs/server-behaviour.md#downloads-and-credits): two or fewer left deserves a warning. */
export const creditsAreLow = (creditsLeft: number | null): boolean => creditsLeft !== null && creditsLeft >= 0 && creditsLeft <= 2;

export function creditsSpentText(creditsSpent: number): string {
  return `${creditsSpent} credit${creditsSpent === 1 ? '' : 's'} spent`;
}

export function retryLabel(creditsLeft: number): string {
  if (creditsLeft < 0) return 'Retry (spends 1 download credit)';
  return `Retry (spends 1 of ${creditsLeft} credit${creditsLeft === 1 ? '' : 's'} left)`;
}

export function checksumText(checksum: DownloadItem['checksum']): string | null {
  switch (checksum) {
    case 'ok':
      return 'MD5 checksum matches';
    case 'pending':
      return 'MD5 checksum: waiting for the .md5 file';
    case 'mismatch':
      return 'MD5 checksum does not match: the file is damaged';
    default:
      return null;
  }
}

/** "2 retries, 1 credit lost" */
export function retriesText(retries: DownloadItem['retries']): string | null {
  if (retries.length === 0) return null;
  const lost = retries.filter((retry) => retry.creditLost).length;
  const head = `${retries.length} retr${retries.length === 1 ? 'y' : 'ies'}`;
  return lost === 0 ? `${head}, no credit lost` : `${head}, ${lost} credit${lost === 1 ? '' : 's'} lost`;
}

/** "2 running, 3 queued · 1.2 GB of 3.4 GB · 45 MB/s · about 1 min left", or null when nothing is moving. */
export function totalsLine(totals: DownloadTotals | null): string | null {
  if (!totals || (totals.running === 0 && totals.queued === 0)) return null;
  const parts = [`${totals.running} running, ${totals.queued} queued`];
  if (totals.totalBytes > 0) parts.push(`${formatBytes(totals.receivedBytes)} of ${formatBytes(totals.totalBytes)}`);
  if (totals.running > 0 && totals.bytesPerSecond > 0) {
    parts.push(formatRate(totals.bytesPerSecond));
    parts.push(`${formatTimeLeft(totals.etaSeconds)} left`);
  }
  return parts.join(' · ');
}

/** Rate and time left of one running transfer, from its latest progress event. */
export function speedText(progress: Pick<DownloadProgress, 'bytesPerSecond' | 'etaSeconds'> | undefined): string | null {
  if (!progress || progress.bytesPerSecond <= 0) return null;
  const eta = progress.etaSeconds === null ? null : `${formatTimeLeft(progress.etaSeconds)} left`;
  return eta ? `${formatRate(progress.bytesPerSecond)} · ${eta}` : formatRate(progress.bytesPerSecond);
}

export type DownloadAction = 'pause' | 'resume' | 'retry' | 'retry-paid' | 'cancel' | 'remove' | 'show';

/** Failures another try can cure (a break, the disk, a damaged file); not the server's final word
 *  (no credits left, job deleted, results retired) nor a name that cannot be saved. */
const RETRYABLE_FAILURES: ReadonlySet<string> = new Set([
  'interrupted',
  'network',
  'http-error',
  'invalid-response',
  'link-expired',
  'disk-full',
  'io',
  'checksum-mismatch',
]);

/** What the user may do with a transfer in its state. */
export function actionsFor(item: Pick<DownloadItem, 'state' | 'path' | 'error'>): DownloadAction[] {
  const show: DownloadAction[] = item.path ? ['show'] : [];
  switch (item.state) {
    case 'queued':
    case 'running':
      return ['pause', 'cancel'];
    case 'verifying':
      return [];
    case 'paused':
      return ['resume', 'cancel'];
    case 'needs-confirmation':
      return ['retry-paid', 'cancel'];
    case 'completed':
      return [...show, 'remove'];
    case 'failed':
      // "Try again" obeys the credit policy in main: a paid restart may ask first.
      return item.error && RETRYABLE_FAILURES.has(item.error.code) ? ['retry', 'remove'] : ['remove'];
    case 'canceled':
      return ['remove'];
  }
}

/** What the Downloads screen's "Pause all", "Resume all" and "Clear finished" act on. */
export function bulkTargets(items: readonly Pick<DownloadItem, 'id' | 'state'>[]): { pause: string[]; resume: string[]; clear: string[] } {
  const ids = (...states: DownloadItem['state'][]) => items.filter((item) => states.includes(item.state)).map((item) => item.id);
  return { pause: ids('queued', 'running'), resume: ids('paused'), clear: ids('completed', 'canceled') };
}

/** "Resumes where it stopped, without a new credit (until 14:05)" for a break the pre-signed link can still cover. */
export function freeResumeNote(item: Pick<DownloadItem, 'resumeIsFree' | 'resumableUntil' | 'state'>, formatTime: (epochMs: number) => string): string | null {
  if (!item.resumeIsFree || isFinished(item.state)) return null;
  const until = item.resumableUntil === null ? '' : ` until ${formatTime(item.resumableUntil)}`;
  return `Continuing is free${until}: the download link is still valid, no credit is spent.`;
}

/** The results archives the server protects with the job's password (docs/server-behaviour.md). */
export const isResultsZip = (name: string): boolean => /(^|\/)chr_[^/]+\.zip$/.test(name);
