// The in-app demo server: reachable only by loopback names with its own port, and nobody can sign
// in to it with a password (the app uses its token).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoHost } from '../../electron/services/servers/demo-host';

const host = createDemoHost({ info: () => undefined, warn: () => undefined, error: () => undefined });
let demo: { url: string; token: string };

beforeAll(async () => {
  demo = await host.start();
});

afterAll(async () => {
  await host.stop();
});

function request(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, demo.url);
    const outgoing = http.request(url, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('the in-app demo server', () => {
  it('answers its token under the loopback names with its own port', async () => {
    const port = new URL(demo.url).port;
    for (const name of ['127.0.0.1', 'localhost', 'LOCALHOST', '[::1]']) {
      const answer = await request('GET', '/api/v2/server', { Host: `${name}:${port}`, 'X-Auth-Token': demo.token });
      expect(answer.status, name).toBe(200);
    }
  });

  it('refuses any other Host (DNS rebinding), before any route runs', async () => {
    const port = new URL(demo.url).port;
    for (const hostHeader of [`evil.example:${port}`, '127.0.0.1', `127.0.0.1:${Number(port) + 1}`, `127.0.0.1.evil.example:${port}`]) {
      const answer = await request('GET', '/api/v2/server', { Host: hostHeader, 'X-Auth-Token': demo.token });
      expect(answer.status, hostHeader).toBe(403);
      expect(answer.body).not.toContain('Demo User');
    }
  });

  it('has no known password: demo/demo does not sign in', async () => {
    const answer = await request(
      'POST',
      '/login',
      { Host: new URL(demo.url).host, 'Content-Type': 'application/x-www-form-urlencoded' },
      'username=demo&password=demo',
    );
    expect(answer.status).toBe(401);
  });
});
