// The rewriter as a whole: progress with a time left, cancel, a damaged input, a disk too small
// for the estimate, and the estimate itself. Nothing half-written may stay behind.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RewriteCanceled } from '../../electron/services/rewrite/rewrite-file';
import { estimateOutput, rewriteSet, type RewriteProgress } from '../../electron/services/rewrite/rewrite-set';
import { writeRichVcf } from './fixtures';

let dir: string;
let big: { path: string; name: string; size: number };
let small: { path: string; name: string; size: number };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rewrite-pipeline-'));
  const bigPath = path.join(dir, 'chr1.vcf.gz');
  await writeRichVcf(bigPath, { samples: 30, records: 6000, blockBytes: 8000 });
  big = { path: bigPath, name: 'chr1.vcf.gz', size: (await stat(bigPath)).size };
  const smallPath = path.join(dir, 'chr2.vcf.gz');
  await writeRichVcf(smallPath, { samples: 30, records: 300, chromosome: '2' });
  small = { path: smallPath, name: 'chr2.vcf.gz', size: (await stat(smallPath)).size };
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const roomy = async () => 1e15;

describe('the rewriter', () => {
  it('reports progress over all files, in order, with a rate and the time left, ending at the total', async () => {
    const reports: RewriteProgress[] = [];
    let clock = 0;
    const folder = path.join(dir, 'progress');
    const result = await rewriteSet({
      sources: [big, small],
      folder,
      spec: { kind: 'slim-gt' },
      changeLog: null,
      expectedBytes: 1,
      batchBytes: 20_000,
      progressIntervalMs: 0,
      now: () => (clock += 100),
      freeSpace: roomy,
      onProgress: (progress) => reports.push(progress),
    });
    expect(result.files.map((file) => file.name)).toEqual(['chr1.vcf.gz', 'chr2.vcf.gz']);
    expect(reports.length).toBeGreaterThan(5);
    for (let i = 1; i < reports.length; i++) expect(reports[i]!.bytesDone).toBeGreaterThanOrEqual(reports[i - 1]!.bytesDone);
    expect(reports.at(-1)).toMatchObject({ bytesDone: big.size + small.size, bytesTotal: big.size + small.size, fileName: 'chr2.vcf.gz', fileIndex: 1 });
    expect(reports.some((report) => report.etaSeconds !== null && report.etaSeconds > 0 && report.rate > 0)).toBe(true);
    expect(reports.find((report) => report.fileIndex === 1)!.bytesDone).toBe(big.size);
    expect((await readdir(folder)).sort()).toEqual(['chr1.vcf.gz', 'chr2.vcf.gz']);
  });

  it('stops on cancel and removes what it wrote, the folder it made included', async () => {
    const abort = new AbortController();
    const folder = path.join(dir, 'canceled');
    const run = rewriteSet({
      sources: [small, big],
      folder,
      spec: { kind: 'slim-gt' },
      changeLog: 'changes.tsv',
      expectedBytes: 1,
      batchBytes: 20_000,
      progressIntervalMs: 0,
      freeSpace: roomy,
      signal: abort.signal,
      // cancel in the middle of the second file, once the first is complete
      onProgress: (progress) => progress.fileIndex === 1 && progress.bytesDone > small.size + 30_000 && abort.abort(),
    });
    await expect(run).rejects.toBeInstanceOf(RewriteCanceled);
    await expect(stat(folder)).rejects.toThrow(/ENOENT/);
  });

  it('names a damaged file and where it breaks, and leaves no copy of any file behind', async () => {
    const damaged = path.join(dir, 'chr3.vcf.gz');
    const bytes = await readFile(big.path);
    // garble the deflate data of a block in the middle
    const middle = Math.floor(bytes.length / 2);
    for (let i = middle; i < middle + 40; i++) bytes[i] = bytes[i]! ^ 0x5a;
    await writeFile(damaged, bytes);
    const folder = path.join(dir, 'existing');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    await writeFile(path.join(folder, 'notes.txt'), 'mine');
    const run = rewriteSet({
      sources: [small, { path: damaged, name: 'chr3.vcf.gz', size: bytes.length }],
      folder,
      spec: { kind: 'slim-gt' },
      changeLog: 'changes.tsv',
      expectedBytes: 1,
      batchBytes: 20_000,
      freeSpace: roomy,
    });
    await expect(run).rejects.toThrow(/^chr3\.vcf\.gz is damaged near byte \d+: a BGZF block (does not inflate|fails its checksum)/);
    // the folder was there before: it stays, with only what was there
    expect(await readdir(folder)).toEqual(['notes.txt']);
  });

  it('refuses before writing anything when the disk cannot hold the estimate', async () => {
    const folder = path.join(dir, 'full');
    const run = rewriteSet({
      sources: [big],
      folder,
      spec: { kind: 'slim-gt' },
      changeLog: null,
      expectedBytes: 3_000_000_000,
      freeSpace: async () => 1_500_000_000,
    });
    await expect(run).rejects.toMatchObject({
      code: 'disk-full',
      message: `Not enough free space for the copies in ${folder}: they need about 3.4 GB, and 1.5 GB is free. Free some space or choose another results folder; nothing was written.`,
    });
    await expect(stat(folder)).rejects.toThrow(/ENOENT/);
  });

  it('names a file that is not BGZF when asked for an estimate', async () => {
    const plain = path.join(dir, 'plain.vcf.gz');
    const { gzipSync } = await import('node:zlib');
    await writeFile(plain, gzipSync('##fileformat=VCFv4.2\n'));
    await expect(estimateOutput([{ path: plain, name: 'plain.vcf.gz', size: 40 }], { kind: 'slim-gt' })).rejects.toThrow(
      'plain.vcf.gz is not compressed with bgzip (BGZF), so no copy can be made of it.',
    );
  });

  it('estimates the size of slim copies from samples of the file, close to what is written', async () => {
    const sampled = await estimateOutput([big], { kind: 'slim-gt' }, { windowBytes: 40_000, windows: 4 });
    const whole = await estimateOutput([small], { kind: 'slim-gt' });
    const folder = path.join(dir, 'estimate');
    const result = await rewriteSet({ sources: [big, small], folder, spec: { kind: 'slim-gt' }, changeLog: null, expectedBytes: 1, freeSpace: roomy });
    const [bigOut, smallOut] = result.files.map((file) => file.size) as [number, number];
    expect(sampled.inputBytes).toBe(big.size);
    expect(Math.abs(sampled.outputBytes - bigOut) / bigOut).toBeLessThan(0.1);
    expect(Math.abs(whole.outputBytes - smallOut) / smallOut).toBeLessThan(0.05);
  });
});
