// "Download all" while the server does not answer: the request waits (also across a restart), the
// Downloads screen lists it with the reason, and it starts by itself once the server answers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { withEmulator } from '../support/emulators';
import { createTestServices, reopenServices, type TestServices } from '../support/services';
import { submitTestJob } from '../support/submit';
import { until, waitForEvent } from '../support/wait';

let emulator: RunningEmulator;
const opened: TestServices[] = [];

beforeEach(async () => {
  emulator = await withEmulator({ seed: 'empty', speed: 1 });
});
afterEach(async () => {
  for (const services of opened.splice(0)) await services.dispose();
  await emulator.close();
});

async function open(restartOf?: TestServices): Promise<TestServices> {
  const services = restartOf ? await reopenServices(restartOf) : await createTestServices();
  opened.push(services);
  return services;
}

async function succeededJob(services: TestServices, serverId: string): Promise<string> {
  const jobId = await submitTestJob(services.servers.client(serverId), { name: 'later' });
  await until(
    () => {
      emulator.control.advanceClock(60_000);
      return emulator.control.getJob(jobId)?.json.state;
    },
    (state) => state === 4,
    10_000,
  );
  return jobId;
}

describe('Download all while the server does not answer', () => {
  it('waits, says why, survives a restart, and starts when the server answers again', async () => {
    const first = await open();
    const { id: serverId } = await first.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab' });
    const jobId = await succeededJob(first, serverId);
    emulator.control.setFault({ kind: 'http-error', status: 502, path: `/api/v2/jobs/${jobId}`, times: 1 });

    const answer = await first.handlers['downloads:start']({ serverId, jobId });
    expect(answer.items).toEqual([]);
    expect(answer.waiting).toMatchObject({ serverId, jobId, serverLabel: 'Lab', automatic: false, names: null, reason: expect.stringMatching(/502|server/i) });
    expect(await waitForEvent(first, 'downloads:waiting', (list) => list.length === 1)).toHaveLength(1);
    await first.close();

    const again = await open(first);
    expect((await again.handlers['downloads:list']({})).waiting).toEqual([expect.objectContaining({ serverId, jobId })]);
    again.downloads.online(); // the network is back: waiting requests are tried at once
    const items = await until(
      async () => (await again.handlers['downloads:list']({})).items,
      (list) => list.length > 0 && list.every((item) => item.state === 'completed'),
      10_000,
    );
    expect(items.every((item) => item.jobId === jobId && item.creditsSpent === 1)).toBe(true);
    expect((await again.handlers['downloads:list']({})).waiting).toEqual([]);
  });

  it('can be dropped before it starts', async () => {
    const services = await open();
    const { id: serverId } = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    const [jobId] = emulator.control.seedJobs(1, { user: emulator.username, states: [4] });
    emulator.control.setFault({ kind: 'drop-connection', path: `/api/v2/jobs/${jobId}`, times: 1 });
    expect((await services.handlers['downloads:start']({ serverId, jobId: jobId! })).waiting).not.toBeNull();
    expect(await services.handlers['downloads:cancelWaiting']({ serverId, jobId: jobId! })).toEqual({ removed: true });
    services.downloads.online();
    expect((await services.handlers['downloads:list']({})).waiting).toEqual([]);
    expect((await services.handlers['downloads:list']({})).items).toEqual([]);
  });

  it('a refusal that waiting does not cure is said at once', async () => {
    const services = await open();
    const { id: serverId } = await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token });
    await expect(services.handlers['downloads:start']({ serverId, jobId: 'job-20990101-000000-000' })).rejects.toMatchObject({ code: 'not-found' });
    expect((await services.handlers['downloads:list']({})).waiting).toEqual([]);
  });
});
