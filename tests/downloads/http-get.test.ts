// The downloads' direct HTTP client against loopback servers that send exact bytes: framing
// (length, chunked, until close), broken answers, timeouts, abort, back-pressure and TLS.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import type { Answer } from '../../electron/services/downloads/answer';
import { MAX_QUEUED_BYTES } from '../../electron/services/downloads/batch-queue';
import { HttpGetError, httpGet } from '../../electron/services/downloads/http-get';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const tlsDir = path.join(import.meta.dirname, 'support', 'tls');

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

interface RawServer {
  url: string;
  /** The raw request heads received, in order. */
  requests: string[];
}

/** A server that answers every connection with `respond(socket)` after reading the request head. */
async function rawServer(respond: (socket: net.Socket) => unknown, secure = false): Promise<RawServer> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      requests.push(head);
      void respond(socket);
    };
    socket.on('data', onData);
  };
  const server = secure
    ? tls.createServer({ key: readFileSync(path.join(tlsDir, 'key.pem')), cert: readFileSync(path.join(tlsDir, 'cert.pem')) }, onConnection)
    : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const port = (server.address() as AddressInfo).port;
  return { url: `${secure ? 'https://localhost' : 'http://127.0.0.1'}:${port}/share/results/abc/chr_1.zip?x=1`, requests };
}

/** Writes `pieces` one at a time with a pause between, so the client sees them as separate reads. */
async function trickle(socket: net.Socket, pieces: (string | Buffer)[], end = true): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
  if (end) socket.end();
}

/** The whole body through `pump`, as the transfer uses it (copies: segment memory is reused). */
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

function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = Math.min(sizes[i++ % sizes.length], data.length - at);
    out.push(Buffer.from(`${size.toString(16)}\r\n`), data.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return out;
}

describe('httpGet', () => {
  it('sends one GET with Host, Range and Connection: close, and reads a Content-Length body', async () => {
    const data = randomBytes(3 * MiB + 123);
    const server = await rawServer((socket) => {
      socket.write(`HTTP/1.1 206 Partial Content\r\nContent-Length: ${data.length}\r\nETag: "a"\r\nX-Twice: 1\r\nX-Twice: 2\r\n\r\n`);
      socket.end(data);
    });
    const answer = await httpGet(server.url, { timeoutMs: 5000, headers: { range: 'bytes=10-' }, userAgent: 'Test/1' });
    expect(answer.statusCode).toBe(206);
    expect(answer.headers.etag).toBe('"a"');
    expect(answer.headers['x-twice']).toEqual(['1', '2']);
    const { data: got, error, batches } = await drain(answer);
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
    expect(batches).toBeGreaterThanOrEqual(3); // ~1 MiB per write
    const request = server.requests[0];
    expect(request).toMatch(/^GET \/share\/results\/abc\/chr_1\.zip\?x=1 HTTP\/1\.1\r\n/);
    expect(request).toContain(`Host: 127.0.0.1:${new URL(server.url).port}\r\n`);
    expect(request).toContain('range: bytes=10-\r\n');
    expect(request).toContain('Connection: close\r\n');
    expect(request).toContain('User-Agent: Test/1\r\n');
    expect(server.requests).toHaveLength(1);
  });

  it('decodes chunked framing split anywhere, with extensions and trailers, byte for byte', async () => {
    const data = randomBytes(200_000);
    const wire = Buffer.concat(chunked(data, [1, 7, 65_536, 3, 40_000]));
    // chunk extensions and a trailer, then cut the wire into odd pieces (splits inside size lines and CRLFs)
    const withExtras = Buffer.concat([Buffer.from('5;name=value\r\nhello\r\n'), wire.subarray(0, wire.length - 2), Buffer.from('X-Check: 1\r\n\r\n')]);
    const pieces: Buffer[] = [];
    for (let at = 0, i = 0; at < withExtras.length; i++) {
      const size = [1, 2, 3, 5000, 1, 70_000][i % 6];
      pieces.push(withExtras.subarray(at, at + size));
      at += size;
    }
    const server = await rawServer((socket) => trickle(socket, ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n', ...pieces], false));
    const answer = await httpGet(server.url, { timeoutMs: 5000 });
    const { data: got, error } = await drain(answer);
    expect(error).toBeNull();
    expect(got.subarray(0, 5).toString()).toBe('hello');
    expect(sha256(got.subarray(5))).toBe(sha256(data));
  });

  it('skips an interim 100 answer and reads a head that arrives one byte at a time', async () => {
    const head = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n';
    const server = await rawServer((socket) => trickle(socket, [...head.split(''), 'abcde']));
    const answer = await httpGet(server.url, { timeoutMs: 5000 });
    expect(answer.statusCode).toBe(200);
    expect((await drain(answer)).data.toString()).toBe('abcde');
  });

  it('reads a body without length or chunking until the server closes', async () => {
    const data = randomBytes(2 * MiB);
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.0 200 OK\r\nContent-Type: binary/octet-stream\r\n\r\n');
      socket.end(data);
    });
    const { data: got, error } = await drain(await httpGet(server.url, { timeoutMs: 5000 }));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
  });

  it('cuts an answer at its Content-Length', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdEXTRA'));
    expect((await drain(await httpGet(server.url, { timeoutMs: 5000 }))).data.toString()).toBe('abcd');
  });

  it('gives a premature close as an error after writing every byte that came', async () => {
    const server = await rawServer((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 3000000\r\n\r\n');
      socket.end(Buffer.alloc(1_500_000, 7));
    });
    const { data, error } = await drain(await httpGet(server.url, { timeoutMs: 5000 }));
    expect(data.length).toBe(1_500_000);
    expect(error).toBeInstanceOf(HttpGetError);
    expect((error as HttpGetError).code).toBe('HTTP_PREMATURE_CLOSE');
  });

  it('gives a chunked answer that stops before its last chunk as a premature close', async () => {
    const server = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n4\r\nef'));
    const { data, error } = await drain(await httpGet(server.url, { timeoutMs: 5000 }));
    expect(data.toString()).toBe('abcdef');
    expect((error as HttpGetError).code).toBe('HTTP_PREMATURE_CLOSE');
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.2\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabcd\r\n0\r\n\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcd\r\n0\r\n\r\n'],
    ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde'],
    ['a compressed body we did not ask for', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  more\r\nContent-Length: 0\r\n\r\n'],
  ])('refuses %s as a bad answer', async (_name, wire) => {
    const server = await rawServer((socket) => socket.end(wire));
    const error = await httpGet(server.url, { timeoutMs: 5000 }).then(
      async (answer) => (await drain(answer)).error,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(HttpGetError);
    expect((error as HttpGetError).code).toBe('HTTP_BAD_RESPONSE');
  });

  it('refuses a header block larger than 64 KiB', async () => {
    const server = await rawServer((socket) =>
      trickle(socket, ['HTTP/1.1 200 OK\r\n', ...Array.from({ length: 40 }, (_, i) => `X-${i}: ${'a'.repeat(2000)}\r\n`)], false),
    );
    await expect(httpGet(server.url, { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'HTTP_BAD_RESPONSE' });
  });

  it('times out a server that never answers, and one that stalls mid-body', async () => {
    const silent = await rawServer(() => undefined);
    await expect(httpGet(silent.url, { timeoutMs: 300 })).rejects.toMatchObject({ code: 'HTTP_HEADERS_TIMEOUT' });

    const stalling = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789'));
    const { data, error } = await drain(await httpGet(stalling.url, { timeoutMs: 300 }));
    expect(data.toString()).toBe('0123456789');
    expect((error as HttpGetError).code).toBe('HTTP_BODY_TIMEOUT');
  });

  it('does not time out while the disk holds the body back', async () => {
    const data = randomBytes(MAX_QUEUED_BYTES * 2);
    const server = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`);
      socket.end(data);
    });
    // Each batch takes 60 ms to "write": the queue fills, the socket pauses for longer than the timeout.
    const answer = await httpGet(server.url, { timeoutMs: 200 });
    const { data: got, error } = await drain(answer, () => new Promise((resolve) => setTimeout(resolve, 60)));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
  });

  it('stops on abort and on a failing sink, with their own errors', async () => {
    const server = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${100 * MiB}\r\n\r\n${'x'.repeat(2 * MiB)}`));
    const controller = new AbortController();
    const answer = await httpGet(server.url, { timeoutMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await drain(answer)).error).toMatchObject({ code: 'HTTP_ABORTED' });

    const full = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    const second = await httpGet(server.url, { timeoutMs: 5000 });
    await expect(second.body.pump(() => Promise.reject(full))).rejects.toBe(full);
  });

  it('gives a refused connection as the socket error', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await expect(httpGet(`http://127.0.0.1:${port}/x`, { timeoutMs: 5000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reads over TLS and checks the certificate', async () => {
    const data = randomBytes(3 * MiB);
    const server = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${data.length}\r\n\r\n`);
      socket.end(data);
    }, true);
    const ca = readFileSync(path.join(tlsDir, 'cert.pem'));
    const { data: got, error } = await drain(await httpGet(server.url, { timeoutMs: 5000, tls: { ca } }));
    expect(error).toBeNull();
    expect(sha256(got)).toBe(sha256(data));
    // Without our test authority the self-signed certificate is refused.
    await expect(httpGet(server.url, { timeoutMs: 5000 })).rejects.toMatchObject({ code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY/) });
  });

  it('gives the text of a small error answer', async () => {
    const json = '{"success":false,"message":"number of max downloads exceeded."}';
    const server = await rawServer((socket) =>
      socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`),
    );
    const answer = await httpGet(server.url, { timeoutMs: 5000 });
    expect(answer.statusCode).toBe(400);
    expect(JSON.parse(await answer.body.text(64 * 1024))).toEqual({ success: false, message: 'number of max downloads exceeded.' });
  });
});
