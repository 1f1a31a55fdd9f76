// The client against the Cloudgene emulator over real HTTP on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { CloudgeneError, type CloudgeneErrorCode } from '../../electron/services/cloudgene/errors';

let michigan: RunningEmulator;
let topmed: RunningEmulator;
const clients: CloudgeneClient[] = [];

function clientFor(emulator: RunningEmulator, token: string | null = emulator.token, timeouts?: { headersMs: number; bodyMs: number }) {
  const client = new CloudgeneClient({ baseUrl: emulator.url, token, userAgent: 'ImputationDesktop/0.1.0 (test)', timeouts });
  clients.push(client);
  return client;
}

async function codeOf(promise: Promise<unknown>): Promise<CloudgeneErrorCode> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudgeneError);
  return (error as CloudgeneError).code;
}

beforeAll(async () => {
  [michigan, topmed] = await Promise.all([startEmulator({ flavour: 'michigan', faults: true }), startEmulator({ flavour: 'topmed', faults: true })]);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([michigan?.close(), topmed?.close()]);
});

describe('server information', () => {
  it('normalises both flavours to one shape', async () => {
    const m = await clientFor(michigan).server();
    const t = await clientFor(topmed).server();
    for (const info of [m, t]) {
      expect(info.loggedIn).toBe(true);
      expect(info.maintenance).toBe(false);
      expect(info.user?.username).toBe('alice');
      expect(info.user?.fullName).toBe('Alice Example');
      expect(info.apps.some((app) => app.id.startsWith('imputationserver2@'))).toBe(true);
    }
    expect(m.name).not.toBe(t.name);
  });

  it('reads the maintenance flag and message in both spellings', async () => {
    for (const emulator of [michigan, topmed]) {
      emulator.control.setMaintenance(true, 'Back at noon.');
      try {
        const info = await clientFor(emulator).server();
        expect(info.maintenance).toBe(true);
        expect(info.maintenanceMessage).toBe('Back at noon.');
        expect(await codeOf(clientFor(emulator).jobs())).toBe('maintenance');
      } finally {
        emulator.control.setMaintenance(false);
      }
    }
  });

  it('answers anonymously without a user', async () => {
    const info = await clientFor(michigan, null).server();
    expect(info).toMatchObject({ loggedIn: false, user: null });
  });

  it('reads counters and the app form with panels and populations', async () => {
    const counters = await clientFor(topmed, null).counters();
    expect(typeof counters.queueSize).toBe('number');
    const app = await clientFor(topmed).app();
    expect(app.id).toBe('imputationserver2');
    const refpanel = app.params.find((p) => p.id === 'refpanel')!;
    expect(refpanel.type).toBe('app_list');
    expect(refpanel.values.length).toBeGreaterThan(0);
    expect(refpanel.values[0]!.key).toMatch(/^apps@.+@.+$/);
    const population = app.params.find((p) => p.id === 'population')!;
    expect(population.type).toBe('binded_list');
    expect(population.values[0]!.values?.length).toBeGreaterThan(0);
    expect(await codeOf(clientFor(topmed, null).app())).toBe('unauthorized');
  });
});

describe('tokens', () => {
  it('verifies a valid and an invalid token', async () => {
    const anonymous = clientFor(michigan, null);
    const good = await anonymous.verifyToken(michigan.token);
    expect(good).toMatchObject({ valid: true, username: 'alice' });
    expect(good.expiresAt && Date.parse(good.expiresAt)).toBeGreaterThan(Date.now());
    const bad = await anonymous.verifyToken('not-a-token');
    expect(bad).toMatchObject({ valid: false, username: null, expiresAt: null });
  });

  it('tells a revoked or replaced token (403) from an expired one (401)', async () => {
    const { token: first } = michigan.control.addUser({ username: 'carol', fullName: 'Carol' });
    const second = michigan.control.createApiToken('carol');
    expect(await codeOf(clientFor(michigan, first).jobs())).toBe('token-revoked');
    expect((await clientFor(michigan, second).jobs()).count).toBe(0);
    michigan.control.revokeApiToken('carol');
    expect(await codeOf(clientFor(michigan, second).jobs())).toBe('token-revoked');

    const expired = michigan.control.createApiToken('carol', { expiresInDays: 0 });
    expect(await codeOf(clientFor(michigan, expired).jobs())).toBe('unauthorized');
    expect(await codeOf(clientFor(michigan, 'garbage').jobs())).toBe('unauthorized');
  });

  it('reads the profile on both flavours; TOPMed refuses another username', async () => {
    const m = await clientFor(michigan).profile('alice');
    expect(m).toMatchObject({ username: 'alice', fullName: 'Alice Example', hasApiToken: true });
    expect(m.apiTokenExpiresAt).not.toBeNull();
    const t = await clientFor(topmed).profile('alice');
    expect(t).toMatchObject({ username: 'alice', hasApiToken: true });
    expect(t.apiTokenExpiresAt).not.toBeNull();
    expect(await codeOf(clientFor(topmed).profile('someone-else'))).toBe('forbidden');
  });
});

describe('jobs', () => {
  let ids: string[];
  let dave: string;

  beforeAll(() => {
    dave = topmed.control.addUser({ username: 'dave', fullName: 'Dave' }).token;
    ids = topmed.control.seedJobs(20, { user: 'dave', states: [4, 5, 6, -1] });
  });

  it('pages the job list 15 at a time, newest first', async () => {
    const client = clientFor(topmed, dave);
    const first = await client.jobs({ page: 1 });
    expect(first).toMatchObject({ count: 20, page: 1, pageSize: 15, prev: null, next: 2 });
    expect(first.data).toHaveLength(15);
    const second = await client.jobs({ page: 2 });
    expect(second).toMatchObject({ page: 2, prev: 1, next: null });
    expect(second.data).toHaveLength(5);
    const all = await client.allJobs();
    expect(all.map((j) => j.id)).toEqual([...first.data, ...second.data].map((j) => j.id));
    expect(new Set(all.map((j) => j.id))).toEqual(new Set(ids));
    // finished jobs come as light items
    expect(all.find((j) => j.state === 4)).toMatchObject({ steps: [], outputParams: [], username: null, positionInQueue: -1 });
  });

  it('reads job detail and status as the same job', async () => {
    const client = clientFor(topmed, dave);
    const id = ids.find((_, i) => i % 4 === 0)!; // state 4
    const detail = await client.job(id);
    const status = await client.jobStatus(id);
    expect(detail.id).toBe(id);
    expect(detail.state).toBe(4);
    expect(status.state).toBe(detail.state);
    expect(await codeOf(client.job('job-20000101-000000-000'))).toBe('not-found');
  });

  it("refuses another user's job with forbidden", async () => {
    const id = ids[0]!;
    expect(await codeOf(clientFor(topmed).job(id))).toBe('forbidden');
  });

  it('cancel on a finished job is a no-op; restart only from dead (-1)', async () => {
    const client = clientFor(topmed, dave);
    const done = ids[0]!; // state 4
    expect((await client.cancel(done)).state).toBe(4);
    const restartError = (await client.restart(done).catch((e: unknown) => e)) as CloudgeneError;
    expect(restartError.code).toBe('bad-request');
    expect(restartError.serverMessage).toBe(`Job ${done} is not pending.`);
    const dead = ids[3]!; // state -1
    const answer = await client.restart(dead);
    expect(answer.success).toBe(true);
    expect((await client.job(dead)).state).not.toBe(-1);
  });

  it('delete: an API token gets forbidden, a login token deletes (then not found)', async () => {
    const id = ids[1]!; // state 5
    const apiClient = clientFor(topmed, dave);
    const refused = (await apiClient.deleteJob(id).catch((e: unknown) => e)) as CloudgeneError;
    expect(refused.code).toBe('forbidden');
    expect(refused.status).toBe(403);
    const loginClient = clientFor(topmed, topmed.control.loginToken('dave'));
    expect((await loginClient.deleteJob(id)).state).toBe(10);
    expect(await codeOf(apiClient.job(id))).toBe('not-found');
  });

  it('delete with a revoked token says token-revoked, not forbidden', async () => {
    const { token } = topmed.control.addUser({ username: 'erin' });
    const [id] = topmed.control.seedJobs(1, { user: 'erin', states: [4] });
    topmed.control.revokeApiToken('erin');
    expect(await codeOf(clientFor(topmed, token).deleteJob(id!))).toBe('token-revoked');
  });
});

describe('faults', () => {
  it('maps an HTML 502 page, malformed JSON and a slow answer', async () => {
    const client = clientFor(michigan);
    michigan.control.setFault({ kind: 'http-error', status: 502, html: true, path: '/api/v2/jobs', times: 1 });
    const badGateway = (await client.jobs().catch((e: unknown) => e)) as CloudgeneError;
    expect(badGateway.code).toBe('server-error');
    expect(badGateway.status).toBe(502);
    michigan.control.setFault({ kind: 'malformed-json', path: '/api/v2/jobs', times: 1 });
    expect(await codeOf(client.jobs())).toBe('invalid-response');
    // a timeout far below the server's delay, and far above the machine's noise
    michigan.control.setFault({ kind: 'delay', ms: 20_000, path: '/api/v2/server/counters', times: 1 });
    expect(await codeOf(clientFor(michigan, null, { headersMs: 1000, bodyMs: 1000 }).counters())).toBe('timeout');
    michigan.control.clearFaults();
  });
});
