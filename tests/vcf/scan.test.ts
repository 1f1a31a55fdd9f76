// The scanner on bad input (a verdict, never a crash), worker threads, progress and cancel.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile, utimes, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { scanVcfFile, limitsFor, PreflightChecker, validateInput, compressBgzf } from '../../electron/services/vcf';
import { vcfText } from '../support/vcf-fixtures';
import { fixture, hg19, makeTempDir, scanFixture } from './helpers';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(async () => {
  await cleanup();
});

const notBgzf = (name: string): string => `The provided VCF file is malformed.\nError: [tabix] the compression of '${name}' is not BGZF`;

describe('bad input gets a verdict', () => {
  it('empty file', async () => {
    const p = join(dir, 'empty.vcf.gz');
    await writeFile(p, '');
    const s = await scanVcfFile(p);
    expect(s).toMatchObject({ fatal: notBgzf('empty.vcf.gz'), format: 'empty', fatalRule: 'not-bgzf', bytes: 0 });
  });

  it('plain text named .vcf.gz', async () => {
    const s = await scanFixture(dir, 'text.vcf.gz', { uncompressed: true });
    expect(s).toMatchObject({ fatal: notBgzf('text.vcf.gz'), format: 'text' });
  });

  it('binary junk', async () => {
    const p = join(dir, 'junk.vcf.gz');
    await writeFile(p, Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    const s = await scanVcfFile(p);
    expect(s).toMatchObject({ fatal: notBgzf('junk.vcf.gz'), format: 'binary' });
  });

  it('truncated BGZF (cut in the middle of a block)', async () => {
    const full = await scanFixture(dir, 'full.vcf.gz', { variants: 3000 });
    const s = await scanFixture(dir, 'cut.vcf.gz', { variants: 3000, truncateTo: Math.floor(full.bytes / 2) });
    expect(s.fatalRule).toBe('truncated');
    expect(s.fatal).toMatch(
      /^The provided VCF file is malformed\.\nError: \[E::bgzf_read_block\] Failed to read BGZF block data at offset \d+ expected \d+ bytes; hread returned \d+\ntbx_index_build failed: cut\.vcf\.gz$/,
    );
    expect(s.eofBlock).toBe(false);
    expect(s.samples).toBe(25);
  });

  it('missing EOF block is not fatal (tabix accepts it) but is reported', async () => {
    const s = await scanFixture(dir, 'noeof.vcf.gz', { noEofBlock: true });
    expect(s.fatal).toBeNull();
    expect(s.eofBlock).toBe(false);
    const report = new PreflightChecker().evaluate([s], hg19, limitsFor('michigan'));
    expect(report.files[0].findings.map((f) => [f.rule, f.severity])).toEqual([['bgzf-eof', 'warning']]);
  });

  it('BCF', async () => {
    const s = await scanFixture(dir, 'bcf.vcf.gz', { bcf: true });
    expect(s).toMatchObject({ format: 'bcf', fatalRule: 'bcf', fatalStage: 'validate' });
    expect(s.fatal).toBe(
      'Unable to parse header with error: Your input file has a malformed header: We never saw a header line specifying VCF version, for input source: bcf.vcf.gz',
    );
  });

  it('header without records', async () => {
    const s = await scanFixture(dir, 'hdr.vcf.gz', { variants: 0 });
    expect(s).toMatchObject({
      fatal: 'No genotypes found in the VCF file. It appears the file contains only the header.',
      variants: 0,
      samples: 25,
      firstPosition: null,
    });
  });

  it('missing ##fileformat line', async () => {
    const s = await scanFixture(dir, 'nofmt.vcf.gz', { noFileformat: true });
    expect(s.fatalRule).toBe('vcf-header');
  });

  it('very long lines (1 MB INFO) across many BGZF blocks', async () => {
    const s = await scanFixture(dir, 'long.vcf.gz', { variants: 12, infoLength: 1_000_000 });
    expect(s).toMatchObject({ fatal: null, variants: 12, samples: 25, firstPosition: 10_000, lastPosition: 21_000 });
  });

  it('CRLF line ends are accepted, as by the server', async () => {
    const s = await scanFixture(dir, 'crlf.vcf.gz', { crlf: true, phased: true });
    expect(s).toMatchObject({ fatal: null, crlf: true, phased: true, variants: 200 });
    expect(s.sampleIds.at(-1)).toBe('SAMPLE25');
  });

  it('paths with spaces and non-ASCII characters; sample IDs are HTML-escaped like the server', async () => {
    const sub = join(dir, 'Müller data ü');
    await (await import('node:fs/promises')).mkdir(sub);
    const ids = Array.from({ length: 25 }, (_, i) => (i === 24 ? 'Zoë&<1>' : `S${i}`));
    ids[23] = 'Zoë&<1>';
    const p = await fixture(sub, 'chr 20 ä.vcf.gz', { sampleIds: ids });
    const s = await scanVcfFile(p);
    expect(s.name).toBe('chr 20 ä.vcf.gz');
    expect(s.fatal).toBe('Two individuals or more have the following ID: Zo&euml;&amp;&lt;1&gt;');
  });

  it('a missing file', async () => {
    const s = await scanVcfFile(join(dir, 'nope.vcf.gz'));
    expect(s).toMatchObject({ format: 'missing', fatalRule: 'unreadable' });
  });

  it('alternating chr20 / 20 records are two sequences for tabix, in broken blocks', async () => {
    const s = await scanFixture(dir, 'mixed.vcf.gz', { mixedPrefix: true, samples: 20 });
    expect(s.fatal).toBe(
      'The provided VCF file is malformed.\nError: [E::hts_idx_push] Chromosome blocks not continuous\ntbx_index_build failed: mixed.vcf.gz',
    );
    expect(s.chromosomes).toEqual(['20']);
    expect(s.rawChromosomes).toEqual(['20', 'chr20']);
    expect(s.suggestedBuild).toBe('hg38');
    expect(validateInput([s], hg19, limitsFor('michigan')).messages[0].text).toBe(s.fatal);
  });
});

describe('parallel scan', () => {
  let big = '';
  beforeAll(async () => {
    // small ranges (64 KiB) so a small file is cut into several
    big = await fixture(dir, 'big.vcf.gz', { variants: 6_000, samples: 300, step: 1_500, missingRate: 0.02, seed: 3 });
  });

  it('gives the same summary with worker threads as inline', async () => {
    const inline = await scanVcfFile(big, { workers: 0 });
    const parallel = await scanVcfFile(big, { workers: 3, minRangeBytes: 64 << 10 });
    expect(inline.bytes).toBeGreaterThan(3 * (64 << 10));
    expect(parallel).toEqual(inline);
    expect(inline).toMatchObject({ fatal: null, variants: 6_000, samples: 300, phased: false, firstPosition: 10_000, lastPosition: 10_000 + 5_999 * 1_500 });
  });

  it('stitches lines longer than a whole range', async () => {
    const p = await fixture(dir, 'long-parallel.vcf.gz', { variants: 8, infoLength: 3_000_000, seed: 9 });
    const inline = await scanVcfFile(p, { workers: 0 });
    const parallel = await scanVcfFile(p, { workers: 3, minRangeBytes: 4 << 10 });
    expect(parallel).toEqual(inline);
    expect(inline).toMatchObject({ fatal: null, variants: 8 });
  });

  it('finds the first error in file order across range boundaries', async () => {
    // unsorted near the end, REF=ALT in the middle: tabix (unsorted) runs first and wins
    const text = vcfText({ variants: 6_000, samples: 300, step: 1_500, seed: 4, refEqualsAlt: true });
    const lines = text.split('\n');
    const last = lines.length - 3;
    [lines[last - 1], lines[last]] = [lines[last], lines[last - 1]];
    const p = join(dir, 'late-unsorted.vcf.gz');
    await writeFile(p, compressBgzf(Buffer.from(lines.join('\n'))));
    const inline = await scanVcfFile(p, { workers: 0 });
    const parallel = await scanVcfFile(p, { workers: 3, minRangeBytes: 64 << 10 });
    expect(parallel.fatal).toBe(inline.fatal);
    expect(inline.fatal).toMatch(/Unsorted positions on sequence #1: \d+ followed by \d+/);
  });

  it('reports progress up to the file size and can be cancelled', async () => {
    const seen: number[] = [];
    const s = await scanVcfFile(big, {
      workers: 2,
      minRangeBytes: 64 << 10,
      onProgress: (done, total) => {
        seen.push(done);
        expect(total).toBeGreaterThan(0);
      },
    });
    expect(seen.at(-1)).toBe(s.bytes);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    const early = new AbortController();
    early.abort();
    await expect(scanVcfFile(big, { signal: early.signal })).rejects.toMatchObject({ name: 'AbortError' });

    const mid = new AbortController();
    const scan = scanVcfFile(big, { workers: 0, signal: mid.signal, onProgress: () => mid.abort() });
    await expect(scan).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('PreflightChecker', () => {
  it('caches by path, size and modification time', async () => {
    const p = await fixture(dir, 'cache.vcf.gz', { chromosome: 'chr20' });
    const checker = new PreflightChecker();
    const limits = limitsFor('topmed');
    const opts = { ...hg19, build: 'hg38', refpanelId: 'topmed-r3', refpanelBuild: 'hg38' };
    const r1 = await checker.check([p], opts, limits, { workers: 0 });
    const r2 = await checker.check([p], opts, limits, { workers: 0 });
    expect(checker.scansRun).toBe(1);
    expect(r2.files[0].summary).toEqual(r1.files[0].summary);
    const later = new Date(Date.now() + 5_000);
    await utimes(p, later, later);
    await checker.check([p], opts, limits, { workers: 0 });
    expect(checker.scansRun).toBe(2);
  });

  it('lists every problem with the server text, an explanation and a fix', async () => {
    const a = await fixture(dir, 'pf-a.vcf.gz', { chromosome: 'chr20', samples: 25, missingSample: 2 });
    const b = await fixture(dir, 'pf-b.vcf.gz', { chromosome: '21', samples: 24, unsorted: true });
    const c = join(dir, 'pf-c.vcf');
    await copyFile(a, c);
    const report = await new PreflightChecker().check([a, b, c], hg19, limitsFor('michigan'), { workers: 0 });
    expect(report.ok).toBe(false);
    const rules = (i: number) => report.files[i].findings.map((f) => f.rule);
    expect(rules(0)).toEqual(['build-prefix', 'chunk-low-call-rate']);
    expect(rules(1)).toEqual(['unsorted']);
    expect(rules(2)).toEqual(['file-extension']);
    const prefix = report.files[0].findings[0];
    expect(prefix.serverMessage).toBe(
      "Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding. Please ensure that your input data is build hg19 and chromosome is encoded as '20'.",
    );
    expect(prefix.fix).toContain("gzip -dc pf-a.vcf.gz | awk 'BEGIN{FS=OFS=");
    expect(report.files[1].findings[0].fix).toBe('Sort it: bcftools sort -Oz -o pf-b.fixed.vcf.gz pf-b.vcf.gz');
    // pf-b is read on past tabix's stop: its 24 samples differ from pf-a's 25
    expect(report.crossFile.map((f) => [f.rule, f.serverMessage])).toEqual([
      ['sample-count-mismatch', 'Please double check, if all uploaded VCF files include the same amount of samples (24 vs 25)'],
    ]);
    expect(report.files[1].findings[0].firstStop).toBe(true);
    expect([...report.crossFile, ...report.files.flatMap((f) => f.findings)].filter((f) => f.firstStop)).toHaveLength(1);
    // the server itself stops at the first failure: tabix on pf-b
    expect(report.validation.messages[0].text).toMatch(/^The provided VCF file is malformed\.\nError: \[E::hts_idx_push\] Unsorted positions/);
    expect(report.files[0].summary).toMatchObject({ samples: 25, chromosomes: ['20'], suggestedBuild: 'hg38', phased: false });
  });
});
