// Follows live jobs in the background: polls each live job's status (one request in flight per
// job), re-reads every list now and then, backs off on errors up to 5 minutes, and pauses while
// the machine sleeps or the network is down, catching up at once when both are back.
import { CloudgeneError } from '../cloudgene/errors';
import type { Logger } from '../ports';
import type { JobsService } from './jobs-service';

export interface WatcherOptions {
  jobs: JobsService;
  log: Logger;
  /** How often live jobs are polled (the user's setting, 10 to 300 s). */
  pollIntervalMs: () => number;
  listIntervalMs?: number;
  maxBackoffMs?: number;
  /** How often the watcher looks for due work. */
  heartbeatMs?: number;
  now?: () => number;
}

export type PauseReason = 'sleep' | 'offline';

interface ServerLoop {
  nextPollAt: number;
  nextListAt: number;
  failures: number;
}

export class JobWatcher {
  private readonly loops = new Map<string, ServerLoop>();
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** Why the watcher is paused; it runs when this is empty. */
  private readonly pausedFor = new Set<PauseReason>();
  private readonly now: () => number;
  private readonly listIntervalMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: WatcherOptions) {
    this.now = options.now ?? Date.now;
    this.listIntervalMs = options.listIntervalMs ?? 5 * 60_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.options.heartbeatMs ?? 1000);
    this.timer.unref?.();
    void this.tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The machine goes to sleep, or offline: no requests until resume() with the same reason. */
  pause(reason: PauseReason): void {
    this.pausedFor.add(reason);
  }

  /** Back from sleep or online again: once nothing else holds the watcher, everything is due now. */
  resume(reason: PauseReason): void {
    if (!this.pausedFor.delete(reason) || this.pausedFor.size > 0) return;
    for (const loop of this.loops.values()) {
      loop.nextPollAt = 0;
      loop.nextListAt = 0;
      loop.failures = 0;
    }
    void this.tick();
  }

  /** How long the watcher waits before the next try at a server (for the UI and tests). */
  backoffOf(serverId: string): number {
    const loop = this.loops.get(serverId);
    return loop ? this.delayAfter(loop.failures) : this.options.pollIntervalMs();
  }

  async tick(): Promise<void> {
    if (this.pausedFor.size > 0) return;
    const servers = this.options.jobs.usableServers();
    const ids = new Set(servers.map((server) => server.id));
    for (const id of this.loops.keys()) if (!ids.has(id)) this.loops.delete(id);
    const now = this.now();
    await Promise.all(
      servers.map(async (server) => {
        let loop = this.loops.get(server.id);
        if (!loop) {
          loop = { nextPollAt: 0, nextListAt: 0, failures: 0 };
          this.loops.set(server.id, loop);
        }
        if (now >= loop.nextListAt) await this.run(server.id, loop, `list:${server.id}`, () => this.options.jobs.refreshList(server.id), true);
        if (now >= loop.nextPollAt) {
          loop.nextPollAt = now + this.delayAfter(loop.failures);
          await Promise.all(
            this.options.jobs
              .liveJobIds(server.id)
              .map((jobId) => this.run(server.id, loop!, `job:${server.id}:${jobId}`, () => this.options.jobs.poll(server.id, jobId), false)),
          );
        }
      }),
    );
  }

  private async run(serverId: string, loop: ServerLoop, key: string, work: () => Promise<unknown>, isList: boolean): Promise<void> {
    if (this.inFlight.has(key)) return; // one request in flight per job (and per list)
    this.inFlight.add(key);
    try {
      await work();
      loop.failures = 0;
      if (isList) loop.nextListAt = this.now() + this.listIntervalMs;
    } catch (error) {
      loop.failures += 1;
      const delay = this.delayAfter(loop.failures);
      loop.nextPollAt = this.now() + delay;
      if (isList) loop.nextListAt = this.now() + delay;
      if (!(error instanceof CloudgeneError && (error.code === 'unauthorized' || error.code === 'token-revoked'))) {
        this.options.log.warn(`Watching jobs on a server failed (${describe(error)}); next try in ${Math.round(delay / 1000)} s.`);
      }
    } finally {
      this.inFlight.delete(key);
    }
  }

  /** The poll interval, doubled after each failure in a row, up to the maximum. */
  private delayAfter(failures: number): number {
    const base = this.options.pollIntervalMs();
    return failures === 0 ? base : Math.min(this.maxBackoffMs, base * 2 ** failures);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
