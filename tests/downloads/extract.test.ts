import { randomBytes } from 'node:crypto';
import { promises as fs, writeFileSync } from 'node:fs';
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

  it('opens a zip whose password the server HTML-escaped (docs/server-behaviour.md#escaped-values)', async () => {
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

  it('never replaces a file that is already there, and writes nothing then', async () => {
    const zip = await makeZip('chr_6.zip', { 'chr6.info.gz': info, 'qc_report.txt': info }, 'pw');
    const out = path.join(dir, 'out');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'qc_report.txt'), 'the downloaded report');
    const error = await failure(extractZip(zip, out, 'pw'));
    expect(error.code).toBe('io');
    expect(error.message).toMatch(/qc_report\.txt is already in .*never replaces a file/);
    expect(await fs.readFile(path.join(out, 'qc_report.txt'), 'utf8')).toBe('the downloaded report');
    expect((await fs.readdir(out)).sort()).toEqual(['qc_report.txt']);
  });

  it('leaves alone a file that appears while the entry is being written', async () => {
    const zip = await makeZip('chr_11.zip', { 'chr11.bin': dose }, null);
    const out = path.join(dir, 'out');
    let placed = false;
    const error = await failure(
      extractZip(zip, out, null, {
        onProgress: () => {
          if (placed) return;
          placed = true;
          writeFileSync(path.join(out, 'chr11.bin'), 'written by someone else');
        },
      }),
    );
    expect(error.code).toBe('io');
    expect(await fs.readFile(path.join(out, 'chr11.bin'), 'utf8')).toBe('written by someone else');
    expect(await fs.readdir(out)).toEqual(['chr11.bin']);
  });

  it('does nothing for an archive unpacked before (every file there with its size)', async () => {
    const zip = await makeZip('chr_7.zip', { 'chr7.info.gz': info, 'sub/chr7.bin': dose }, 'pw');
    const out = path.join(dir, 'out');
    expect((await extractZip(zip, out, 'pw')).files).toHaveLength(2);
    const again = await extractZip(zip, out, 'pw');
    expect(again).toEqual({ files: [], bytes: 0 });
    expect(sameBytes(await fs.readFile(path.join(out, 'sub', 'chr7.bin')), dose)).toBe(true);
  });

  it('refuses an entry that would unpack to far more than its packed size (a zip bomb)', async () => {
    const zip = await makeZip('chr_8.zip', { 'zeros.txt': Buffer.alloc(8 * 1024 * 1024) }, null);
    const out = path.join(dir, 'out');
    const error = await failure(extractZip(zip, out, null));
    expect(error.code).toBe('bad-zip');
    expect(error.message).toMatch(/zeros\.txt would unpack to 8\.4 MB from .* more than results ever do/);
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('refuses an archive larger in all than allowed, or than the free space', async () => {
    const zip = await makeZip('chr_9.zip', { 'chr9.bin': dose }, null);
    const out = path.join(dir, 'out');
    const tooLarge = await failure(extractZip(zip, out, null, { limits: { maxTotalBytes: 100_000 } }));
    expect(tooLarge.code).toBe('bad-zip');
    expect(tooLarge.message).toMatch(/more than the 100 kB allowed/);
    const full = await failure(extractZip(zip, out, null, { freeBytes: async () => 64 * 1024 * 1024 }));
    expect(full.code).toBe('disk-full');
    expect(full.message).toMatch(/needs 300 kB, 67\.1 MB is free/);
    await expect(fs.stat(out)).rejects.toThrow();
    expect((await extractZip(zip, out, null, { freeBytes: async () => 100 * 1024 * 1024 })).files).toHaveLength(1);
  });

  it('stops an entry that unpacks to more than it declares', async () => {
    const zip = await makeZip('chr_10.zip', { 'a.bin': dose }, null);
    const bytes = await fs.readFile(zip);
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt32LE(1000, central + 24); // the central directory's uncompressed size
    await fs.writeFile(zip, bytes);
    const out = path.join(dir, 'out');
    const error = await failure(extractZip(zip, out, null));
    expect(error.code).toBe('bad-zip');
    expect(error.message).toContain('chr_10.zip: a.bin');
    await expect(fs.stat(out)).rejects.toThrow();
  });

  it('refuses entries whose names differ only in case, or hide characters', async () => {
    const odd: Array<Record<string, Buffer>> = [{ 'A.txt': info, 'a.txt': info }, { 'report\u202etxt.exe': info }, { 'chr\u200b1.txt': info }];
    for (const entries of odd) {
      const zip = await makeZip('odd.zip', entries, null);
      const out = path.join(dir, 'out');
      expect((await failure(extractZip(zip, out, null))).code).toBe('unsafe-name');
      await expect(fs.stat(out)).rejects.toThrow();
    }
  });
});
