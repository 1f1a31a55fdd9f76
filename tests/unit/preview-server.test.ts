import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPreviewServer, type RunningPreview } from '../../electron/web/preview-server';
import { createTestServices, type TestServices } from '../support/services';

let preview: RunningPreview;
let services: TestServices;

beforeAll(async () => {
  const rendererDir = await mkdtemp(path.join(os.tmpdir(), 'renderer-'));
  await mkdir(path.join(rendererDir, 'assets'));
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  services = await createTestServices();
  preview = await startPreviewServer({ rendererDir, createHandlers: async () => services.handlers });
});

afterAll(async () => {
  await preview.close();
  await services.dispose();
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${preview.origin}${pathAndQuery}`, { headers }, (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
    });
    request.on('error', reject);
  });
}

function connect(key: string, origin: string | undefined, host?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${preview.origin.replace('http', 'ws')}/ws?key=${encodeURIComponent(key)}`, {
      headers: { ...(origin ? { Origin: origin } : {}), ...(host ? { Host: host } : {}) },
    });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`HTTP ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

describe('browser preview server', () => {
  it('binds to loopback and prints a URL with a key', () => {
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?key=[\w-]{20,}$/);
  });

  it('serves the page only with the key, with the CSP and no referrer', async () => {
    expect((await get('/')).status).toBe(403);
    expect((await get('/?key=wrong')).status).toBe(403);
    const page = await get(`/?key=${preview.key}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/../../etc/passwd')).status).toBe(404);
  });

  it('answers a malformed percent-encoding with 400 and keeps serving', async () => {
    expect((await get('/assets/%E0%A4%A')).status).toBe(400);
    expect((await get('/%zz')).status).toBe(400);
    expect((await get('/assets/app.js%00')).status).toBe(400);
    expect((await get(`/?key=${preview.key}`)).status).toBe(200);
  });

  it('survives a WebSocket frame larger than it accepts', async () => {
    const socket = await connect(preview.key, preview.origin);
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = await connect(preview.key, preview.origin);
    again.close();
    expect((await get(`/?key=${preview.key}`)).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await get(`/?key=${preview.key}`, { Host: 'evil.example' })).status).toBe(403);
  });

  it('refuses a WebSocket without the key or from a foreign Origin', async () => {
    await expect(connect('', preview.origin)).rejects.toThrow('403');
    await expect(connect('wrong-key', preview.origin)).rejects.toThrow('403');
    await expect(connect(preview.key, 'https://evil.example')).rejects.toThrow('403');
    await expect(connect(preview.key, undefined)).rejects.toThrow('403');
    // the right key and Origin, but a foreign Host (a DNS-rebinding page): refused at the upgrade
    await expect(connect(preview.key, preview.origin, 'evil.example')).rejects.toThrow('403');
    (await connect(preview.key, preview.origin)).close(); // and the genuine one still connects
  });

  it('answers invoke messages with the same envelopes as Electron IPC', async () => {
    const socket = await connect(preview.key, preview.origin);
    const answer = await new Promise<unknown>((resolve) => {
      socket.once('message', (data) => resolve(JSON.parse(data.toString())));
      socket.send(JSON.stringify({ type: 'invoke', id: 7, channel: 'app:info', payload: {} }));
    });
    expect(answer).toMatchObject({ type: 'result', id: 7, envelope: { ok: true, value: { mode: 'web' } } });
    const bad = await new Promise<unknown>((resolve) => {
      socket.once('message', (data) => resolve(JSON.parse(data.toString())));
      socket.send(JSON.stringify({ type: 'invoke', id: 8, channel: 'files:register', payload: { paths: 5 } }));
    });
    expect(bad).toMatchObject({ id: 8, envelope: { ok: false, error: { code: 'invalid-request' } } });
    // the preview's surface: its in-app browser, no native dialogs and no drops from preload
    for (const [id, channel] of [
      [9, 'files:openDialog'],
      [10, 'servers:chooseDownloadDir'],
      [11, 'files:registerDropped'],
    ] as const) {
      const answer = await new Promise<unknown>((resolve) => {
        socket.once('message', (data) => resolve(JSON.parse(data.toString())));
        socket.send(JSON.stringify({ type: 'invoke', id, channel, payload: {} }));
      });
      expect(answer, channel).toMatchObject({ id, envelope: { ok: false, error: { code: 'unknown-channel' } } });
    }
    socket.close();
  });
});
