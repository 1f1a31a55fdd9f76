// Submit mechanics against tiny loopback servers: exact bytes on the wire, progress, cancel, a
// dropped connection, changed files and early refusals.
import busboy from 'busboy';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { CloudgeneError } from '../../electron/services/cloudgene/errors';
import { snapshotFile, type UploadFile } from '../../electron/services/multipart/file-snapshot';
import type { UploadProgress } from '../../electron/services/multipart/progress';
import { submitJob } from '../../electron/services/multipart/submit';
import { TEST_TLS_CERT, TEST_TLS_KEY } from './loopback-tls';

let dir: string;
let server: Server | undefined;
let client: CloudgeneClient | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'submit-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await client?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  }
  client = undefined;
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<CloudgeneClient> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new CloudgeneClient({ baseUrl: `http://127.0.0.1:${port}/ctx`, token: 'secret-token', userAgent: 'ImputationDesktop/0.1.0 (test)' });
  return client;
}

async function makeFile(name: string, bytes: number): Promise<UploadFile> {
  const path = join(dir, name);
  await writeFile(path, randomBytes(bytes));
  return snapshotFile(path, name);
}

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  fields: [string, string][];
  files: { filename: string; size: number; sha256: string }[];
  bytes: number;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A server that parses the multipart body like Cloudgene and answers like a successful submit.
 *  `slow` pauses the request now and then so the client meets back-pressure and partial writes. */
function acceptingServer(onDone: (r: Received) => void, slow = false) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (slow) {
      let n = 0;
      req.on('data', () => {
        if (++n % 4 === 0) {
          req.pause();
          setTimeout(() => req.resume(), 2);
        }
      });
    }
    const received: Received = { url: req.url ?? '', headers: req.headers, fields: [], files: [], bytes: 0 };
    req.on('data', (c: Buffer) => (received.bytes += c.length));
    const parser = busboy({ headers: req.headers, defParamCharset: 'utf8' });
    parser.on('field', (name, value) => received.fields.push([name, value]));
    parser.on('file', (_name, stream, info) => {
      let size = 0;
      const hash = createHash('sha256');
      stream.on('data', (c: Buffer) => {
        size += c.length;
        hash.update(c);
      });
      stream.on('end', () => received.files.push({ filename: info.filename ?? '', size, sha256: hash.digest('hex') }));
    });
    parser.on('close', () => {
      onDone(received);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: true, message: 'Your job was successfully added to the job queue.', id: 'job-20260101-000000-001' }));
    });
    req.pipe(parser);
  };
}

describe('submitJob', () => {
  it('streams fields, checked checkboxes and files with an exact Content-Length and reports progress', async () => {
    let received: Received | undefined;
    const c = await serve(acceptingServer((r) => (received = r)));
    const files = [await makeFile('chr1.vcf.gz', 2 * 1024 * 1024 + 3), await makeFile('chr2.vcf.gz', 5000)];
    const events: UploadProgress[] = [];
    const result = await submitJob({
      client: c,
      appId: 'imputationserver2@2.0.12',
      fields: { refpanel: 'apps@hapmap-2@2.0.0', build: 'hg19', 'job-name': 'study A' },
      checkboxes: { aesEncryption: true, meta: false },
      files,
      onProgress: (p) => events.push(p),
    });
    expect(result).toEqual({ jobId: 'job-20260101-000000-001', message: 'Your job was successfully added to the job queue.' });
    expect(received).toBeDefined();
    const r = received!;
    expect(r.url).toBe('/ctx/api/v2/jobs/submit/imputationserver2@2.0.12');
    expect(r.headers['x-auth-token']).toBe('secret-token');
    expect(r.headers['user-agent']).toBe('ImputationDesktop/0.1.0 (test)');
    expect(Number(r.headers['content-length'])).toBe(r.bytes);
    expect(r.fields).toEqual([
      ['refpanel', 'apps@hapmap-2@2.0.0'],
      ['build', 'hg19'],
      ['job-name', 'study A'],
      ['aesEncryption', 'true'],
    ]);
    expect(r.files).toEqual([
      { filename: 'chr1.vcf.gz', size: files[0]!.size, sha256: sha256(await readFile(files[0]!.path)) },
      { filename: 'chr2.vcf.gz', size: files[1]!.size, sha256: sha256(await readFile(files[1]!.path)) },
    ]);

    expect(events.length).toBeGreaterThanOrEqual(2);
    const last = events.at(-1)!;
    expect(last.bytesSent).toBe(r.bytes);
    expect(last.totalBytes).toBe(r.bytes);
    expect(last.etaSeconds).toBe(0);
    expect(last.currentFile).toBeNull();
    expect(last.files).toEqual([
      { name: 'chr1.vcf.gz', bytesSent: files[0]!.size, size: files[0]!.size },
      { name: 'chr2.vcf.gz', bytesSent: files[1]!.size, size: files[1]!.size },
    ]);
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytesSent).toBeGreaterThanOrEqual(events[i - 1]!.bytesSent);
  });

  it('sends every byte intact through back-pressure (recycled read buffers)', async () => {
    let received: Received | undefined;
    const c = await serve(acceptingServer((r) => (received = r), true));
    const files = [await makeFile('chr3.vcf.gz', 9 * 1024 * 1024 + 511), await makeFile('chr4.vcf.gz', 3 * 1024 * 1024 - 7)];
    await submitJob({ client: c, appId: 'imputationserver2', fields: { build: 'hg38' }, files });
    expect(received!.files).toEqual(await Promise.all(files.map(async (f) => ({ filename: f.name, size: f.size, sha256: sha256(await readFile(f.path)) }))));
  });

  it('sends every byte intact over TLS through back-pressure', async () => {
    let received: Received | undefined;
    const tls = createTlsServer(
      { key: TEST_TLS_KEY, cert: TEST_TLS_CERT },
      acceptingServer((r) => (received = r), true),
    );
    server = tls;
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const { port } = tls.address() as AddressInfo;
    const dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    client = new CloudgeneClient({ baseUrl: `https://127.0.0.1:${port}`, token: 't', userAgent: 'test', dispatcher });
    const files = [await makeFile('tls1.vcf.gz', 7 * 1024 * 1024 + 99), await makeFile('tls2.vcf.gz', 2 * 1024 * 1024 + 1)];
    try {
      await submitJob({ client, appId: 'imputationserver2', fields: {}, files });
    } finally {
      await dispatcher.close();
    }
    expect(received!.files).toEqual(await Promise.all(files.map(async (f) => ({ filename: f.name, size: f.size, sha256: sha256(await readFile(f.path)) }))));
  });

  it('cancel mid-upload rejects with canceled and the server never sees a complete body', async () => {
    const controller = new AbortController();
    let serverSawEnd = false;
    const c = await serve((req) => {
      req.once('data', () => controller.abort());
      req.on('end', () => (serverSawEnd = true));
      req.resume();
    });
    // Larger than what the kernel buffers on loopback, so the body cannot be complete at the abort.
    const file = await makeFile('big.vcf.gz', 32 * 1024 * 1024);
    const error = await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file], signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CloudgeneError);
    expect((error as CloudgeneError).code).toBe('canceled');
    expect(serverSawEnd).toBe(false);
  });

  it('a connection dropped by the server is a network error saying how much was sent', async () => {
    const c = await serve((req) => {
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 1024 * 1024) req.socket.destroy();
      });
    });
    const file = await makeFile('drop.vcf.gz', 6 * 1024 * 1024);
    const error = (await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file] }).catch((e: unknown) => e)) as CloudgeneError;
    expect(error).toBeInstanceOf(CloudgeneError);
    expect(error.code).toBe('network');
    expect(error.detail).toMatch(/^the connection was closed after .+ of 6\.3 MB were sent$/);
  });

  it('refuses a file that changed since it was chosen, before sending anything', async () => {
    let requests = 0;
    const c = await serve((_req, res) => {
      requests++;
      res.end('{}');
    });
    const file = await makeFile('changed.vcf.gz', 100);
    await writeFile(file.path, randomBytes(200));
    const error = (await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file] }).catch((e: unknown) => e)) as CloudgeneError;
    expect(error.code).toBe('file-changed');
    expect(error.detail).toContain('changed.vcf.gz changed size');
    expect(requests).toBe(0);
  });

  it('stops with file-changed when a file is modified while it is sent', async () => {
    // Larger than any socket buffering, so the client is still inside the file when it is touched.
    const file = await makeFile('touched.vcf.gz', 32 * 1024 * 1024);
    let serverSawEnd = false;
    const c = await serve((req, res) => {
      req.once('data', () => {
        req.pause();
        void utimes(file.path, new Date(), new Date(Date.now() + 60_000)).then(() => req.resume());
      });
      req.on('data', () => undefined);
      req.on('end', () => {
        serverSawEnd = true;
        res.end(JSON.stringify({ success: true, message: 'added', id: 'job-1' }));
      });
    });
    const error = (await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file] }).catch((e: unknown) => e)) as CloudgeneError;
    expect(error).toBeInstanceOf(CloudgeneError);
    expect(error.code).toBe('file-changed');
    expect(error.detail).toBe('touched.vcf.gz was modified after it was chosen');
    expect(serverSawEnd).toBe(false);
  });

  it('maps an answer given before the body was read (413) to too-large', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ message: 'The content length [6291806] exceeds the maximum allowed content length [1000]' }));
    });
    const file = await makeFile('large.vcf.gz', 6 * 1024 * 1024);
    const error = (await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file] }).catch((e: unknown) => e)) as CloudgeneError;
    expect(error).toBeInstanceOf(CloudgeneError);
    expect(error.code).toBe('too-large');
  });

  it('reads a 401 the server sends before the body and then hangs up on, as the token problem', async () => {
    // Cloudgene's security filter refuses an expired token before reading the upload, then the
    // connection goes (docs/server-behaviour.md#early-401): the answer must win over "connection reset".
    const c = await serve((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ message: 'Unauthorized', _links: { self: [{ href: '/api/v2/jobs/submit/imputationserver2' }] } }), () => {
        req.socket.destroy();
      });
    });
    const file = await makeFile('large.vcf.gz', 32 * 1024 * 1024);
    const error = (await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file] }).catch((e: unknown) => e)) as CloudgeneError;
    expect(error).toBeInstanceOf(CloudgeneError);
    expect(error.code).toBe('unauthorized');
    expect(error.message).not.toMatch(/connection was closed/);
  });

  it('maps a 200 without success to bad-request with the server message', async () => {
    const c = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ success: false, message: 'Workspace error.' })));
    });
    const file = await makeFile('ok.vcf.gz', 10);
    const error = (await submitJob({ client: c, appId: 'imputationserver2', fields: {}, files: [file] }).catch((e: unknown) => e)) as CloudgeneError;
    expect(error.code).toBe('bad-request');
    expect(error.serverMessage).toBe('Workspace error.');
  });
});
