import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../electron/emulator/index';
import type { RunningEmulator } from '../../electron/emulator/index';
import { call } from './helpers';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startEmulator({ faults: true });
});
afterAll(async () => {
  await emu.close();
});

function decodeClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe('authentication (docs/server-behaviour.md#authentication)', () => {
  it('accepts the raw token in X-Auth-Token', async () => {
    const r = await call(emu, 'GET', '/api/v2/jobs', { token: emu.token });
    expect(r.status).toBe(200);
  });

  it('treats Authorization: Bearer alone as anonymous (401, shape B)', async () => {
    const r = await call(emu, 'GET', '/api/v2/jobs', { headers: { authorization: `Bearer ${emu.token}` } });
    expect(r.status).toBe(401);
    const body = r.json();
    expect(body.message).toBe('Unauthorized');
    expect(body._links.self[0].href).toBe('/api/v2/jobs');
    expect(body._embedded.errors[0].message).toBe('Unauthorized');
    expect(r.headers['content-type']).toContain('application/json');
  });

  it('rejects "X-Auth-Token: Bearer <jwt>" and garbage with 401', async () => {
    expect((await call(emu, 'GET', '/api/v2/jobs', { headers: { 'x-auth-token': `Bearer ${emu.token}` } })).status).toBe(401);
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: 'not-a-token' })).status).toBe(401);
    const forged = emu.token.slice(0, -4) + (emu.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: forged })).status).toBe(401);
  });

  it('signs HS256 API tokens with the spec claims', () => {
    const header = JSON.parse(Buffer.from(emu.token.split('.')[0], 'base64url').toString('utf8'));
    expect(header.alg).toBe('HS256');
    const claims = decodeClaims(emu.token);
    expect(claims).toMatchObject({ sub: emu.username, token_type: 'API_TOKEN', username: emu.username, api: true, roles: [], iss: 'cloudgene' });
    expect(String(claims.api_hash)).toHaveLength(30);
    expect((claims.exp as number) - (claims.iat as number)).toBe(30 * 86400);
  });

  it('answers 401 to an expired API token', async () => {
    const u = emu.control.addUser({ username: 'expiring' });
    const expired = emu.control.createApiToken(u.username, { expiresInDays: 0 });
    const r = await call(emu, 'GET', '/api/v2/jobs', { token: expired });
    expect(r.status).toBe(401);
    expect(r.json().message).toBe('Unauthorized');
  });

  it('answers 403 to a superseded or revoked API token, also on /api/v2/server', async () => {
    const u = emu.control.addUser({ username: 'rotating' });
    const newer = emu.control.createApiToken(u.username);
    const old = await call(emu, 'GET', '/api/v2/jobs', { token: u.token });
    expect(old.status).toBe(403);
    expect(old.json().message).toBe('Forbidden');
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: newer })).status).toBe(200);
    emu.control.revokeApiToken(u.username);
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: newer })).status).toBe(403);
    expect((await call(emu, 'GET', '/api/v2/server', { token: newer })).status).toBe(403);
    // a garbage token on the anonymous endpoint is simply anonymous
    const anon = await call(emu, 'GET', '/api/v2/server', { token: 'garbage' });
    expect(anon.status).toBe(200);
    expect(anon.json().loggedIn).toBe(false);
  });

  it('expireTokens() and advancing the clock past exp make tokens 401', async () => {
    const u = emu.control.addUser({ username: 'timeboxed' });
    const login = emu.control.loginToken(u.username);
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: login })).status).toBe(200);
    await call(emu, 'POST', '/__emulator/advanceClock', { body: JSON.stringify({ ms: 86_401_000 }) });
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: login })).status).toBe(401);
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: u.token })).status).toBe(200); // API token: 30 days
  });

  it('expireTokens() makes every token issued so far 401, new ones still work', async () => {
    const other = await startEmulator({});
    try {
      other.control.expireTokens();
      expect((await call(other, 'GET', '/api/v2/jobs', { token: other.token })).status).toBe(401);
      const fresh = other.control.createApiToken(other.username);
      expect((await call(other, 'GET', '/api/v2/jobs', { token: fresh })).status).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('POST /login gives a 24 h access token; wrong password 401 with the server message; lockout after 5', async () => {
    emu.control.addUser({ username: 'bob', password: 's3cret', fullName: 'Bob Example' });
    const ok = await call(emu, 'POST', '/login', { form: { username: 'bob', password: 's3cret' } });
    expect(ok.status).toBe(200);
    const body = ok.json();
    expect(body).toMatchObject({ username: 'bob', roles: ['user'], token_type: 'Bearer', expires_in: 86400 });
    const claims = decodeClaims(body.access_token);
    expect(claims.sub).toBe('bob');
    expect(claims.api).toBeUndefined();
    const json = await call(emu, 'POST', '/login', {
      body: JSON.stringify({ username: 'bob', password: 's3cret' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(200);

    const bad = await call(emu, 'POST', '/login', { form: { username: 'bob', password: 'nope' } });
    expect(bad.status).toBe(401);
    expect(bad.json().message).toBe('Login Failed! Wrong Username or Password.');
    for (let i = 0; i < 4; i++) await call(emu, 'POST', '/login', { form: { username: 'bob', password: 'nope' } });
    const locked = await call(emu, 'POST', '/login', { form: { username: 'bob', password: 's3cret' } });
    expect(locked.status).toBe(401);
    expect(locked.json().message).toBe('The user account is locked for 30 minutes. Too many failed logins.');
  });

  it('creates one API token at a time with a login token; API tokens may not manage tokens (403)', async () => {
    const u = emu.control.addUser({ username: 'carol' });
    const login = emu.control.loginToken('carol');
    const created = await call(emu, 'POST', '/api/v2/users/whoever/api-token', { token: login });
    expect(created.status).toBe(200);
    const body = created.json();
    expect(body).toMatchObject({ success: true, message: 'Creation successfull.', type: 0, time: 0 });
    expect(decodeClaims(body.token).sub).toBe('carol'); // {username} in the path is ignored
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: u.token })).status).toBe(403); // replaced
    expect((await call(emu, 'POST', '/api/v2/users/carol/api-token', { token: body.token })).status).toBe(403);
    expect((await call(emu, 'DELETE', '/api/v2/users/carol/api-token', { token: body.token })).status).toBe(403);
    expect((await call(emu, 'POST', '/api/v2/users/carol/api-token')).status).toBe(401);
    const revoked = await call(emu, 'DELETE', '/api/v2/users/carol/api-token', { token: login });
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toEqual({ success: true, message: 'Creation successfull.', type: 0, time: 0 });
    expect((await call(emu, 'GET', '/api/v2/jobs', { token: body.token })).status).toBe(403);
  });

  it('POST /api/v2/tokens/verify always answers 200', async () => {
    const u = emu.control.addUser({ username: 'dave', fullName: 'Dave Example', mail: 'dave@example.org' });
    const good = await call(emu, 'POST', '/api/v2/tokens/verify', { form: { token: u.token } });
    expect(good.status).toBe(200);
    expect(good.json()).toMatchObject({
      valid: true,
      message: 'API Token was created by %s and is valid.', // the server's constant, never formatted
      username: 'dave',
      name: 'Dave Example',
      mail: 'dave@example.org',
    });
    expect(good.json().expire).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    for (const token of ['garbage', emu.control.loginToken('dave')]) {
      const bad = await call(emu, 'POST', '/api/v2/tokens/verify', { form: { token } });
      expect(bad.status).toBe(200);
      expect(bad.json()).toMatchObject({ valid: false, message: 'Invalid API Token.', username: null, name: null, mail: null });
    }
  });

  it('profile: upstream ignores {u} and returns the caller', async () => {
    const r = await call(emu, 'GET', '/api/v2/users/me/profile', { token: emu.token });
    expect(r.status).toBe(200);
    const p = r.json();
    expect(p).toMatchObject({ username: emu.username, fullName: 'Alice Example', admin: false, hasApiToken: true, apiTokenValid: true, role: 'user' });
    expect(p.apiTokenMessage).toMatch(/^API Token was created by alice and is valid until \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\.$/);
  });

  it('verify consumes a form only: a JSON body is 415 (shape B)', async () => {
    const u = emu.control.addUser({ username: 'frank' });
    const r = await call(emu, 'POST', '/api/v2/tokens/verify', { body: JSON.stringify({ token: u.token }), headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(415);
    expect(r.json().message).toBe('Unsupported Media Type');
    expect(r.json()._links).toBeDefined();
  });

  it('profile: an expired API token "expired on <date>"; without any token apiTokenValid stays true (UserResponse defaults)', async () => {
    emu.control.addUser({ username: 'gina' });
    const login = emu.control.loginToken('gina');
    emu.control.createApiToken('gina', { expiresInDays: 0 });
    const expired = (await call(emu, 'GET', '/api/v2/users/gina/profile', { token: login })).json();
    expect(expired).toMatchObject({ hasApiToken: true, apiTokenValid: false });
    expect(expired.apiTokenMessage).toMatch(/^API Token was created by gina and expired on \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\.$/);
    emu.control.revokeApiToken('gina');
    const none = (await call(emu, 'GET', '/api/v2/users/gina/profile', { token: login })).json();
    expect(none).toMatchObject({ hasApiToken: false, apiTokenValid: true, apiTokenMessage: '' });
  });
});

describe('TOPMed flavour auth differences', () => {
  let topmed: RunningEmulator;
  beforeAll(async () => {
    topmed = await startEmulator({ flavour: 'topmed' });
  });
  afterAll(async () => {
    await topmed.close();
  });

  it('profile is 403 with an empty body unless {u} is the caller', async () => {
    const other = await call(topmed, 'GET', '/api/v2/users/someone-else/profile', { token: topmed.token });
    expect(other.status).toBe(403);
    expect(other.text).toBe('');
    const own = await call(topmed, 'GET', `/api/v2/users/${topmed.username}/profile`, { token: topmed.token });
    expect(own.status).toBe(200);
    expect(own.json()).toHaveProperty('apiTokenExpiresOn');
    expect(own.json()).not.toHaveProperty('apiTokenMessage');
  });

  it('allows 1..90 days only and spells the revoke answer differently', async () => {
    const login = topmed.control.loginToken(topmed.username);
    expect((await call(topmed, 'POST', '/api/v2/users/x/api-token?expiration=91', { token: login })).status).toBe(500);
    expect((await call(topmed, 'POST', '/api/v2/users/x/api-token?expiration=90', { token: login })).status).toBe(200);
    const revoke = await call(topmed, 'DELETE', '/api/v2/users/x/api-token', { token: login });
    expect(revoke.json().message).toBe('Creation successful.');
  });

  it('adds the security headers', async () => {
    const r = await call(topmed, 'GET', '/api/v2/server');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});
