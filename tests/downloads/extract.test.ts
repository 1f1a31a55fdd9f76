import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BlobWriter, Uint8ArrayReader, ZipWriter } from '@zip.js/zip.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DownloadError } from '../../electron/services/downloads/errors';
import { extractZip, passwordCandidates } from '../../electron/services/downloads/extract';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dl-extract-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function makeZip(name: string, entries: Record<string, Buffer>, password: string | null, encryption: 'zipcrypto' | 'aes' = 'zipcrypto'): Promise<string> {
  const writer = new ZipWriter(new BlobWriter('application/zip'), { useWebWorkers: false });
  for (const [entryName, data] of Object.entries(entries)) {
    await writer.add(entryName, new Uint8ArrayReader(new Uint8Array(data)), {
      // Random bytes do not compress: store them (deflating them in JS is slow); text is deflated.
      level: entryName.endsWith('.bin') || entryName.includes('dose') ? 0 : 6,
      ...(password === null ? {} : encryption === 'zipcrypto' ? { password, zipCrypto: true } : { password, encryptionStrength: 3 as const }),
    });
  }
  const blob = await writer.close();
  const file = path.join(dir, name);
  await fs.writeFile(file, Buffer.from(await blob.arrayBuffer()));
  return file;
}

async function failure(promise: Promise<unknown>): Promise<DownloadError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DownloadError);
    return error as DownloadError;
  }
  throw new Error('expected extraction to fail');
}

// Buffer.equals, not toEqual: deep equality walks 300 000 elements one by one.
const sameBytes = (a: Buffer, b: Buffer) => a.equals(b);
const dose = randomBytes(300_000);
const info = Buffer.from('SNP\tREF(0)\tALT(1)\n'.repeat(5000));

describe('extractZip', () => {
  it.each(['zipcrypto', 'aes'] as const)('opens a %s zip with the right password, streaming to disk', async (encryption) => {
    const zip = await makeZip('chr_20.zip', { 'chr20.dose.vcf.gz': dose, 'chr20.info.gz': info }, 'S3cret-pw', encryption);
    const out = path.join(dir, 'out');
    const progress: number[] = [];
    const result = await extractZip(zip, out, 'S3cret-pw', { onProgress: ({ doneBytes }) => progress.push(doneBytes) });
    expect(result.files.sort()).toEqual([path.join(out, 'chr20.dose.vcf.gz'), path.join(out, 'chr20.info.gz')]);
    expect(sameBytes(await fs.readFile(path.join(out, 'chr20.dose.vcf.gz')), dose)).toBe(true);
    expect(sameBytes(await fs.readFile(path.join(out, 'chr20.info.gz')), info)).toBe(true);
    expect(result.bytes).toBe(dose.length + info.length);
    expect(progress.at(-1)).toBe(dose.length + info.length);
  });

  it.each(['zipcrypto', 'aes'] as const)('says the password is wrong (%s) and leaves nothing behind', async (encryption) => {
    const zip = await makeZip('chr_21.zip', { 'chr21.dose.vcf.gz': dose, 'chr21.info.gz': info }, 'right', encryption);
    const out = path.join(dir, 'out');
    const error = await failure(extractZip(zip, out, 'wrong'));
    expect(error.code).toBe('wrong-password');
    expect(error.message).toMatch(/password is wrong/);
    expect(error.message).toContain('chr_21.zip');
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('asks for a password when none is given', async () => {
    const zip = await makeZip('chr_1.zip', { 'a.txt': info }, 'pw');
    expect((await failure(extractZip(zip, path.join(dir, 'out'), null))).code).toBe('wrong-password');
  });

  it('opens a zip whose password the server HTML-escaped (cloudgene-api.md 5.2)', async () => {
    const zip = await makeZip('chr_2.zip', { 'a.txt': info }, 'a&amp;b&lt;c');
    const out = path.join(dir, 'out');
    await extractZip(zip, out, 'a&b<c');
    expect(sameBytes(await fs.readFile(path.join(out, 'a.txt')), info)).toBe(true);
    expect(passwordCandidates('plain')).toEqual(['plain']);
    expect(passwordCandidates('x"é')).toEqual(['x"é', 'x&quot;&#233;']);
  });

  it('keeps folders inside the zip and refuses entries that would leave the folder', async () => {
    const nested = await makeZip('ok.zip', { 'sub/dir/a.txt': info }, null);
    const out = path.join(dir, 'out');
    await extractZip(nested, out, null);
    expect(sameBytes(await fs.readFile(path.join(out, 'sub', 'dir', 'a.txt')), info)).toBe(true);

    for (const bad of ['x/../../escaped.txt', '/abs.txt', 'CON.txt']) {
      const evil = await makeZip('evil.zip', { 'fine.txt': info, [bad]: info }, null);
      const out2 = path.join(dir, 'out2');
      const error = await failure(extractZip(evil, out2, null));
      expect(error.code).toBe('unsafe-name');
      await expect(fs.stat(out2)).rejects.toThrow();
      await expect(fs.stat(path.join(dir, 'escaped.txt'))).rejects.toThrow();
    }
  });

  it('removes partial output when a later entry fails', async () => {
    const zip = await makeZip('chr_3.zip', { 'first.txt': info, 'second.bin': dose }, 'pw');
    // Damage the second entry's data: the first is written, then the second fails.
    const bytes = await fs.readFile(zip);
    const at = bytes.lastIndexOf(Buffer.from('second.bin')) - 4096;
    bytes.fill(0x55, at, at + 1024);
    await fs.writeFile(zip, bytes);
    const out = path.join(dir, 'out');
    const error = await failure(extractZip(zip, out, 'pw'));
    expect(['wrong-password', 'bad-zip']).toContain(error.code);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('reports a file that is not a zip', async () => {
    const file = path.join(dir, 'chr_4.zip');
    await fs.writeFile(file, '{"message":"download not found.","success":false}');
    expect((await failure(extractZip(file, path.join(dir, 'out'), 'pw'))).code).toBe('bad-zip');
  });

  it('stops on abort and removes what it wrote', async () => {
    const zip = await makeZip('chr_5.zip', { 'a.bin': randomBytes(2_000_000), 'b.bin': dose }, 'pw', 'aes');
    const out = path.join(dir, 'out');
    const controller = new AbortController();
    const error = await failure(
      extractZip(zip, out, 'pw', {
        signal: controller.signal,
        onProgress: ({ doneBytes }) => {
          if (doneBytes > 100_000) controller.abort();
        },
      }),
    );
    expect(error.code).toBe('aborted');
    await expect(fs.stat(out)).rejects.toThrow();
  });
});
