/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startEmulator } from '../../electron/emulator/index';
import type { RunningEmulator } from '../../electron/emulator/index';
import { call, multipart, standardParts } from './helpers';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ seed: 'demo', faults: true });
});
afterAll(async () => {
  await emu.close();
});

const control = (command: string, body: unknown = {}) =>
  call(emu, 'POST', `/__emulator/${command}`, { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('fault injection (tests only)', () => {
  it('http-error answers 502 with an HTML body for `times` requests, over the HTTP control API', async () => {
    expect((await control('setFault', { kind: 'http-error', status: 502, html: true, path: '/api/v2/jobs', times: 1 })).status).toBe(200);
    const r = await call(emu, 'GET', '/api/v2/jobs', { token: emu.token });
    expect(r.status).toBe(502);
    expect(r.headers['content-type']).toBe('text/html');
    expect(r.text).toContain('502 Bad Gateway');
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).status).toBe(200);
  });

  it('http-error 500 matches by path prefix only', async () => {
    emu.control.setFault({ kind: 'http-error', status: 500, path: '/api/v2/server/counters', times: 1 });
    expect((await call(emu, 'GET', '/api/v2/server', { token: emu.token })).status).toBe(200);
    expect((await call(emu, 'GET', '/api/v2/server/counters')).status).toBe(500);
  });

  it('drop-connection closes the connection without an answer, then the next request works', async () => {
    emu.control.setFault({ kind: 'drop-connection', path: '/api/v2/jobs', times: 1 });
    await expect(call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).rejects.toThrow();
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).status).toBe(200);
  });

  it('malformed-json answers 200 with a body that does not parse', async () => {
    emu.control.setFault({ kind: 'malformed-json', path: '/api/v2/jobs', times: 1 });
    const r = await call(emu, 'GET', '/api/v2/jobs', { token: emu.token });
    expect(r.status).toBe(200);
    expect(() => r.json()).toThrow();
  });

  it('delay holds one path while others answer', async () => {
    emu.control.setFault({ kind: 'delay', ms: 400, path: '/api/v2/jobs', times: 1 });
    const order: string[] = [];
    const slow = call(emu, 'GET', '/api/v2/jobs', { token: emu.token }).then((r) => {
      order.push('delayed');
      return r;
    });
    const fast = call(emu, 'GET', '/api/v2/server/counters').then((r) => {
      order.push('other');
      return r;
    });
    const [a, b] = await Promise.all([slow, fast]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(order).toEqual(['other', 'delayed']);
  });

  it('drop-download cuts the stream after N bytes (the credit is still spent)', async () => {
    const list = (await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json();
    const id = list.data.find((j: any) => j.state === 4).id;
    const file = (await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).json().outputParams[0].files.find((f: any) => f.name.endsWith('.zip'));
    const before = emu.control.downloadCount(file.hash)!;
    await control('setFault', { fault: { kind: 'drop-download', afterBytes: 100, path: '/share/results/', times: 1 } });
    await expect(call(emu, 'GET', `/share/results/${file.hash}/${file.name}`)).rejects.toThrow();
    expect(emu.control.downloadCount(file.hash)).toBe(before - 1);
    const ok = await call(emu, 'GET', `/share/results/${file.hash}/${file.name}`);
    expect(ok.body.length).toBeGreaterThan(100);
  });

  it('drop-upload kills the connection mid-body; no job is created', async () => {
    const other = emu.control.addUser({ username: 'uploader' });
    emu.control.setFault({ kind: 'drop-upload', afterBytes: 1000, times: 1 });
    const { body, contentType } = multipart(standardParts(Buffer.alloc(200_000, 7)));
    await expect(
      request(`${emu.url}/api/v2/jobs/submit/imputationserver2`, {
        method: 'POST',
        body,
        headers: { 'content-type': contentType, 'x-auth-token': other.token },
      }).then((r) => r.body.text()),
    ).rejects.toThrow();
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: other.token })).json().count).toBe(0);
  });

  it('control API: advanceClock, setMaintenance, revokeApiToken, createApiToken, getJob, clearFaults', async () => {
    const now = (await control('now')).json().result as number;
    await control('advanceClock', { ms: 1000 });
    expect((await control('now')).json().result).toBeGreaterThanOrEqual(now + 1000);
    await control('setMaintenance', { on: true, message: 'soon back' });
    expect((await call(emu, 'GET', '/api/v2/server')).json().maintenaceMessage).toBe('soon back');
    await control('setMaintenance', { on: false });
    const u = (await control('addUser', { username: 'remote' })).json().result;
    await control('revokeApiToken', { user: 'remote' });
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: u.token })).status).toBe(403);
    const fresh = (await control('createApiToken', { user: 'remote', expiresInDays: 1 })).json().result.token;
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: fresh })).status).toBe(200);
    const ids = (await control('seedJobs', { n: 3, user: 'remote' })).json().result;
    expect((await control('getJob', { id: ids[0] })).json().result.state).toBeTypeOf('number');
    await control('setFault', { kind: 'http-error', status: 500 });
    expect((await call(emu, 'GET', '/api/v2/server')).status).toBe(500);
    await control('clearFaults');
    expect((await call(emu, 'GET', '/api/v2/server')).status).toBe(200);
    expect((await control('bogus')).status).toBe(404);
  });
});
