// runTransfer gathers body chunks into large disk writes (issue 7): these check that no byte is
// lost or reordered on that path, at sizes well above one write batch, and on breaks.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError } from '../../electron/services/downloads/errors';
import { partPathOf, runTransfer, type ResumeInfo } from '../../electron/services/downloads/transfer';
import { startFakeResultServer, type FakeResultServer } from './support/fake-result-server';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

let dir: string;
let server: FakeResultServer | null = null;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-batching-'));
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

describe('runTransfer with many write batches', () => {
  it('writes a multi-MiB chunked answer byte for byte and reports progress per chunk', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(20 * MiB + 12_345);
    const { url } = server.addFile('chr_1.zip', data);
    const finalPath = path.join(dir, 'chr_1.zip');
    const seen: number[] = [];
    const result = await runTransfer({ url, finalPath, onProgress: ({ receivedBytes }) => seen.push(receivedBytes) });
    expect(result.bytes).toBe(data.length);
    expect(sha256(await fs.readFile(finalPath))).toBe(sha256(data));
    expect(seen.length).toBeGreaterThan(20);
    expect(seen.every((bytes, i) => i === 0 || bytes > seen[i - 1])).toBe(true);
    expect(seen.at(-1)).toBe(data.length);
  });

  it('keeps every byte received before a break, so the free resume continues exactly there', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(12 * MiB);
    const cut = 5 * MiB + 777;
    const { url } = server.addFile('chr_2.zip', data);
    const finalPath = path.join(dir, 'chr_2.zip');
    let resume: ResumeInfo | null = null;
    server.dropNextAfter(cut);
    const broken = await failure(runTransfer({ url, finalPath, onResponse: (info) => (resume = info.resume) }));
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
