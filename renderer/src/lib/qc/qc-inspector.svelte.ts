// What the New job form learns about the chosen files before a submit: sent to this server
// before or not (the check is on by default the first time), the QC-only mode of the server's
// app, and how much smaller slim copies would be. Asked again when the server or the files change.
import type { QcInspection } from '../../../../electron/ipc/contract';
import { api } from '../api';
import { describeError } from '../errors';

export class QcInspector {
  inspection = $state.raw<QcInspection | null>(null);
  /** The key (server and files) the inspection answers. */
  key = $state<string | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private request = 0;

  /** No files (or no form): nothing to say. */
  reset(): void {
    this.request++;
    this.key = null;
    this.inspection = null;
    this.error = null;
    this.loading = false;
  }

  async inspect(serverId: string, fileIds: string[]): Promise<void> {
    const key = `${serverId}|${fileIds.join(',')}`;
    if (key === this.key && (this.loading || this.inspection)) return;
    const request = ++this.request;
    this.key = key;
    this.inspection = null;
    this.error = null;
    if (fileIds.length === 0) {
      this.loading = false;
      return;
    }
    this.loading = true;
    try {
      const answer = await api().qc.inspect({ serverId, fileIds });
      if (request === this.request) this.inspection = answer;
    } catch (caught) {
      if (request === this.request) this.error = describeError(caught);
    } finally {
      if (request === this.request) this.loading = false;
    }
  }
}
