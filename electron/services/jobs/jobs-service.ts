// Jobs on every server: a cache of the lists, details on demand, actions, and one place where
// every fresh copy of a job goes through (observe), so the list, the detail and the
// notifications agree.
import { AppError, type EventSink, type JobDetail, type JobSummary } from '../../ipc/contract';
import type { CloudgeneClient } from '../cloudgene/client';
import type { Job } from '../cloudgene/schemas';
import type { JobPasswords } from '../passwords/job-passwords';
import type { ServersService } from '../servers/servers-service';
import type { JobAlerts } from './job-alerts';
import { isLive, isSuccess } from '../../shared/job-states';
import { passwordFactsOf, toDetail, toSummary, type ServerRef } from './job-view';

export interface JobsServiceDeps {
  servers: ServersService;
  events: EventSink;
  passwords: JobPasswords;
  alerts: JobAlerts;
  /**
   * A job that was live when the app last saw it has succeeded: now, or while the app was closed
   * (the alerts' record of last states is the one source of truth for "was it live before").
   */
  onSucceeded?: (serverId: string, job: Job) => void;
  now?: () => number;
}

/** Servers whose token works (or may work): lists are read from these. */
const USABLE = new Set(['ok', 'expiring', 'maintenance', 'unreachable']);

export class JobsService {
  private readonly cache = new Map<string, Map<string, JobSummary>>();
  private readonly problems = new Map<string, string>();
  private readonly now: () => number;

  constructor(private readonly deps: JobsServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  usableServers(): ServerRef[] {
    return this.deps.servers
      .list()
      .filter((server) => USABLE.has(server.status))
      .map((server) => ({ id: server.id, label: server.label, url: server.url }));
  }

  async list(request: {
    serverId?: string;
    refresh?: boolean;
  }): Promise<{ jobs: JobSummary[]; problems: Array<{ serverId: string; serverLabel: string; message: string }> }> {
    const all = this.deps.servers.list().filter((server) => !request.serverId || server.id === request.serverId);
    const usable = all.filter((server) => USABLE.has(server.status));
    await Promise.all(
      usable.filter((server) => request.refresh || !this.cache.has(server.id)).map((server) => this.refreshList(server.id).catch(() => undefined)),
    );
    // Jobs of a server whose token stopped working stay, as last seen, with the reason and the fix.
    const jobs = all.flatMap((server) => [...(this.cache.get(server.id)?.values() ?? [])]);
    jobs.sort((a, b) => b.submittedOn - a.submittedOn || b.id.localeCompare(a.id));
    const problems = all.flatMap((server) => {
      const message = USABLE.has(server.status) ? this.problems.get(server.id) : this.cache.has(server.id) ? staleReason(server) : undefined;
      return message ? [{ serverId: server.id, serverLabel: server.label, message }] : [];
    });
    return { jobs, problems };
  }

  /** Reads the whole list of one server (finished jobs come as light items, docs/server-behaviour.md#job-list). */
  async refreshList(serverId: string): Promise<void> {
    const server = this.serverRef(serverId);
    try {
      const jobs = await this.deps.servers.use(serverId, (client) => client.allJobs());
      const previous = this.cache.get(serverId);
      const next = new Map<string, JobSummary>();
      for (const job of jobs) next.set(job.id, this.observe(server, job, previous?.get(job.id)));
      this.cache.set(serverId, next);
      this.problems.delete(serverId);
      this.deps.events.emit('jobs:listChanged', { serverId });
    } catch (error) {
      this.problems.set(serverId, messageOf(error));
      throw error;
    }
  }

  /** Waiting, running or exporting jobs on every server, as last seen (the tray shows it). */
  liveCount(): number {
    let count = 0;
    for (const jobs of this.cache.values()) for (const job of jobs.values()) if (isLive(job.state)) count += 1;
    return count;
  }

  /** Live jobs of a server as last seen (what the watcher polls). */
  liveJobIds(serverId: string): string[] {
    return [...(this.cache.get(serverId)?.values() ?? [])].filter((job) => isLive(job.state)).map((job) => job.id);
  }

  /** Polls one job's status (the same JSON as its detail in Cloudgene 3, 3.6). */
  async poll(serverId: string, jobId: string): Promise<JobSummary> {
    const job = await this.deps.servers.use(serverId, (client) => client.jobStatus(jobId));
    return this.remember(serverId, job);
  }

  async get(serverId: string, jobId: string): Promise<JobDetail> {
    const job = await this.call(serverId, (client) => client.job(jobId));
    this.remember(serverId, job);
    return this.detail(serverId, job);
  }

  async cancel(serverId: string, jobId: string): Promise<JobDetail> {
    const job = await this.call(serverId, (client) => client.cancel(jobId));
    this.remember(serverId, job);
    return this.get(serverId, jobId);
  }

  async restart(serverId: string, jobId: string): Promise<JobDetail> {
    await this.call(serverId, (client) => client.restart(jobId));
    return this.get(serverId, jobId);
  }

  async delete(serverId: string, jobId: string): Promise<{ deleted: boolean }> {
    await this.call(serverId, (client) => client.deleteJob(jobId));
    this.cache.get(serverId)?.delete(jobId);
    this.deps.alerts.forget(serverId, jobId);
    await this.deps.passwords.forgetJob(this.serverRef(serverId).url, jobId);
    this.deps.events.emit('jobs:listChanged', { serverId });
    return { deleted: true };
  }

  /** The job's results password where the app has it (keychain, this run, the job's Summary), or null. */
  async passwordOf(serverId: string, jobId: string): Promise<{ password: string | null; rawName: string }> {
    const server = this.serverRef(serverId);
    const kept = await this.deps.passwords.get(server.url, { id: jobId, summaryPassword: null });
    const job = await this.call(serverId, (client) => client.job(jobId)).catch((error: unknown) => {
      if (kept !== null) return null; // offline is fine when the app has the password itself
      throw error;
    });
    if (kept !== null) return { password: kept, rawName: job?.name ?? jobId };
    const facts = { id: job!.id, rawName: job!.name, submittedOn: job!.submittedOn, ...passwordFactsOf(job!) };
    return { password: await this.deps.passwords.get(server.url, facts), rawName: job!.name };
  }

  /** Adds a job the app just submitted, so the watcher follows it at once. */
  async track(serverId: string, jobId: string): Promise<JobSummary> {
    return this.poll(serverId, jobId);
  }

  private remember(serverId: string, job: Job): JobSummary {
    const server = this.serverRef(serverId);
    const jobs = this.cache.get(serverId) ?? new Map<string, JobSummary>();
    this.cache.set(serverId, jobs);
    const summary = this.observe(server, job, jobs.get(job.id));
    jobs.set(job.id, summary);
    return summary;
  }

  /** Every fresh copy of a job passes here: events for changes, notifications for outcomes. */
  private observe(server: ServerRef, job: Job, before: JobSummary | undefined): JobSummary {
    // Right after a job leaves the queue the server can briefly answer a stale "waiting" row
    // with positionInQueue -1 (docs/server-behaviour.md#job-states): keep what we had.
    if (before && (before.state === 2 || before.state === 3) && job.state === 1 && job.positionInQueue === -1) return before;
    const summary = toSummary(job, server, this.now());
    const previous = this.deps.alerts.observe(server, job);
    if (previous !== null && (isLive(previous) || previous === -1) && isSuccess(job.state)) this.deps.onSucceeded?.(server.id, job);
    if (before && changed(before, summary)) this.deps.events.emit('jobs:changed', summary);
    return summary;
  }

  private async detail(serverId: string, job: Job): Promise<JobDetail> {
    const server = this.serverRef(serverId);
    const password = await this.deps.passwords.status(server.url, { id: job.id, rawName: job.name, submittedOn: job.submittedOn, ...passwordFactsOf(job) });
    return toDetail(job, server, this.now(), password);
  }

  private call<T>(serverId: string, action: (client: CloudgeneClient) => Promise<T>): Promise<T> {
    return this.deps.servers.use(serverId, action);
  }

  private serverRef(serverId: string): ServerRef {
    const server = this.deps.servers.list().find((candidate) => candidate.id === serverId);
    if (!server) throw new AppError('not-found', 'That server is no longer in your list.');
    return { id: server.id, label: server.label, url: server.url };
  }
}

/** Why the jobs of a server are shown as last seen, and what to do. */
function staleReason(server: { status: string; statusMessage: string | null }): string {
  const why = server.statusMessage ?? 'The server cannot be asked now.';
  return `${why} Its jobs are shown as they were last seen.`;
}

function changed(a: JobSummary, b: JobSummary): boolean {
  return (
    a.state !== b.state ||
    a.jobsAhead !== b.jobsAhead ||
    a.progress?.done !== b.progress?.done ||
    a.progress?.total !== b.progress?.total ||
    a.progress?.label !== b.progress?.label ||
    a.endTime !== b.endTime ||
    a.deletedOn !== b.deletedOn ||
    a.name !== b.name
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
