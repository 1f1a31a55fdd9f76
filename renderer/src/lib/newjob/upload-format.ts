// Words and numbers for upload and check progress: rate, time left as "about 4 min".
import { formatBytes } from '../format';

export { formatRate } from '../../../../electron/shared/format-bytes';

export function formatTimeLeft(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return 'estimating…';
  if (seconds < 10) return 'a few seconds';
  if (seconds < 60) return `about ${Math.max(10, Math.round(seconds / 5) * 5)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `about ${hours} h` : `about ${hours} h ${rest} min`;
}

/** Whole percent, never 100 before the last byte (a stalled upload must not look finished). */
export function percentOf(done: number, total: number): number {
  if (total <= 0) return 0;
  if (done >= total) return 100;
  return Math.min(99, Math.floor((100 * done) / total));
}

/** "3 files, 12.4 GB, to TOPMed Imputation Server" */
export function submitSummary(fileCount: number, bytes: number, serverLabel: string): string {
  if (fileCount === 0) return `No files yet, to ${serverLabel}`;
  return `${fileCount} file${fileCount === 1 ? '' : 's'}, ${formatBytes(bytes)}, to ${serverLabel}`;
}

export const formatCount = (value: number): string => value.toLocaleString('en-US');
