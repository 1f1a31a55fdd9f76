import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { AppError } from '../../electron/ipc/contract';
import { secretAccounts } from '../../electron/services/secrets/secret-store';
import { parseServerUrl } from '../../electron/services/servers/server-url';
import { emulatorDemoHost, withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';

const DAY = 24 * 60 * 60 * 1000;

let michigan: RunningEmulator;
let topmed: RunningEmulator;
let services: TestServices;
let notCloudgene: http.Server;
let notCloudgeneUrl: string;

beforeAll(async () => {
  [michigan, topmed] = await Promise.all([withEmulator({ flavour: 'michigan' }), withEmulator({ flavour: 'topmed' })]);
  notCloudgene = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Welcome to nginx!</body></html>');
  });
  await new Promise<void>((resolve) => notCloudgene.listen(0, '127.0.0.1', resolve));
  notCloudgeneUrl = `http://127.0.0.1:${(notCloudgene.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await Promise.all([michigan.close(), topmed.close(), new Promise((resolve) => notCloudgene.close(resolve))]);
});

beforeEach(async () => {
  services = await createTestServices({}, { demo: emulatorDemoHost() });
});

afterEach(async () => {
  michigan.control.setMaintenance(false);
  topmed.control.setMaintenance(false);
  await services.dispose();
});

let accounts = 0;
/** A user of its own for each test, so one test's token changes never reach another's. */
function account(emulator: RunningEmulator): { username: string; token: string } {
  accounts += 1;
  return emulator.control.addUser({ username: `user${accounts}`, fullName: `Test User ${accounts}`, mail: `user${accounts}@example.org` });
}

const add = async (url: string, token: string, label?: string) => services.handlers['servers:add']({ kind: 'custom', url, token, label });

async function expectAppError(promise: Promise<unknown>, code: string): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe('server addresses', () => {
  it('accepts what users paste and refuses what would leak the token', () => {
    expect(parseServerUrl('imputationserver.sph.umich.edu')).toBe('https://imputationserver.sph.umich.edu');
    expect(parseServerUrl(' https://imputation.biodatacatalyst.nhlbi.nih.gov/index.html#!pages/jobs ')).toBe(
      'https://imputation.biodatacatalyst.nhlbi.nih.gov',
    );
    expect(parseServerUrl('https://example.org/imputation/')).toBe('https://example.org/imputation');
    expect(parseServerUrl('http://127.0.0.1:8082')).toBe('http://127.0.0.1:8082');
    expect(parseServerUrl('http://localhost:8082/')).toBe('http://localhost:8082');
    expect(() => parseServerUrl('http://imputationserver.sph.umich.edu')).toThrow(/https/);
    expect(() => parseServerUrl('ftp://example.org')).toThrow(/https/);
    expect(() => parseServerUrl('https://user:pw@example.org')).toThrow(/user name/);
    expect(() => parseServerUrl('not a url at all')).toThrow(/not a web address/);
  });
});

describe('adding a server', () => {
  it('verifies the token, shows who is signed in and keeps the token only in the secret store', async () => {
    const user = account(michigan);
    const view = await add(michigan.url, user.token);
    expect(view).toMatchObject({
      kind: 'custom',
      // named by its host, not by the name the server gives itself
      label: new URL(michigan.url).host,
      url: michigan.url,
      serverName: 'Michigan Imputation Server 2',
      user: { username: user.username, fullName: expect.stringContaining('Test User') },
      status: 'ok',
      tokenStorage: 'keychain',
    });
    expect(view.tokenExpiresAt).toBeGreaterThan(Date.now() + 29 * DAY);
    expect(view.apps.map((app) => app.id)).toContain('imputationserver2@2.0.12');
    expect(await services.secrets.get(secretAccounts.token(michigan.url))).toBe(user.token);
    expect(JSON.stringify(view)).not.toContain(user.token);
    for (const name of await readdir(services.userDataDir)) {
      expect(await readFile(path.join(services.userDataDir, name), 'utf8')).not.toContain(user.token);
    }
    expect(services.events.at(-1)?.channel).toBe('servers:changed');
  });

  it('refuses the name of a preset server for a custom server, however it is spelled, before asking the server', async () => {
    for (const label of ['TOPMed Imputation Server', 'michigan imputation server', ' Michigan  Imputation Server 2 ', 'ＴＯＰＭｅｄ Imputation\u200b Server']) {
      const error = await expectAppError(add(michigan.url, account(michigan).token, label), 'invalid-request');
      expect(error.message).toMatch(/name of a built-in server/);
    }
    expect(await services.handlers['servers:list']({})).toEqual([]);
    const view = await add(michigan.url, account(michigan).token, 'Michigan (our mirror)');
    await expectAppError(
      Promise.resolve().then(() => services.handlers['servers:update']({ id: view.id, label: 'Michigan Imputation Server 2' })),
      'invalid-request',
    );
    expect((await services.handlers['servers:update']({ id: view.id, label: 'Lab' })).label).toBe('Lab');
  });

  it('reads the TOPMed spellings (user.fullName, maintenance)', async () => {
    const view = await add(topmed.url, account(topmed).token, 'TOPMed (test)');
    expect(view.label).toBe('TOPMed (test)');
    expect(view.user?.fullName).not.toBe('');
    expect(view.status).toBe('ok');
  });

  it('says the token is invalid (401) and stores nothing', async () => {
    const error = await expectAppError(add(michigan.url, 'eyJhbGciOiJIUzI1NiJ9.garbage.garbage'), 'unauthorized');
    expect(error.message).toMatch(/did not accept this token/);
    expect(await services.handlers['servers:list']({})).toEqual([]);
    expect(await services.secrets.get(secretAccounts.token(michigan.url))).toBeNull();
  });

  it('says a revoked token was revoked or replaced (403)', async () => {
    const user = account(michigan);
    michigan.control.createApiToken(user.username); // a newer token replaces the first one
    const error = await expectAppError(add(michigan.url, user.token), 'token-revoked');
    expect(error.message).toMatch(/revoked or replaced by a newer one/);
  });

  it('says when a server is not Cloudgene, or not there at all', async () => {
    const foreign = await expectAppError(add(notCloudgeneUrl, 'token'), 'not-cloudgene');
    expect(foreign.message).toContain('not like a Cloudgene 3 imputation server');
    await expectAppError(add('http://127.0.0.1:9', 'token'), 'network');
    await expectAppError(add('http://imputation.example.org', 'token'), 'invalid-url');
  });

  it('refuses the same server twice', async () => {
    const user = account(michigan);
    await add(michigan.url, user.token);
    const error = await expectAppError(add(`${michigan.url}/`, user.token), 'invalid-request');
    expect(error.message).toContain('already in your list');
  });

  it('warns about a token that expires within 7 days, and notifies once', async () => {
    const user = account(michigan);
    const token = michigan.control.createApiToken(user.username, { expiresInDays: 3 });
    const view = await add(michigan.url, token);
    expect(view.status).toBe('expiring');
    expect(view.statusMessage).toMatch(/expires on/);
    await services.handlers['servers:refresh']({ id: view.id });
    expect(services.notifications.filter((n) => n.kind === 'token-expiring')).toHaveLength(1);
    expect(services.notifications[0]).toMatchObject({ route: 'servers', param: view.id });
  });

  it('adds a server in maintenance and says so', async () => {
    michigan.control.setMaintenance(true, 'Back on Monday.');
    const view = await add(michigan.url, account(michigan).token);
    expect(view.status).toBe('maintenance');
    expect(view.statusMessage).toContain('Back on Monday.');
  });
});

describe('a server in use', () => {
  it('marks the server when any call gets 401, and recovers with a new token', async () => {
    const own = await withEmulator(); // expireTokens() expires every token of that emulator
    try {
      const view = await add(own.url, own.token);
      own.control.expireTokens();
      await expect(services.servers.use(view.id, (client) => client.jobs())).rejects.toMatchObject({ code: 'unauthorized' });
      const marked = (await services.handlers['servers:list']({})).find((server) => server.id === view.id);
      expect(marked).toMatchObject({ status: 'expired' });
      expect(marked?.statusMessage).toMatch(/invalid or has expired/);

      const fresh = own.control.createApiToken(own.username);
      const replaced = await services.handlers['servers:replaceToken']({ id: view.id, token: fresh });
      expect(replaced.status).toBe('ok');
      expect(await services.secrets.get(secretAccounts.token(own.url))).toBe(fresh);
    } finally {
      await own.close();
    }
  });

  it('marks a token replaced by a newer one as revoked on refresh', async () => {
    const user = account(michigan);
    const view = await add(michigan.url, user.token);
    michigan.control.createApiToken(user.username);
    const refreshed = await services.handlers['servers:refresh']({ id: view.id });
    expect(refreshed.status).toBe('revoked');
  });

  it('signs out by deleting the keychain entry, and removes the server', async () => {
    const view = await add(michigan.url, account(michigan).token);
    const signedOut = await services.handlers['servers:signOut']({ id: view.id });
    expect(signedOut).toMatchObject({ status: 'signed-out', tokenStorage: 'none', tokenExpiresAt: null });
    expect(await services.secrets.get(secretAccounts.token(michigan.url))).toBeNull();
    expect(await services.handlers['servers:remove']({ id: view.id })).toEqual({ removed: true });
    expect(await services.handlers['servers:list']({})).toEqual([]);
  });

  it('starts the demo server and signs in by itself', async () => {
    const view = await services.handlers['servers:addDemo']({});
    expect(view).toMatchObject({ kind: 'demo', status: 'ok', user: { username: 'demo' } });
    const jobs = await services.servers.use(view.id, (client) => client.allJobs());
    expect(jobs.length).toBeGreaterThan(5);
    // a second click does not add a second demo server
    await services.handlers['servers:addDemo']({});
    expect((await services.handlers['servers:list']({})).filter((server) => server.kind === 'demo')).toHaveLength(1);
  });

  it('remembers servers across a restart of the services, without their tokens in any file', async () => {
    const view = await add(michigan.url, account(michigan).token);
    const again = await createTestServices({ userDataDir: services.userDataDir, secrets: services.secrets });
    expect(await again.handlers['servers:list']({})).toMatchObject([{ id: view.id, status: 'ok' }]);
    await again.servers.close();
  });
});
