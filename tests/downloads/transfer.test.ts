import { createHash, randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError } from '../../electron/services/downloads/errors';
import { partPathOf, runTransfer, type ResumeInfo, type TransferOptions } from '../../electron/services/downloads/transfer';
import { createDispatcher } from '../../electron/services/cloudgene/http';
import { startForwardProxy } from '../support/forward-proxy';
import { startFakeResultServer, type FakeResultServer } from './support/fake-result-server';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let dir: string;
let server: FakeResultServer | null = null;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-transfer-'));
});
afterEach(async () => {
  await server?.close();
  server = null;
  await fs.rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DownloadError);
    return error as DownloadError;
  }
  throw new Error('expected the transfer to fail');
}

/** A transfer the server cuts after `afterBytes`: its error, and the resume link it reported. */
async function brokenTransfer(options: TransferOptions, afterBytes: number): Promise<{ broken: DownloadError; resume: ResumeInfo | null }> {
  let resume: ResumeInfo | null = null;
  server!.dropNextAfter(afterBytes);
  const broken = await failure(runTransfer({ ...options, onResponse: (info) => (resume = info.resume) }));
  return { broken, resume };
}

describe('runTransfer', () => {
  it('streams a local-mode answer (chunked, no length) to the file with one credit', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(300_000);
    const { hash, url } = server.addFile('statistics/snps-excluded.txt', data);
    const finalPath = path.join(dir, 'statistics', 'snps-excluded.txt');
    let credits = 0;
    const seen: (number | null)[] = [];
    const result = await runTransfer({
      url,
      finalPath,
      onCreditSpent: () => credits++,
      onResponse: ({ totalBytes, resume }) => seen.push(totalBytes, resume === null ? -1 : 1),
    });
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
    expect(result).toMatchObject({ bytes: data.length, totalBytes: null, spentCredit: true, resume: null });
    expect(seen).toEqual([null, -1]);
    expect(credits).toBe(1);
    expect(server.shareRequests.get(hash)).toBe(1);
    await expect(fs.stat(partPathOf(finalPath))).rejects.toThrow();
  });

  it('follows the S3 redirect and reports a resumable link with the exact size', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(200_000);
    const { url } = server.addFile('chr_1.zip', data);
    const finalPath = path.join(dir, 'chr_1.zip');
    const result = await runTransfer({ url, finalPath, now: () => 1_000_000 });
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
    expect(result.totalBytes).toBe(data.length);
    expect(result.resume?.url).toContain('/__s3/');
    // valid for the link's 1 h minus a safety margin
    expect(result.resume!.expiresAt).toBeGreaterThan(1_000_000 + 50 * 60_000);
    expect(result.resume!.expiresAt).toBeLessThan(1_000_000 + 60 * 60_000);
  });

  it('resumes a broken S3 transfer with Range on the pre-signed URL without a new credit', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(500_000);
    const { hash, url } = server.addFile('chr_2.zip', data);
    const finalPath = path.join(dir, 'chr_2.zip');
    const { broken, resume } = await brokenTransfer({ url, finalPath }, 300_000);
    expect(broken.code).toBe('interrupted');
    expect((await fs.stat(partPathOf(finalPath))).size).toBe(300_000);
    expect(resume).not.toBeNull();

    let credits = 0;
    const result = await runTransfer({ url, finalPath, resume, onCreditSpent: () => credits++ });
    expect(result).toMatchObject({ resumedFromBytes: 300_000, spentCredit: false, bytes: data.length });
    expect(credits).toBe(0);
    expect(server.shareRequests.get(hash)).toBe(1);
    expect(server.s3Requests.at(-1)).toEqual({ hash, range: 'bytes=300000-' });
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
  });

  it('starts over from the free URL when the server ignores Range', async () => {
    server = await startFakeResultServer({ storage: 's3', ignoreRange: true });
    const data = randomBytes(200_000);
    const { hash, url } = server.addFile('chr_3.zip', data);
    const finalPath = path.join(dir, 'chr_3.zip');
    const { resume } = await brokenTransfer({ url, finalPath }, 50_000);
    const result = await runTransfer({ url, finalPath, resume });
    expect(result.resumedFromBytes).toBe(0);
    expect(server.shareRequests.get(hash)).toBe(1);
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
  });

  it('reports an expired pre-signed link instead of spending a credit on the Cloudgene URL', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(100_000);
    const { hash, url } = server.addFile('chr_4.zip', data);
    const finalPath = path.join(dir, 'chr_4.zip');
    const { resume } = await brokenTransfer({ url, finalPath }, 10_000);
    server.options.expireLinks = true;
    const error = await failure(runTransfer({ url, finalPath, resume }));
    expect(error.code).toBe('link-expired');
    expect(server.shareRequests.get(hash)).toBe(1);
  });

  it('does not use a link past its lifetime: goes back to the Cloudgene URL (the caller decides)', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(100_000);
    const { hash, url } = server.addFile('chr_5.zip', data);
    const finalPath = path.join(dir, 'chr_5.zip');
    const stale: ResumeInfo = { url: `${server.url}/__s3/${hash}`, totalBytes: data.length, expiresAt: Date.now() - 1, etag: null };
    await runTransfer({ url, finalPath, resume: stale });
    expect(server.shareRequests.get(hash)).toBe(1);
    expect(server.s3Requests.every((request) => request.range === undefined)).toBe(true);
  });

  it('turns "number of max downloads exceeded." into credits-exhausted and writes nothing', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const { url } = server.addFile('chr_6.zip', randomBytes(1000), 0);
    const finalPath = path.join(dir, 'chr_6.zip');
    let credits = 0;
    const error = await failure(runTransfer({ url, finalPath, onCreditSpent: () => credits++ }));
    expect(error.code).toBe('credits-exhausted');
    expect(error.status).toBe(400);
    expect(error.serverMessage).toBe('number of max downloads exceeded.');
    expect(error.message).toMatch(/No downloads are left/);
    expect(credits).toBe(0);
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('maps unknown hashes to not-found', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const error = await failure(runTransfer({ url: `${server.url}/share/results/nope/chr_1.zip`, finalPath: path.join(dir, 'x') }));
    expect(error.code).toBe('not-found');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('never keeps a JSON error body as the result file, even with status 200', async () => {
    server = await startFakeResultServer({ storage: 'local', errorBodyWith200: true });
    const { url } = server.addFile('qc_report.txt', Buffer.from('real'));
    const finalPath = path.join(dir, 'qc_report.txt');
    const error = await failure(runTransfer({ url, finalPath }));
    expect(error.code).toBe('retired');
    expect(await fs.readdir(dir)).toEqual([]);
  });

  it('reports a refused connection as a network error that spent no credit', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const { url } = server.addFile('a.txt', Buffer.from('a'));
    await server.close();
    server = null;
    let credits = 0;
    const error = await failure(runTransfer({ url, finalPath: path.join(dir, 'a.txt'), onCreditSpent: () => credits++ }));
    expect(error.code).toBe('network');
    expect(credits).toBe(0);
  });

  it('refuses a server whose certificate is not trusted, before any request (no credit)', async () => {
    const tlsDir = path.join(import.meta.dirname, 'support', 'tls');
    const requests: string[] = [];
    const secure = https.createServer({ key: readFileSync(path.join(tlsDir, 'key.pem')), cert: readFileSync(path.join(tlsDir, 'cert.pem')) }, (req, res) => {
      requests.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    try {
      let credits = 0;
      const url = `https://localhost:${(secure.address() as AddressInfo).port}/share/results/abc/a.txt`;
      const error = await failure(runTransfer({ url, finalPath: path.join(dir, 'a.txt'), onCreditSpent: () => credits++ }));
      expect(error.code).toBe('network');
      expect(error.message).toContain("the server's certificate is not trusted");
      expect(credits).toBe(0);
      expect(requests).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => secure.close(() => resolve()));
    }
  });

  it('stops on abort and keeps the .part file', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(2_000_000);
    const { url } = server.addFile('chr_7.zip', data);
    const finalPath = path.join(dir, 'chr_7.zip');
    const controller = new AbortController();
    const error = await failure(
      runTransfer({
        url,
        finalPath,
        signal: controller.signal,
        onProgress: ({ receivedBytes }) => {
          if (receivedBytes > 100_000) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('aborted');
    const part = await fs.stat(partPathOf(finalPath));
    expect(part.size).toBeGreaterThan(0);
    await expect(fs.stat(finalPath)).rejects.toThrow();
  });
});

// runTransfer gathers body chunks into large disk writes: no byte may be lost or reordered on
// that path, at sizes well above one write batch, and on breaks.
describe('runTransfer with many write batches', () => {
  it('writes a multi-MiB chunked answer byte for byte and reports progress as it goes', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(20 * MiB + 12_345);
    const { url } = server.addFile('chr_1.zip', data);
    const finalPath = path.join(dir, 'chr_1.zip');
    const seen: number[] = [];
    const result = await runTransfer({ url, finalPath, onProgress: ({ receivedBytes }) => seen.push(receivedBytes) });
    expect(result.bytes).toBe(data.length);
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
    expect(seen.length).toBeGreaterThan(5); // per socket read: up to 1 MiB each
    expect(seen.every((bytes, i) => i === 0 || bytes > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(data.length);
  });

  it('keeps every byte received before a break, so the free resume continues exactly there', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(12 * MiB);
    const cut = 5 * MiB + 777;
    const { url } = server.addFile('chr_2.zip', data);
    const finalPath = path.join(dir, 'chr_2.zip');
    const { broken, resume } = await brokenTransfer({ url, finalPath }, cut);
    expect(broken.code).toBe('interrupted');
    expect((await fs.stat(partPathOf(finalPath))).size).toBe(cut);

    const result = await runTransfer({ url, finalPath, resume });
    expect(result).toMatchObject({ resumedFromBytes: cut, bytes: data.length });
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
  });

  it('on abort, the .part file holds exactly the bytes last reported as received', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(16 * MiB);
    const { url } = server.addFile('chr_3.zip', data);
    const finalPath = path.join(dir, 'chr_3.zip');
    const controller = new AbortController();
    let last = 0;
    const error = await failure(
      runTransfer({
        url,
        finalPath,
        signal: controller.signal,
        onProgress: ({ receivedBytes }) => {
          last = receivedBytes;
          if (receivedBytes > 3 * MiB) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('aborted');
    const part = await fs.readFile(partPathOf(finalPath));
    expect(part.length).toBe(last);
    expect(sha256(part)).toBe(sha256(data.subarray(0, last)));
  });

  it('reports an unwritable .part path as an io error and frees the connection', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(3 * MiB);
    const { url } = server.addFile('chr_4.zip', data);
    const finalPath = path.join(dir, 'chr_4.zip');
    await fs.mkdir(partPathOf(finalPath)); // a directory where the .part file should go
    const error = await failure(runTransfer({ url, finalPath }));
    expect(error.code).toBe('io');
    await fs.rmdir(partPathOf(finalPath));
    const result = await runTransfer({ url, finalPath });
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
    expect(result.bytes).toBe(data.length);
  });
});

// The .part file is opened without following a link planted at its path (issue 15).
describe('runTransfer and the .part file', () => {
  async function plantLink(finalPath: string): Promise<string> {
    const victim = path.join(dir, 'victim.txt');
    await fs.writeFile(victim, 'precious');
    await fs.symlink(victim, partPathOf(finalPath));
    return victim;
  }

  it('refuses a symbolic link at the .part path of a new transfer and leaves its target alone', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const { url } = server.addFile('chr_1.zip', randomBytes(100_000));
    const finalPath = path.join(dir, 'chr_1.zip');
    const victim = await plantLink(finalPath);
    const error = await failure(runTransfer({ url, finalPath }));
    expect(error.code).toBe('io');
    expect(error.message).toBe(
      'The file could not be written to disk. (chr_1.zip.part is a symbolic link; the download does not write through it and left it alone)',
    );
    expect(await fs.readFile(victim, 'utf8')).toBe('precious');
    expect((await fs.lstat(partPathOf(finalPath))).isSymbolicLink()).toBe(true);
    await expect(fs.stat(finalPath)).rejects.toThrow();
  });

  it('refuses a symbolic link planted before a free resume and leaves its target alone', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(300_000);
    const { url } = server.addFile('chr_2.zip', data);
    const finalPath = path.join(dir, 'chr_2.zip');
    const { resume } = await brokenTransfer({ url, finalPath }, 100_000);
    await fs.rm(partPathOf(finalPath));
    const victim = await plantLink(finalPath);
    const error = await failure(runTransfer({ url, finalPath, resume }));
    expect(error.message).toContain('chr_2.zip.part is a symbolic link');
    expect(await fs.readFile(victim, 'utf8')).toBe('precious');
  });

  it('does not resume into a .part file that is a hard link to another file', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const { url } = server.addFile('chr_4.zip', randomBytes(300_000));
    const finalPath = path.join(dir, 'chr_4.zip');
    const { resume } = await brokenTransfer({ url, finalPath }, 100_000);
    const victim = path.join(dir, 'victim.bin');
    await fs.rename(partPathOf(finalPath), victim);
    await fs.link(victim, partPathOf(finalPath));
    const before = await fs.readFile(victim);
    const error = await failure(runTransfer({ url, finalPath, resume }));
    expect(error.message).toContain('chr_4.zip.part is not a file of this download; it was left alone');
    expect((await fs.readFile(victim)).equals(before)).toBe(true);
  });

  it('replaces a stale .part file that cannot be continued, from byte 0', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(50_000);
    const { url } = server.addFile('chr_3.zip', data);
    const finalPath = path.join(dir, 'chr_3.zip');
    await fs.writeFile(partPathOf(finalPath), randomBytes(80_000));
    const result = await runTransfer({ url, finalPath });
    expect(result.bytes).toBe(data.length);
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
  });
});

// With a proxy configured, transfers go through undici's ProxyAgent: the same handler, another dispatcher.
describe('runTransfer through a proxy', () => {
  async function viaProxy(target: FakeResultServer) {
    const proxy = await startForwardProxy(Number(new URL(target.url).port));
    const dispatcher = createDispatcher({ proxyUrl: proxy.url });
    return {
      proxy,
      dispatcher,
      close: async () => {
        await dispatcher.close();
        await proxy.close();
      },
    };
  }

  it('downloads a multi-batch chunked answer through the proxy byte for byte', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(5 * MiB + 321);
    const { url } = server.addFile('chr_5.zip', data);
    const { proxy, dispatcher, close } = await viaProxy(server);
    try {
      const finalPath = path.join(dir, 'chr_5.zip');
      const result = await runTransfer({ url, finalPath, dispatcher });
      expect(result.bytes).toBe(data.length);
      expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
      expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${new URL(server.url).port}`]);
    } finally {
      await close();
    }
  });

  it('keeps what arrived before a break and resumes with Range through the proxy', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(4 * MiB);
    const cut = 3 * MiB + 5;
    const { url } = server.addFile('chr_6.zip', data);
    const { dispatcher, close } = await viaProxy(server);
    try {
      const finalPath = path.join(dir, 'chr_6.zip');
      // `proxyDispatcher` is the older name of `dispatcher`: both still work.
      const { broken, resume } = await brokenTransfer({ url, finalPath, proxyDispatcher: dispatcher }, cut);
      expect(broken.code).toBe('interrupted');
      expect((await fs.stat(partPathOf(finalPath))).size).toBe(cut);
      const result = await runTransfer({ url, finalPath, resume, dispatcher });
      expect(result).toMatchObject({ resumedFromBytes: cut, bytes: data.length });
      expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
    } finally {
      await close();
    }
  });
});
