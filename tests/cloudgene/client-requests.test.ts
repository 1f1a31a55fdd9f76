// What the client puts on the wire and how it normalises the answers of both server flavours.
import { afterEach, describe, expect, it } from 'vitest';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { CloudgeneError } from '../../electron/services/cloudgene/errors';
import { fixed, startTinyServer, type TinyHandler, type TinyServer } from './tiny-server';

let server: TinyServer | undefined;
let client: CloudgeneClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function setup(handler: TinyHandler, token: string | null = 'tok-123', path = ''): Promise<CloudgeneClient> {
  server = await startTinyServer(handler);
  client = new CloudgeneClient({ baseUrl: `${server.url}${path}/`, token: () => token, userAgent: 'ImputationDesktop/0.1.0 (linux; Node 20)' });
  return client;
}

const michiganServer = {
  name: 'Michigan Imputation Server 2',
  background: '#343a40',
  footer: '<p>x</p>',
  oauth: [],
  user: { username: 'alice', mail: 'alice@example.org', admin: false, name: 'Alice Example' },
  apps: [{ id: 'imputationserver2@2.0.12', name: 'Genotype Imputation', version: '2.0.12' }],
  deprecatedApps: [],
  loggedIn: true,
  navigation: [],
  maintenace: true,
  maintenaceMessage: '<b>Back soon</b>',
};
const topmedServer = {
  name: 'TOPMed Imputation Server',
  user: { username: 'bob', fullName: 'Bob Example', mail: 'bob@example.org', admin: true },
  apps: [{ id: 'imputationserver2@2.0.13-statgen.1', name: 'Genotype Imputation', version: '2.0.13-statgen.1' }],
  loggedIn: true,
  maintenance: false,
};

describe('CloudgeneClient requests', () => {
  it('sends the token raw in X-Auth-Token with the User-Agent, under the context path', async () => {
    const c = await setup(fixed(200, JSON.stringify(topmedServer)), 'tok-123', '/imputation');
    await c.server();
    const req = server!.requests[0]!;
    expect(req.url).toBe('/imputation/api/v2/server');
    expect(req.headers['x-auth-token']).toBe('tok-123');
    expect(req.headers.authorization).toBeUndefined();
    expect(req.headers['user-agent']).toBe('ImputationDesktop/0.1.0 (linux; Node 20)');
    expect(req.headers.accept).toBe('application/json');
  });

  it('normalises /api/v2/server of the upstream (Michigan) spelling', async () => {
    const info = await (await setup(fixed(200, JSON.stringify(michiganServer)))).server();
    expect(info).toEqual({
      name: 'Michigan Imputation Server 2',
      maintenance: true,
      maintenanceMessage: '<b>Back soon</b>',
      user: { username: 'alice', fullName: 'Alice Example', mail: 'alice@example.org', admin: false },
      apps: [{ id: 'imputationserver2@2.0.12', name: 'Genotype Imputation', version: '2.0.12' }],
      loggedIn: true,
    });
  });

  it('normalises /api/v2/server of the TOPMed spelling and the anonymous answer', async () => {
    const info = await (await setup(fixed(200, JSON.stringify(topmedServer)))).server();
    expect(info.maintenance).toBe(false);
    expect(info.maintenanceMessage).toBeNull();
    expect(info.user).toEqual({ username: 'bob', fullName: 'Bob Example', mail: 'bob@example.org', admin: true });
    await client!.close();
    await server!.close();
    const anonymous = await (await setup(fixed(200, JSON.stringify({ name: 'X', apps: [], loggedIn: false, maintenace: false })), null)).server();
    expect(anonymous).toMatchObject({ user: null, loggedIn: false, apps: [] });
    expect(server!.requests[0]!.headers['x-auth-token']).toBeUndefined();
  });

  it('verifies a token anonymously with a form body', async () => {
    const c = await setup(
      fixed(
        200,
        JSON.stringify({
          valid: true,
          message: 'API Token was created by alice and is valid.',
          username: 'alice',
          name: 'Alice',
          mail: 'a@x',
          expire: '2026-06-18T09:15:00Z',
        }),
      ),
    );
    const verdict = await c.verifyToken('the token to check');
    expect(verdict).toEqual({
      valid: true,
      message: 'API Token was created by alice and is valid.',
      username: 'alice',
      fullName: 'Alice',
      mail: 'a@x',
      expiresAt: '2026-06-18T09:15:00Z',
    });
    const req = server!.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/v2/tokens/verify');
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(req.body).get('token')).toBe('the token to check');
    expect(req.headers['x-auth-token']).toBeUndefined();
  });

  it('reads both profile bodies, with the token expiry from either', async () => {
    const upstream = {
      id: 42,
      username: 'alice',
      fullName: 'Alice Example',
      lastLogin: 'Tue May 19 13:22:04 UTC 2026',
      lockedUntil: '',
      active: true,
      loginAttempts: 0,
      role: 'user',
      mail: 'alice@example.org',
      admin: false,
      hasApiToken: true,
      apiTokenMessage: 'API Token was created by alice and is valid until Thu Jun 18 09:15:00 UTC 2026.',
      apiTokenValid: true,
    };
    const c = await setup(fixed(200, JSON.stringify(upstream)));
    const profile = await c.profile('alice');
    expect(server!.requests[0]!.url).toBe('/api/v2/users/alice/profile');
    expect(profile).toMatchObject({ username: 'alice', fullName: 'Alice Example', hasApiToken: true, apiTokenValid: true });
    expect(profile.apiTokenExpiresAt).toBe('2026-06-18T09:15:00.000Z');
    await client!.close();
    await server!.close();
    const topmed = { ...upstream, lastLogin: null, apiTokenMessage: undefined, apiTokenExpiresOn: '2026-07-01T00:00:00Z' };
    const p2 = await (await setup(fixed(200, JSON.stringify(topmed)))).profile('alice');
    expect(p2.apiTokenExpiresAt).toBe('2026-07-01T00:00:00Z');
  });

  it('uses page numbers for the job list and GET for cancel and restart', async () => {
    const job = { id: 'job-20250101-000000-000', name: 'x', state: 4, application: 'A', applicationId: 'imputationserver2', steps: [], outputParams: [] };
    const c = await setup((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url!.startsWith('/api/v2/jobs?')) res.end(JSON.stringify({ count: 1, page: 2, pageSize: 15, prev: 1, next: null, pages: [1, 2], data: [job] }));
      else if (req.url!.endsWith('/restart'))
        res.end(JSON.stringify({ success: true, message: 'Your job was successfully added to the job queue.', type: 0, time: 0 }));
      else res.end(JSON.stringify(job));
    });
    const page = await c.jobs({ page: 2 });
    expect(page).toMatchObject({ count: 1, page: 2, prev: 1, next: null, pages: [1, 2] });
    expect(page.data[0]).toMatchObject({ id: job.id, positionInQueue: -1, deletedOn: -1, startTime: 0, username: null });
    await c.cancel(job.id);
    await c.restart(job.id);
    expect(server!.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /api/v2/jobs?page=2',
      `GET /api/v2/jobs/${job.id}/cancel`,
      `GET /api/v2/jobs/${job.id}/restart`,
    ]);
  });

  it('builds download and submit URLs, keeping / inside file names', async () => {
    const c = await setup(fixed(200, '{}'), null, '/ctx');
    expect(c.downloadUrl({ hash: 'abc123', name: 'statistics/snps excluded#1.txt' })).toBe(
      `${server!.url}/ctx/share/results/abc123/statistics/snps%20excluded%231.txt`,
    );
    expect(c.submitUrl('imputationserver2@2.0.12')).toBe(`${server!.url}/ctx/api/v2/jobs/submit/imputationserver2@2.0.12`);
  });

  it('tells "API tokens may not delete" from "revoked" on a 403 to DELETE', async () => {
    const shapeB = JSON.stringify({ message: 'Forbidden', _links: { self: [{ href: '/x', templated: false }] } });
    const c = await setup((req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(shapeB);
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(topmedServer));
      }
    });
    const error = (await c.deleteJob('job-1').catch((e: unknown) => e)) as CloudgeneError;
    expect(error).toBeInstanceOf(CloudgeneError);
    expect(error.code).toBe('forbidden');
    expect(error.message).toContain('API token');
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => new CloudgeneClient({ baseUrl: 'ftp://example.org', userAgent: 'x' })).toThrow(TypeError);
  });
});
