// The download GET on undici's Dispatcher.dispatch() against loopback servers that send exact
// bytes: framing (length, chunked, until close), answers undici must refuse, the head deadline,
// back-pressure, abort, TLS, and the ends of a connection undici 7 itself cannot take (#5360).
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { Agent } from 'undici';
import { createDispatcher } from '../../electron/services/cloudgene/http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../electron/services/downloads/answer';
import { BATCH_BYTES, MAX_QUEUED_BYTES } from '../../electron/services/downloads/batch-queue';
import { directDownloadDispatcher } from '../../electron/services/downloads/download-agent';
import { undiciGet, type UndiciGetOptions } from '../../electron/services/downloads/undici-get';
import { startForwardProxy } from '../support/forward-proxy';
import { chunked, startRawServer, tlsDir, trickle, type RawServer, type Respond } from './support/raw-server';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serve(respond: Respond, secure = false): Promise<RawServer> {
  const server = await startRawServer(respond, { secure });
  closers.push(() => server.close());
  return server;
}

const get = (url: string, options: Partial<UndiciGetOptions> = {}) =>
  undiciGet(url, { dispatcher: directDownloadDispatcher(), headDeadlineMs: 5000, bodyIdleMs: 5000, userAgent: 'Test/1', ...options });

/** The whole body through `pump`, as the transfer uses it (copies: batch memory is reused). */
async function drain(answer: Answer, onBatch?: () => Promise<void>): Promise<{ data: Buffer; error: unknown; batches: number }> {
  const parts: Buffer[] = [];
  let batches = 0;
  let error: unknown = null;
  try {
    await answer.body.pump(async (segments, bytes) => {
      batches++;
      const copy = Buffer.concat(segments);
      expect(copy.length).toBe(bytes);
      parts.push(copy);
      await onBatch?.();
    });
  } catch (caught) {
    error = caught;
  }
  return { data: Buffer.concat(parts), error, batches };
}

/** The error of a GET whose head or body fails. */
async function failureOf(url: string, options: Partial<UndiciGetOptions> = {}): Promise<{ code?: string; message: string }> {
  const error = await get(url, options).then(
    async (answer) => (await drain(answer)).error,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(Error);
  return error as { code?: string; message: string };
}

describe('undiciGet', () => {
  it('sends one GET with Host, Range, User-Agent and Connection: close, and reads a Content-Length body in batches', async () => {
    const data = randomBytes(3 * MiB + 123);
    const server = await serve((socket) => {
      socket.write(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${data.length}\r\nETag: "a"\r\nX-Twice: 1\r\nX-Twice: 2\r\n\r\n`);
      socket.end(data);
    });
    let sent = 0;
    const answer = await get(server.url, { headers: { range: 'bytes=10-' }, onRequestSent: () => sent++ });
    expect(answer.statusCode).toBe(206);
    expect(answer.headers.etag).toBe('"a"');
    expect(answer.headers['x-twice']).toEqual(['1', '2']);
    const { data: got, error, batches } = await drain(answer);
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
    expect(batches).toBeGreaterThanOrEqual(3); // ~1 MiB per write
    expect(sent).toBe(1);
    const request = server.requests[0];
    expect(request).toMatch(/^GET \/share\/results\/abc\/chr_1\.zip\?x=1 HTTP\/1\.1\r\n/);
    expect(request).toContain(`host: 127.0.0.1:${server.port}\r\n`);
    expect(request).toContain('range: bytes=10-\r\n');
    expect(request).toContain('connection: close\r\n');
    expect(request).toContain('user-agent: Test/1\r\n');
    expect(request).toContain('accept-encoding: identity\r\n');
    expect(server.requests).toHaveLength(1);
  });

  it('decodes chunked framing split anywhere, with extensions and trailers, byte for byte', async () => {
    const data = randomBytes(200_000);
    const wire = Buffer.concat(chunked(data, [1, 7, 65_536, 3, 40_000]));
    const withExtras = Buffer.concat([Buffer.from('5;name=value\r\nhello\r\n'), wire.subarray(0, wire.length - 2), Buffer.from('X-Check: 1\r\n\r\n')]);
    const pieces: Buffer[] = [];
    for (let at = 0, i = 0; at < withExtras.length; i++) {
      const size = [1, 2, 3, 5000, 1, 70_000][i % 6];
      pieces.push(withExtras.subarray(at, at + size));
      at += size;
    }
    const server = await serve((socket) => trickle(socket, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', ...pieces], { end: false }));
    const { data: got, error } = await drain(await get(server.url));
    expect(error).toBeNull();
    expect(got.subarray(0, 5).toString()).toBe('hello');
    expect(sha256(got.subarray(5))).toBe(sha256(data));
  });

  it('writes a body sent in 1-byte chunks intact, in whole batches', async () => {
    const data = randomBytes(2 * MiB + 3);
    const wire = Buffer.concat(chunked(data, [1]));
    const server = await serve((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.end(wire);
    });
    const { data: got, error, batches } = await drain(await get(server.url));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
    expect(batches).toBe(3); // two full batches and the rest, not a write per byte
  });

  it('skips an interim 103 answer and reads a head that arrives one byte at a time', async () => {
    const head = 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n';
    const server = await serve((socket) => trickle(socket, [...head.split(''), 'abcde']));
    const answer = await get(server.url);
    expect(answer.statusCode).toBe(200);
    expect((await drain(answer)).data.toString()).toBe('abcde');
  });

  it('reads a body without length or chunking until the server closes', async () => {
    const data = randomBytes(2 * MiB);
    const server = await serve((socket) => {
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: binary/octet-stream\r\n\r\n');
      socket.end(data);
    });
    const { data: got, error } = await drain(await get(server.url));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
  });

  it('cuts an answer at its Content-Length', async () => {
    const server = await serve((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdEXTRA'));
    expect((await drain(await get(server.url))).data.toString()).toBe('abcd');
  });

  it.each([
    ['with keep-alive', ''],
    ['with Connection: close', 'Connection: close\r\n'],
  ])('gives a premature close (%s) as an error after writing every byte that came', async (_name, extra) => {
    const server = await serve((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\n${extra}Content-Length: 3000000\r\n\r\n`);
      socket.end(Buffer.alloc(1_500_000, 7));
    });
    const { data, error } = await drain(await get(server.url));
    expect(data.length).toBe(1_500_000);
    expect((error as { code: string }).code).toMatch(/^UND_ERR_(SOCKET|RES_CONTENT_LENGTH_MISMATCH)$/);
  });

  it('gives a chunked answer that stops before its last chunk as an error', async () => {
    const server = await serve((socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n4\r\nef'));
    const { data, error } = await drain(await get(server.url));
    expect(data.toString()).toBe('abcdef');
    expect(error).toBeInstanceOf(Error);
  });

  // What the review found the hand-written client accepted, and the rest of its refusals.
  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabcd\r\n0\r\n\r\n'],
    ['a lone CR in a chunk-size line (1\\r0)', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r0\r\nabcdefghijklmnop\r\n0\r\n\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n'],
    ['LF-only lines', 'HTTP/1.1 200 OK\nContent-Length: 4\n\nabcd'],
    ['NUL in a header value', 'HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 4\r\n\r\nabcd'],
    ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde'],
    ['Transfer-Encoding with Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n'],
    ['a compressed body we did not ask for', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n'],
    ['chunked applied twice', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  more\r\nContent-Length: 4\r\n\r\nabcd'],
    ['a sign in Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: +4\r\n\r\nabcd'],
    ['a chunk size beyond 64 bits', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffffff\r\nabcd'],
  ])('refuses %s', async (_name, wire) => {
    const server = await serve((socket) => socket.end(wire));
    const error = await failureOf(server.url);
    expect(error.message).toMatch(/[a-z]{3}/i);
  });

  it('refuses a head over 16 KiB arriving in one read', async () => {
    const head = `HTTP/1.1 200 OK\r\n${Array.from({ length: 40 }, (_, i) => `X-${i}: ${'a'.repeat(2000)}\r\n`).join('')}Content-Length: 4\r\n\r\nabcd`;
    const server = await serve((socket) => socket.end(head));
    expect((await failureOf(server.url)).code).toBe('UND_ERR_HEADERS_OVERFLOW');
  });

  it('gives the head a total deadline, not only an idle one', async () => {
    // Interim answers every 100 ms: each restarts undici's own headersTimeout, the final head never comes.
    const server = await serve((socket) =>
      trickle(
        socket,
        Array.from({ length: 100 }, () => 'HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n'),
        { gapMs: 100 },
      ),
    );
    const error = await failureOf(server.url, { headDeadlineMs: 500 });
    expect(error.code).toBe('DOWNLOAD_HEAD_DEADLINE');
    expect(error.message).toBe('no answer within 500 ms');
    // A head trickled byte by byte is cut at the deadline too.
    const slow = await serve((socket) => trickle(socket, ['HTTP/1.1 200 OK\r\n', ...'X-Slow: '.split(''), ...'a'.repeat(200).split('')], { gapMs: 40 }));
    expect((await failureOf(slow.url, { headDeadlineMs: 400 })).code).toMatch(/HEAD/);
  });

  it('times out a body that stalls, after writing what came', async () => {
    const server = await serve((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'));
    const { data, error } = await drain(await get(server.url, { bodyIdleMs: 300 }));
    expect(data.toString()).toBe('0123456789');
    expect((error as { code: string }).code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('does not time out while the disk holds the body back', async () => {
    const data = randomBytes(MAX_QUEUED_BYTES * 2);
    const server = await serve((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`);
      socket.end(data);
    });
    // Each batch takes 60 ms to "write": the queue fills and the parser pauses for longer than the timeout.
    const { data: got, error } = await drain(await get(server.url, { bodyIdleMs: 200 }), () => new Promise((resolve) => setTimeout(resolve, 60)));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
  });

  it('stops on abort and on a failing sink, with their own errors', async () => {
    const server = await serve((socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${100 * MiB}\r\n\r\n${'x'.repeat(2 * MiB)}`));
    const controller = new AbortController();
    const answer = await get(server.url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await drain(answer)).error).toMatchObject({ code: 'DOWNLOAD_ABORTED' });

    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const second = await get(server.url);
    await expect(second.body.pump(() => Promise.reject(full))).rejects.toBe(full);
  });

  it('gives a refused connection as the socket error, with no request sent', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    let sent = 0;
    await expect(get(`http://127.0.0.1:${port}/x`, { onRequestSent: () => sent++ })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(sent).toBe(0);
  });

  it('reads over TLS through the dispatcher it is given, which checks the certificate', async () => {
    const data = randomBytes(3 * MiB);
    const server = await serve((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`);
      socket.end(data);
    }, true);
    const trusting = new Agent({ connect: { ca: readFileSync(path.join(tlsDir, 'cert.pem')) } });
    closers.push(() => trusting.close());
    const { data: got, error } = await drain(await get(server.url, { dispatcher: trusting }));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
    // Without the test authority the self-signed certificate is refused before any request.
    let sent = 0;
    await expect(get(server.url, { onRequestSent: () => sent++ })).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
    expect(sent).toBe(0);
  });

  it('gives the text of a small error answer', async () => {
    const json = '{"success":false,"message":"number of max downloads exceeded."}';
    const server = await serve((socket) =>
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`),
    );
    const answer = await get(server.url);
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(await answer.body.text(64 * 1024))).toEqual({ success: false, message: 'number of max downloads exceeded.' });
  });

  it('reads no more of a huge error answer than its text limit', async () => {
    let written = 0;
    let closedEarly = false;
    const server = await serve(async (socket) => {
      socket.on('close', () => (closedEarly = written < 64 * MiB));
      socket.write(`HTTP/1.1 500 Oops\r\nContent-Length: ${64 * MiB}\r\n\r\n`);
      const piece = Buffer.alloc(MiB, 0x61);
      while (!socket.destroyed && written < 64 * MiB) {
        written += piece.length;
        if (!socket.write(piece)) await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
      }
    });
    const answer = await get(server.url);
    const text = await answer.body.text(1000);
    expect(text).toBe('a'.repeat(1000));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the close reaches the server
    expect(closedEarly).toBe(true);
  });
});

// undici 7 crashes the process (an uncatchable AssertionError) when a paused answer meets the end
// of its connection (nodejs/undici#5360). Answers pause at the head until the caller reads them,
// and whenever the disk is slower than the network.
describe('undiciGet at the end of a connection while paused', () => {
  it('survives a head and a close before the caller reads the body', async () => {
    const server = await serve((socket) => socket.end('HTTP/1.1 301 Moved Permanently\r\nLocation: /next\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    const answer = await get(server.url);
    expect(answer.statusCode).toBe(301);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the close arrives while paused
    expect(await answer.body.text(100)).toBe('');
  });

  it('survives the same through a proxy tunnel', async () => {
    const server = await serve((socket) => socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    const proxy = await startForwardProxy(server.port);
    const dispatcher = createDispatcher({ proxyUrl: proxy.url });
    closers.push(
      () => proxy.close(),
      () => dispatcher.close(),
    );
    const answer = await get(server.url, { dispatcher });
    expect(answer.statusCode).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await answer.body.text(100)).toBe('');
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${server.port}`]);
  });

  it('completes a body that the disk held back when the server closed', async () => {
    const data = randomBytes(MAX_QUEUED_BYTES + 3 * BATCH_BYTES);
    const server = await serve((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\nConnection: close\r\n\r\n`);
      socket.end(data);
    });
    const answer = await get(server.url);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { data: got, error } = await drain(answer, () => new Promise((resolve) => setTimeout(resolve, 40)));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
  });

  it('gives a close-delimited body that ends while paused in full', async () => {
    const data = randomBytes(MAX_QUEUED_BYTES + 2 * BATCH_BYTES + 7);
    const server = await serve((socket) => {
      socket.write('HTTP/1.0 200 OK\r\n\r\n');
      socket.end(data);
    });
    const { data: got, error } = await drain(await get(server.url), () => new Promise((resolve) => setTimeout(resolve, 40)));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
  });

  it('reports a reset that ends a body without length as a break, not as its end', async () => {
    const server = await serve((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n' + 'x'.repeat(12_000), () => setTimeout(() => socket.resetAndDestroy(), 30)),
    );
    const { data, error } = await drain(await get(server.url));
    expect(data.length).toBeLessThanOrEqual(12_000);
    expect((error as { code: string }).code).toBe('DOWNLOAD_RESET');
  });

  it('reports a reset while paused as a break', async () => {
    const server = await serve((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc', () => setTimeout(() => socket.resetAndDestroy(), 20)),
    );
    const answer = await get(server.url);
    await new Promise((resolve) => setTimeout(resolve, 150)); // the reset arrives while paused at the head
    const { data, error } = await drain(answer);
    expect('abc'.startsWith(data.toString())).toBe(true); // bytes not yet parsed go with the connection
    expect((error as { code: string }).code).toBe('DOWNLOAD_RESET');
  });
});
