import { createServer, request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { createDispatcher, proxyUrlFromPac, userAgent } from '../../electron/services/cloudgene/http';
import { fixed, startTinyServer, type TinyServer } from './tinyServer';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** A loopback forward proxy that sends every request, whatever host it names, to `targetPort`. */
async function startProxy(targetPort: number): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  const proxy: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const upstream = httpRequest({ host: '127.0.0.1', port: targetPort, method: req.method, path: new URL(req.url!).pathname, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  proxy.on('connect', (req, socket, head) => {
    seen.push(`CONNECT ${req.url}`);
    const upstream = connect(targetPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        proxy.closeAllConnections();
        proxy.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, seen };
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
