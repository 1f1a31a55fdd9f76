// Fetches a check's statistics/snps-excluded.txt through the app's download manager (one GET, one
// of the file's download credits, into the job's results folder) and waits for the outcome as
// the manager reports it: completed, failed or canceled; a broken transfer whose retry would cost
// another credit waits for the user's OK on the Downloads screen.
import type { DownloadItem } from '../../ipc/contract';
import type { DownloadsService } from '../downloads/downloads-service';

export const EXCLUDED_FILE = 'statistics/snps-excluded.txt';

export type DownloadNotice = 'waiting-for-server' | 'needs-confirmation';

export class ExcludedDownloads {
  private readonly waiters = new Set<(item: DownloadItem) => void>();

  constructor(private readonly downloads: Pick<DownloadsService, 'start' | 'list'>) {}

  /** Resolves with the item in its end state, or null when `signal` stops the wait. */
  fetch(serverId: string, jobId: string, signal: AbortSignal, onNotice: (notice: DownloadNotice) => void): Promise<DownloadItem | null> {
    const matches = (item: DownloadItem) => item.serverId === serverId && item.jobId === jobId && item.name === EXCLUDED_FILE;
    return new Promise<DownloadItem | null>((resolve, reject) => {
      let settled = false;
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.waiters.delete(waiter);
        return true;
      };
      const waiter = (item: DownloadItem) => {
        if (!matches(item)) return;
        if (item.state === 'completed' || item.state === 'failed' || item.state === 'canceled') {
          if (settle()) resolve(item);
        } else if (item.state === 'needs-confirmation') onNotice('needs-confirmation');
      };
      this.waiters.add(waiter);
      signal.addEventListener('abort', () => settle() && resolve(null), { once: true });
      this.downloads.start(serverId, jobId, [EXCLUDED_FILE]).then(
        ({ items, waiting }) => {
          if (waiting) onNotice('waiting-for-server');
          for (const item of items) waiter(item);
          // already complete on disk, or finished before this line
          for (const item of this.downloads.list().items) waiter(item);
        },
        (error: unknown) => settle() && reject(error instanceof Error ? error : new Error(String(error))),
      );
    });
  }

  /** A download changed (downloads:changed). */
  onItem(item: DownloadItem): void {
    for (const waiter of [...this.waiters]) waiter(item);
  }
}
