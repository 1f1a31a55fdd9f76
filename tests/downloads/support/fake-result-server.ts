// A tiny loopback server with the download behaviour of docs/server-behaviour.md#downloads-and-credits, for the cases the
// emulator does not offer (a Range request answered with 200, an expired pre-signed link, a JSON
// error body sent with 200). Local mode: chunked, no Content-Length, no Range. S3 mode: 301 to a
// pre-signed URL with Content-Length and Range. Every /share request spends a credit first.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFile {
  name: string;
  data: Buffer;
  credits: number;
}

export interface FakeServerOptions {
  storage: 'local' | 's3';
  /** S3 answers 200 with the whole file to Range requests. */
  ignoreRange?: boolean;
  /** S3 links answer 403 (expired) from then on. */
  expireLinks?: boolean;
  /** A `/share` answer of 200 whose body is a JSON error object (what a proxy might do). */
  errorBodyWith200?: boolean;
}

export interface FakeResultServer {
  url: string;
  files: Map<string, FakeFile>;
  /** Requests to /share per hash (each spent a credit unless refused). */
  shareRequests: Map<string, number>;
  s3Requests: { hash: string; range: string | undefined }[];
  options: FakeServerOptions;
  addFile(name: string, data: Buffer, credits?: number): { hash: string; url: string };
  /** The next body transfer (of any URL) is cut after this many bytes. */
  dropNextAfter(bytes: number): void;
  /** The next body transfer stalls (connection kept open, no more bytes) after this many bytes. */
  holdNextAfter(bytes: number): void;
  close(): Promise<void>;
}

export async function startFakeResultServer(options: FakeServerOptions): Promise<FakeResultServer> {
  const files = new Map<string, FakeFile>();
  const shareRequests = new Map<string, number>();
  const s3Requests: { hash: string; range: string | undefined }[] = [];
  let dropAfter: number | null = null;
  let holdAfter: number | null = null;

  const json = (res: http.ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message, success: false }));
  };

  const send = (res: http.ServerResponse, data: Buffer) => {
    const cut = dropAfter;
    dropAfter = null;
    const hold = holdAfter;
    holdAfter = null;
    if (hold !== null) {
      res.write(data.subarray(0, hold));
      return;
    }
    if (cut === null) {
      // Write in pieces so the client sees several chunks.
      let offset = 0;
      const pump = () => {
        while (offset < data.length) {
          const piece = data.subarray(offset, offset + 64 * 1024);
          offset += piece.length;
          if (!res.write(piece)) return res.once('drain', pump);
        }
        res.end();
      };
      return pump();
    }
    res.write(data.subarray(0, cut), () => setTimeout(() => res.socket?.destroy(), 20));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const share = /^\/share\/results\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (share) {
      const hash = share[1];
      const file = files.get(hash);
      if (!file) return json(res, 404, 'download not found.');
      if (file.credits === 0) return json(res, 400, 'number of max downloads exceeded.');
      if (file.credits > 0) file.credits--;
      shareRequests.set(hash, (shareRequests.get(hash) ?? 0) + 1);
      if (options.errorBodyWith200) {
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ message: 'File not found in workspace.', success: false }));
      }
      if (options.storage === 's3') {
        res.writeHead(301, { location: `/__s3/${hash}?X-Amz-Expires=3600&X-Amz-Signature=${randomBytes(8).toString('hex')}` });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no Content-Length
      return send(res, file.data);
    }
    const s3 = /^\/__s3\/([^/]+)$/.exec(url.pathname);
    if (s3) {
      const file = files.get(s3[1]);
      s3Requests.push({ hash: s3[1], range: req.headers.range });
      if (!file || options.expireLinks) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        return res.end('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
      }
      const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (range && !options.ignoreRange) {
        const start = Number(range[1]);
        res.writeHead(206, {
          'content-length': String(file.data.length - start),
          'content-range': `bytes ${start}-${file.data.length - 1}/${file.data.length}`,
          'accept-ranges': 'bytes',
          etag: '"fake"',
        });
        return send(res, file.data.subarray(start));
      }
      res.writeHead(200, { 'content-length': String(file.data.length), 'accept-ranges': 'bytes', etag: '"fake"' });
      return send(res, file.data);
    }
    json(res, 404, 'Not Found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    files,
    shareRequests,
    s3Requests,
    options,
    addFile(name, data, credits = 10) {
      const hash = randomBytes(16).toString('hex');
      files.set(hash, { name, data, credits });
      return { hash, url: `${base}/share/results/${hash}/${name.split('/').map(encodeURIComponent).join('/')}` };
    },
    dropNextAfter(bytes) {
      dropAfter = bytes;
    },
    holdNextAfter(bytes) {
      holdAfter = bytes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
