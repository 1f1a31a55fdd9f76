import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import type { JobSummary } from '../../electron/ipc/contract';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { submitTestJob } from '../support/submit';

let emulator: RunningEmulator;
let services: TestServices;
let serverId: string;

async function until<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** States of one job as the watcher reported them, in order. */
function statesSeen(jobId: string): number[] {
  return services.events
    .filter((event) => event.channel === 'jobs:changed' && (event.payload as JobSummary).id === jobId)
    .map((event) => (event.payload as JobSummary).state)
    .filter((state, index, all) => index === 0 || state !== all[index - 1]);
}

/** The machine's sleep and network events, fired by the tests. */
const system = {
  listeners: new Map<string, (() => void)[]>(),
  on(name: string) {
    return (listener: () => void) => void this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
  },
  fire(name: 'suspend' | 'resume' | 'offline' | 'online') {
    for (const listener of this.listeners.get(name) ?? []) listener();
  },
};

async function start(options: { speed?: number } = {}): Promise<void> {
  emulator = await withEmulator({ speed: options.speed ?? 150, seed: 'empty' });
  system.listeners.clear();
  services = await createTestServices(
    {
      power: { onSuspend: system.on('suspend'), onResume: system.on('resume') },
      network: { onOffline: system.on('offline'), onOnline: system.on('online') },
    },
    { watchJobs: true, watcher: { heartbeatMs: 20, pollIntervalMs: 40, listIntervalMs: 60_000, maxBackoffMs: 400 } },
  );
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token })).id;
}

afterEach(async () => {
  await services.dispose();
  await emulator.close();
});

describe('watching a job', () => {
  beforeEach(() => start());

  it('follows a job from waiting to success; the list, the detail and the notifier each see it once', async () => {
    const jobId = await submitTestJob(services.servers.client(serverId), { name: 'Study A' });
    await services.jobs.track(serverId, jobId);
    const finished = await until(
      async () => (await services.handlers['jobs:list']({})).jobs.find((job) => job.id === jobId),
      (job) => job?.state === 4,
    );
    expect(finished).toMatchObject({ name: 'Study A', serverId, jobsAhead: null, progress: null });

    // Each step at most once, in order (how many intermediate states a poll catches depends on timing).
    const seen = statesSeen(jobId);
    expect(seen.at(-1)).toBe(4);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((state, index) => index === 0 || state > seen[index - 1]!)).toBe(true);
    expect(seen.every((state) => [1, 2, 3, 4].includes(state))).toBe(true);

    const succeeded = services.notifications.filter((n) => n.kind === 'job-succeeded');
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]!.title).toBe('Study A finished');
    expect(succeeded[0]!.body).toMatch(/^\d+ files ready on .+, download before /);
    expect(succeeded[0]).toMatchObject({ route: 'jobs', param: `${serverId}/${jobId}` });

    const detail = await services.handlers['jobs:get']({ serverId, jobId });
    expect(detail.steps.map((step) => step.name)).toEqual(['Input Validation', 'Quality Control', 'Phasing and Imputation', 'Summary']);
    expect(detail.facts).toEqual(expect.arrayContaining([expect.objectContaining({ label: 'Samples', value: '25' })]));
    expect(detail.files.some((file) => file.name === 'chr_20.zip' && file.credits === 10)).toBe(true);
    expect(detail.qcStatistics.length).toBeGreaterThan(3);
    expect(detail.webUrl).toBe(`${emulator.url}/index.html#!jobs/${jobId}`);
  });

  it('reports progress from the "(done/total)" messages while the job runs', async () => {
    const jobId = await submitTestJob(services.servers.client(serverId));
    await services.jobs.track(serverId, jobId);
    const running = await until(
      () => services.events.map((event) => event.payload as JobSummary).find((job) => job.id === jobId && job.progress !== null),
      (job) => job !== undefined,
    );
    expect(running!.progress!.total).toBeGreaterThan(0);
    expect(running!.progress!.done).toBeLessThanOrEqual(running!.progress!.total);
  });

  it("notifies a failed job with the server's first error message", async () => {
    const jobId = await submitTestJob(services.servers.client(serverId), { name: 'Wrong build', vcf: { chromosome: 'chr20' } });
    await services.jobs.track(serverId, jobId);
    await until(
      () => services.notifications.filter((n) => n.kind === 'job-failed'),
      (list) => list.length > 0,
    );
    const [failed] = services.notifications.filter((n) => n.kind === 'job-failed');
    expect(failed!.title).toBe('Wrong build failed');
    expect(failed!.body).toContain("Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding.");
    const detail = await services.handlers['jobs:get']({ serverId, jobId });
    expect(detail.state).toBe(5);
    expect(detail.firstError).toContain('chr20');
  });

  it('cancels a live job and notifies the cancellation once', async () => {
    const jobId = await submitTestJob(services.servers.client(serverId), { name: 'To cancel' });
    await services.jobs.track(serverId, jobId);
    const canceled = await services.handlers['jobs:cancel']({ serverId, jobId });
    expect(canceled.state).toBe(6);
    await until(
      () => services.notifications.filter((n) => n.kind === 'job-canceled'),
      (list) => list.length === 1,
    );
    // cancel on a finished job is a no-op on the server (docs/server-behaviour.md#cancel)
    expect((await services.handlers['jobs:cancel']({ serverId, jobId })).state).toBe(6);
    await services.watcher.tick(); // and the watcher sees it again
    expect(services.notifications.filter((n) => n.kind === 'job-canceled')).toHaveLength(1);
  });
});

describe('watching through trouble', () => {
  beforeEach(() => start({ speed: 20 }));

  it('backs off while the server drops connections, then catches up', async () => {
    const jobId = await submitTestJob(services.servers.client(serverId));
    await services.jobs.track(serverId, jobId);
    emulator.control.setFault({ kind: 'drop-connection', path: '/api/v2/jobs', times: 2 });
    emulator.control.setFault({ kind: 'http-error', status: 502, html: true, path: '/api/v2/jobs', times: 2 });
    await until(
      () => services.watcher.backoffOf(serverId),
      (delay) => delay >= 160,
    );
    expect(services.logLines.some((line) => /next try in/.test(line))).toBe(true);
    await until(
      () => services.watcher.backoffOf(serverId),
      (delay) => delay === 40,
      10_000,
    );
  });

  it('asks nothing while offline or asleep, and catches up at once when both are over', async () => {
    services.watcher.stop(); // ticks by hand from here: what a heartbeat would do, deterministically
    const jobId = await submitTestJob(services.servers.client(serverId), { name: 'Offline' });
    await services.jobs.track(serverId, jobId);
    system.fire('offline');
    system.fire('suspend');
    const before = statesSeen(jobId);
    await until(
      () => emulator.control.getJob(jobId)?.state,
      (state) => state === 4,
    );
    for (let beat = 0; beat < 5; beat += 1) await services.watcher.tick();
    expect(statesSeen(jobId)).toEqual(before);

    system.fire('online'); // still asleep
    for (let beat = 0; beat < 5; beat += 1) await services.watcher.tick();
    expect(statesSeen(jobId)).toEqual(before);

    system.fire('resume');
    await until(
      () => statesSeen(jobId).at(-1),
      (state) => state === 4,
      2000,
    );
    expect(services.notifications.filter((n) => n.kind === 'job-succeeded')).toHaveLength(1);
  });

  it('does not notify again after a restart of the services', async () => {
    const jobId = await submitTestJob(services.servers.client(serverId), { name: 'Once only' });
    await services.jobs.track(serverId, jobId);
    emulator.control.advanceClock(60 * 60 * 1000);
    await until(
      () => services.notifications.filter((n) => n.kind === 'job-succeeded'),
      (list) => list.length === 1,
    );
    await services.close(); // as on quit: the watcher stops and the seen states are written

    const again = await createTestServices(
      { userDataDir: services.userDataDir, secrets: services.secrets },
      { watchJobs: true, watcher: { heartbeatMs: 20, pollIntervalMs: 40 } },
    );
    try {
      const listed = await again.handlers['jobs:list']({ refresh: true });
      expect(listed.jobs.find((job) => job.id === jobId)?.state).toBe(4);
      await again.jobs.poll(serverId, jobId);
      await again.watcher.tick();
      expect(again.notifications).toEqual([]);
    } finally {
      again.watcher.stop();
      await again.servers.close();
    }
  });
});
