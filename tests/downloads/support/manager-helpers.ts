import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DownloadManager, type DownloadManagerOptions } from '../../../electron/services/downloads/manager';
import type { DownloadEvent, DownloadFile, DownloadItemView } from '../../../electron/services/downloads/types';
import type { FakeResultServer } from './fake-result-server';

export interface ManagerFixture {
  dir: string;
  destDir: string;
  options: DownloadManagerOptions;
  open(extra?: Partial<DownloadManagerOptions>): Promise<DownloadManager>;
  cleanup(): Promise<void>;
}

export async function managerFixture(): Promise<ManagerFixture> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-manager-'));
  const opened: DownloadManager[] = [];
  const options: DownloadManagerOptions = {
    queueFile: path.join(dir, 'user-data', 'downloads.json'),
    completedDir: path.join(dir, 'user-data', 'completed'),
    retryDelayMs: 10,
    timeoutMs: 10_000,
  };
  return {
    dir,
    destDir: path.join(dir, 'Downloads', 'job-1'),
    options,
    async open(extra = {}) {
      const manager = await DownloadManager.open({ ...options, ...extra });
      opened.push(manager);
      return manager;
    },
    async cleanup() {
      for (const manager of opened) await manager.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first item view matching `predicate` (checked now and on every event). */
export function waitForItem(
  manager: DownloadManager,
  id: string,
  predicate: (item: DownloadItemView) => boolean,
  timeoutMs = 10_000,
): Promise<DownloadItemView> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const item = manager.get(id);
      if (item && predicate(item)) {
        done();
        resolve(item);
        return true;
      }
      return false;
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out waiting for download ${id}; last state ${JSON.stringify(manager.get(id))}`));
    }, timeoutMs);
    const unsubscribe = manager.subscribe(() => void check());
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
    };
    check();
  });
}

export const settled = (item: DownloadItemView) => ['completed', 'failed', 'canceled', 'needs-confirmation'].includes(item.state);

export function record(manager: DownloadManager): DownloadEvent[] {
  const events: DownloadEvent[] = [];
  manager.subscribe((event) => events.push(event));
  return events;
}

/** A result file the fake server offers, as the manager is asked for it. */
export function resultFile(server: FakeResultServer, name: string, data: Buffer, credits = 10, serverId = 'demo'): DownloadFile & { hash: string } {
  const { url, hash } = server.addFile(name, data, credits);
  return { jobId: 'job-20250101-000000-000', serverId, url, name, sizeLabel: `${Math.floor(data.length / 1024)} KB`, credits, hash };
}
