// Runs the local VCF check (preflight:check) whenever the files or the settings it depends on
// change: debounced, the previous check canceled (preflight:cancel), a fresh checkId each time,
// progress from preflight:progress.
import type { PreflightReport } from '../../../../electron/ipc/contract';
import { ApiError } from '../../../../electron/preload/api';
import { api } from '../api';
import { describeError } from '../errors';
import type { CheckPhase } from './preflight-view';

export interface CheckInput {
  serverId: string;
  fileIds: string[];
  values: Record<string, string>;
}

let counter = 0;
const newCheckId = (): string => `check-${Date.now().toString(36)}-${(counter += 1)}`;

export class PreflightRunner {
  phase = $state<CheckPhase>('idle');
  report = $state.raw<PreflightReport | null>(null);
  error = $state<string | null>(null);
  bytesRead = $state(0);
  totalBytes = $state(0);

  private checkId: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastInput: CheckInput | null = null;
  private stopProgress: (() => void) | null = null;

  constructor(private readonly debounceMs = 350) {}

  attach(): () => void {
    this.stopProgress = api().on('preflight:progress', ({ checkId, bytesRead, totalBytes }) => {
      if (checkId !== this.checkId) return;
      this.bytesRead = bytesRead;
      this.totalBytes = totalBytes;
    });
    return () => this.dispose();
  }

  /** A new set of files or settings: drop the old result and check again after a short pause. */
  schedule(input: CheckInput): void {
    this.stop();
    this.lastInput = input;
    this.report = null;
    this.error = null;
    this.bytesRead = 0;
    this.totalBytes = 0;
    if (input.fileIds.length === 0) {
      this.phase = 'idle';
      return;
    }
    this.phase = 'idle';
    this.timer = setTimeout(() => void this.run(input), this.debounceMs);
  }

  retry(): void {
    if (this.lastInput) this.schedule(this.lastInput);
  }

  dispose(): void {
    this.stop();
    this.stopProgress?.();
    this.stopProgress = null;
  }

  private stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.checkId) {
      const checkId = this.checkId;
      this.checkId = null;
      void api()
        .preflight.cancel({ checkId })
        .catch(() => undefined);
    }
  }

  private async run(input: CheckInput): Promise<void> {
    this.timer = null;
    const checkId = newCheckId();
    this.checkId = checkId;
    this.phase = 'running';
    try {
      const report = await api().preflight.check({ checkId, ...input });
      if (this.checkId !== checkId) return;
      this.report = report;
      this.phase = 'done';
    } catch (caught) {
      if (this.checkId !== checkId) return; // replaced by a newer check
      this.phase = 'failed';
      this.error = caught instanceof ApiError && caught.code === 'canceled' ? 'The check was canceled.' : describeError(caught);
    } finally {
      if (this.checkId === checkId) this.checkId = null;
    }
  }
}
