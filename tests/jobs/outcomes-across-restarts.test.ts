// "Was this job live before?" has one answer, kept across restarts (job-states.json): a job that
// succeeds while the app is closed is downloaded automatically at the next start, once; an old
// success seen again in a list is not a new outcome.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { withEmulator } from '../support/emulators';
import { createTestServices, reopenServices, type TestServices } from '../support/services';
import { submitTestJob } from '../support/submit';
import { until } from '../support/wait';

let emulator: RunningEmulator;
const opened: TestServices[] = [];

beforeEach(async () => {
  emulator = await withEmulator({ speed: 1, seed: 'empty' });
});
afterEach(async () => {
  for (const services of opened.splice(0)) await services.dispose();
  await emulator.close();
});

/** A "restart" opens new services on the same user-data folder and the same keychain. */
async function open(restartOf?: TestServices): Promise<TestServices> {
  const services = restartOf ? await reopenServices(restartOf) : await createTestServices();
  opened.push(services);
  return services;
}

describe('a job that succeeds while the app is closed', () => {
  it('is downloaded automatically at the next start, once', async () => {
    const first = await open();
    const { id: serverId } = await first.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    await first.handlers['servers:update']({ id: serverId, autoDownload: true });
    const jobId = await submitTestJob(first.servers.client(serverId), { name: 'overnight' });
    const { jobs } = await first.handlers['jobs:list']({ refresh: true });
    expect(jobs.find((job) => job.id === jobId)!.state).toBeLessThanOrEqual(3);
    await first.close();

    // the job runs to its end while the app is closed
    await until(
      () => {
        emulator.control.advanceClock(60_000);
        return emulator.control.getJob(jobId)?.json.state;
      },
      (state) => state === 4,
      10_000,
    );

    const again = await open(first);
    await again.handlers['jobs:list']({ refresh: true });
    const done = await until(
      async () => (await again.handlers['downloads:list']({})).items,
      (items) => items.length > 0 && items.every((item) => item.state === 'completed'),
      10_000,
    );
    expect(done.every((item) => item.creditsSpent === 1)).toBe(true);
    expect(again.notifications.filter((n) => n.kind === 'job-succeeded')).toHaveLength(1);

    // seen again: no second download, no second notification
    await again.handlers['jobs:list']({ refresh: true });
    await again.handlers['jobs:get']({ serverId, jobId });
    expect((await again.handlers['downloads:list']({})).items).toHaveLength(done.length);
    expect(again.notifications.filter((n) => n.kind === 'job-succeeded')).toHaveLength(1);
  });

  it('an old success the app never saw live starts nothing', async () => {
    const services = await open();
    const { id: serverId } = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    await services.handlers['servers:update']({ id: serverId, autoDownload: true });
    emulator.control.seedJobs(2, { user: emulator.username, states: [4, 8] });
    await services.handlers['jobs:list']({ refresh: true });
    await services.handlers['jobs:list']({ refresh: true });
    expect((await services.handlers['downloads:list']({})).items).toEqual([]);
    expect(services.notifications.filter((n) => n.kind === 'job-succeeded')).toEqual([]);
  });
});

describe('the jobs of a server whose token stopped working', () => {
  it('stay in the list as last seen, with the reason and what to do', async () => {
    const services = await open();
    const { id: serverId } = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    const [jobId] = emulator.control.seedJobs(1, { user: emulator.username, states: [4] });
    expect((await services.handlers['jobs:list']({ refresh: true })).jobs.map((job) => job.id)).toEqual([jobId]);

    emulator.control.revokeApiToken(emulator.username);
    expect((await services.handlers['servers:refresh']({ id: serverId })).status).toBe('revoked');
    const listed = await services.handlers['jobs:list']({ refresh: true });
    expect(listed.jobs.map((job) => job.id)).toEqual([jobId]);
    expect(listed.problems).toEqual([
      {
        serverId,
        serverLabel: expect.any(String),
        message: expect.stringMatching(/revoked or replaced.*Paste the newest API token.*shown as they were last seen/s),
      },
    ]);
  });
});
