import { afterEach, describe, expect, it } from 'vitest';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { createDispatcher, proxyConfigured, proxyUrlFromPac, userAgent } from '../../electron/services/cloudgene/http';
import { startForwardProxy } from '../support/forward-proxy';
import { fixed, startTinyServer, type TinyServer } from './tiny-server';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function startProxy(targetPort: number): Promise<{ url: string; seen: string[] }> {
  const proxy = await startForwardProxy(targetPort);
  closers.push(() => proxy.close());
  return proxy;
}

async function target(): Promise<TinyServer> {
  const server = await startTinyServer(fixed(200, JSON.stringify({ complete: { runs: 5 }, queue: { size: 2 }, users: 9 })));
  closers.push(() => server.close());
  return server;
}

describe('dispatcher and proxy', () => {
  it('sends requests for a named server through HTTP_PROXY', async () => {
    const server = await target();
    const port = new URL(server.url).port;
    const proxy = await startProxy(Number(port));
    const dispatcher = createDispatcher({ env: { HTTP_PROXY: proxy.url } });
    const client = new CloudgeneClient({ baseUrl: `http://cloudgene.example.test:${port}`, userAgent: 'x', dispatcher });
    closers.push(() => dispatcher.close());
    expect(await client.counters()).toEqual({ complete: { runs: 5 }, queueSize: 2, users: 9 });
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]).toContain(`cloudgene.example.test:${port}`);
  });

  it('never proxies loopback (the built-in demo server)', async () => {
    const server = await target();
    const proxy = await startProxy(Number(new URL(server.url).port));
    const dispatcher = createDispatcher({ env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } });
    closers.push(() => dispatcher.close());
    const client = new CloudgeneClient({ baseUrl: server.url, userAgent: 'x', dispatcher });
    await client.counters();
    expect(proxy.seen).toHaveLength(0);
    expect(server.requests).toHaveLength(1);
  });

  it('honours an explicit proxy from the system settings (Electron session)', async () => {
    const server = await target();
    const port = new URL(server.url).port;
    const proxy = await startProxy(Number(port));
    const dispatcher = createDispatcher({ proxyUrl: proxyUrlFromPac(`PROXY ${new URL(proxy.url).host}; DIRECT`) });
    closers.push(() => dispatcher.close());
    const client = new CloudgeneClient({ baseUrl: `http://cloudgene.example.test:${port}`, userAgent: 'x', dispatcher });
    await client.counters();
    expect(proxy.seen).toHaveLength(1);
  });

  it('says whether a proxy may be used (downloads then leave their direct client for undici)', () => {
    expect(proxyConfigured({ proxyUrl: null })).toBe(false);
    expect(proxyConfigured({ proxyUrl: 'http://p:8080' })).toBe(true);
    expect(proxyConfigured({ env: {} })).toBe(false);
    expect(proxyConfigured({ env: { https_proxy: 'http://p:8080' } })).toBe(true);
    expect(proxyConfigured({ env: { HTTP_PROXY: 'http://p:8080' } })).toBe(true);
  });

  it('reads proxy answers of session.resolveProxy()', () => {
    expect(proxyUrlFromPac('DIRECT')).toBeNull();
    expect(proxyUrlFromPac('PROXY proxy.local:3128; DIRECT')).toBe('http://proxy.local:3128');
    expect(proxyUrlFromPac('HTTPS secure.local:443')).toBe('https://secure.local:443');
    expect(proxyUrlFromPac('SOCKS5 s:1080; PROXY p:8080')).toBe('http://p:8080');
    expect(proxyUrlFromPac('DIRECT; PROXY p:8080')).toBeNull();
  });

  it('names the app, its version, the platform and Node in the User-Agent', () => {
    expect(userAgent('1.2.3', 'darwin', '24.1.0')).toBe('ImputationDesktop/1.2.3 (darwin; Node 24.1.0)');
  });
});
