// "Download all" asked while the server does not answer: the request waits here (kept across a
// restart), is tried again with a growing pause and at once when the network is back, and the
// Downloads screen shows it with the reason. Nothing is fetched, so no credit is spent waiting.
import path from 'node:path';
import { z } from 'zod';
import { waitingDownload, type WaitingDownload } from '../../ipc/contract';
import { JsonFileWriter, loadJsonFile } from '../storage/json-file';

const FIRST_PAUSE_MS = 15_000;
const LONGEST_PAUSE_MS = 5 * 60_000;

// What is kept is what the window sees, plus the count of tries (for the growing pause).
const waitingSchema = waitingDownload.extend({ attempts: z.number() });
type Waiting = z.output<typeof waitingSchema>;
const fileSchema = z.object({ version: z.literal(1), waiting: z.array(waitingSchema) });

export interface WaitingJobsDeps {
  file: string;
  /** Tries the request again; throws what it failed with. */
  attempt: (waiting: Pick<Waiting, 'serverId' | 'jobId' | 'names' | 'automatic'>) => Promise<void>;
  /** True for failures worth waiting out (no answer, a server error, maintenance). */
  isTransient: (error: unknown) => boolean;
  describe: (error: unknown) => string;
  onChange: (list: WaitingDownload[]) => void;
  /** A waiting request failed for a reason waiting does not cure (the job is gone, the token...). */
  onDropped: (waiting: WaitingDownload, error: unknown) => void;
  log: (line: string) => void;
  now?: () => number;
}

export class WaitingJobs {
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly now: () => number;
  private trying: Promise<void> | null = null;

  private constructor(
    private readonly deps: WaitingJobsDeps,
    private readonly items: Waiting[],
    private readonly writer: JsonFileWriter,
  ) {
    this.now = deps.now ?? Date.now;
  }

  static async open(deps: Omit<WaitingJobsDeps, 'file'> & { userDataDir: string }): Promise<WaitingJobs> {
    const file = path.join(deps.userDataDir, 'downloads-waiting.json');
    const { value } = await loadJsonFile(
      file,
      () => ({ version: 1 as const, waiting: [] }),
      (raw) => fileSchema.parse(raw),
    );
    let waiting: WaitingJobs | null = null;
    const writer = new JsonFileWriter(file, () => ({ version: 1, waiting: waiting!.items }));
    waiting = new WaitingJobs({ ...deps, file }, value.waiting, writer);
    waiting.schedule();
    return waiting;
  }

  list(): WaitingDownload[] {
    return this.items.map(({ attempts: _attempts, ...view }) => ({ ...view }));
  }

  /** A request that could not reach the server waits here; the same job asked twice waits once. */
  add(request: { serverId: string; serverLabel: string; jobId: string; names: string[] | null; automatic: boolean }, error: unknown): WaitingDownload {
    const existing = this.items.find((item) => item.serverId === request.serverId && item.jobId === request.jobId);
    const reason = this.deps.describe(error);
    if (existing) {
      existing.names = existing.names === null || request.names === null ? null : [...new Set([...existing.names, ...request.names])];
      existing.reason = reason;
      existing.automatic &&= request.automatic;
    } else {
      this.items.push({ ...request, reason, since: this.now(), attempts: 0, nextTryAt: this.now() + FIRST_PAUSE_MS });
    }
    this.changed();
    this.schedule();
    return this.list().find((item) => item.serverId === request.serverId && item.jobId === request.jobId)!;
  }

  /** Drops a waiting request (the user canceled it, or the server was removed). */
  remove(serverId: string, jobId?: string): boolean {
    const before = this.items.length;
    for (let index = this.items.length - 1; index >= 0; index -= 1) {
      const item = this.items[index]!;
      if (item.serverId === serverId && (jobId === undefined || item.jobId === jobId)) this.items.splice(index, 1);
    }
    if (this.items.length === before) return false;
    this.changed();
    return true;
  }

  /** Tries every waiting request now (the network is back, a server answered again). */
  tryNow(serverId?: string): Promise<void> {
    for (const item of this.items) if (serverId === undefined || item.serverId === serverId) item.nextTryAt = 0;
    return this.tryDue();
  }

  close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    return this.writer.flush();
  }

  private schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.items.length === 0) return;
    const next = Math.min(...this.items.map((item) => item.nextTryAt));
    this.timer = setTimeout(() => void this.tryDue(), Math.max(0, next - this.now()));
    this.timer.unref?.();
  }

  private async tryDue(): Promise<void> {
    if (this.trying) return this.trying;
    this.trying = (async () => {
      for (const item of [...this.items]) {
        if (this.closed || item.nextTryAt > this.now()) continue;
        try {
          await this.deps.attempt(item);
          this.items.splice(this.items.indexOf(item), 1);
          this.deps.log(`waiting download of ${item.jobId} started`);
        } catch (error) {
          if (!this.deps.isTransient(error)) {
            this.items.splice(this.items.indexOf(item), 1);
            this.deps.log(`waiting download of ${item.jobId} dropped: ${this.deps.describe(error)}`);
            this.deps.onDropped({ ...item }, error);
            continue;
          }
          item.attempts += 1;
          item.reason = this.deps.describe(error);
          item.nextTryAt = this.now() + Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** item.attempts);
        }
      }
      this.changed();
    })().finally(() => {
      this.trying = null;
      this.schedule();
    });
    return this.trying;
  }

  private changed(): void {
    void this.writer.save();
    this.deps.onChange(this.list());
  }
}
