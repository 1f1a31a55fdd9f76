// What the job page says about each result file: not yet downloaded, on its way, downloaded, or stuck.
import type { DownloadItem, JobDetail } from '../../../../electron/ipc/contract';
import { formatBytes } from '../format';
import { isResultsZip, percentDone, stateLabels } from './download-format';
import { sumOfLabels } from './download-groups';

export type FileStatus =
  | { kind: 'none' }
  | { kind: 'active'; label: string; item: DownloadItem }
  | { kind: 'done'; item: DownloadItem }
  | { kind: 'stuck'; label: string; item: DownloadItem };

export function fileStatus(item: DownloadItem | undefined): FileStatus {
  if (!item || item.state === 'canceled') return { kind: 'none' };
  switch (item.state) {
    case 'completed':
      return { kind: 'done', item };
    case 'queued':
    case 'verifying':
      return { kind: 'active', label: stateLabels[item.state], item };
    case 'running': {
      const percent = percentDone(item);
      return { kind: 'active', label: percent === null ? 'Downloading…' : `Downloading ${percent} %`, item };
    }
    default:
      return { kind: 'stuck', label: stateLabels[item.state], item };
  }
}

type JobFile = JobDetail['files'][number];

/** "7 files, about 320 MB" for the download buttons. */
export function filesSummary(files: readonly Pick<JobFile, 'sizeLabel'>[]): string {
  const bytes = sumOfLabels(files.map((file) => file.sizeLabel));
  const count = `${files.length} file${files.length === 1 ? '' : 's'}`;
  return bytes === null ? count : `${count}, about ${formatBytes(bytes)}`;
}

/** Files with few downloads left (each try spends one), for a warning next to the buttons. */
export function lowCreditFiles(files: readonly Pick<JobFile, 'name' | 'credits'>[]): string[] {
  return files.filter((file) => file.credits !== null && file.credits <= 2).map((file) => file.name);
}

/** How far the job's password-protected chr_*.zip files are on disk. */
export function zipProgress(files: readonly Pick<JobFile, 'name'>[], latest: ReadonlyMap<string, DownloadItem>): { total: number; downloaded: number } {
  const zips = files.filter((file) => isResultsZip(file.name));
  return { total: zips.length, downloaded: zips.filter((file) => latest.get(file.name)?.state === 'completed').length };
}
