// The transfers main runs or has run (main owns them; they survive a restart), kept current from
// downloads:* events. One store for the Downloads screen and the job page; it listens while either is open.
import { SvelteMap } from 'svelte/reactivity';
import type { DownloadItem, WaitingDownload } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';
import type { DownloadProgress, DownloadTotals } from './download-format';
import { mergeItems } from './download-groups';

export class DownloadsStore {
  items = $state.raw<DownloadItem[]>([]);
  totals = $state.raw<DownloadTotals | null>(null);
  /** "Download all" requests waiting for their server to answer. */
  waiting = $state.raw<WaitingDownload[]>([]);
  /** Latest rate and time left per running transfer (progress events only). */
  readonly progress = new SvelteMap<string, DownloadProgress>();
  loaded = $state(false);
  error = $state<string | null>(null);

  private users = 0;
  private stop: (() => void) | null = null;

  /** Starts listening (once, however many screens ask); returns the detach function. */
  attach(): () => void {
    this.users += 1;
    if (this.users === 1) this.listen();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.users -= 1;
      if (this.users === 0) {
        this.stop?.();
        this.stop = null;
      }
    };
  }

  private listen(): void {
    const stops = [
      api().on('downloads:changed', (item) => {
        this.items = mergeItems(this.items, [item]);
        if (item.state !== 'running') this.progress.delete(item.id);
      }),
      api().on('downloads:removed', ({ id }) => {
        this.items = this.items.filter((item) => item.id !== id);
        this.progress.delete(id);
      }),
      api().on('downloads:progress', (progress) => {
        this.progress.set(progress.id, progress);
        const index = this.items.findIndex((item) => item.id === progress.id);
        const item = this.items[index];
        if (item && item.receivedBytes !== progress.receivedBytes) {
          const next = [...this.items];
          next[index] = { ...item, receivedBytes: progress.receivedBytes, totalBytes: progress.totalBytes, estimatedBytes: progress.estimatedBytes };
          this.items = next;
        }
      }),
      api().on('downloads:totals', (totals) => (this.totals = totals)),
      api().on('downloads:waiting', (waiting) => (this.waiting = waiting)),
    ];
    this.stop = () => stops.forEach((stop) => stop());
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const asked = Date.now();
    try {
      const answer = await api().downloads.list();
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local lookup, never rendered
      const known = new Set(answer.items.map((item) => item.id));
      // Drop what main no longer has, but not what an event brought in while the list was on its way.
      this.items = mergeItems(this.items, answer.items).filter((item) => known.has(item.id) || item.updatedAt >= asked);
      this.totals = answer.totals;
      this.waiting = answer.waiting;
      this.error = null;
    } catch (caught) {
      this.error = describeError(caught);
    } finally {
      this.loaded = true;
    }
  }

  /** Items a start answered with, shown at once (their events may come later). */
  added(items: readonly DownloadItem[]): void {
    this.items = mergeItems(this.items, items);
  }
}

export const downloadsStore = new DownloadsStore();
