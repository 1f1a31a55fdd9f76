// What the pre-flight check reports beyond the server's first message: every problem of a file in
// one pass with the server's first stop marked, TOPMed's documented policy as warnings, one
// chromosome in several files, unsafe file names, and where the local numbers are estimates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { limitsFor, PreflightChecker, scanVcfFile, validateInput, type Finding, type PreflightReport } from '../../electron/services/vcf';
import { vcfText, type VcfSpec } from '../support/vcf-fixtures';
import { fixture, hg19, hg38, makeTempDir } from './helpers';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(async () => {
  await cleanup();
});

const michigan = limitsFor('michigan');
const topmed = limitsFor('topmed');

const all = (report: PreflightReport): Finding[] => [...report.files.flatMap((f) => f.findings), ...report.crossFile];
const rulesOf = (findings: Finding[]): string[] => findings.map((f) => f.rule);
const stops = (report: PreflightReport): Finding[] => all(report).filter((f) => f.firstStop);

async function check(files: [string, VcfSpec][], submit = hg19, limits = michigan): Promise<PreflightReport> {
  const paths: string[] = [];
  for (const [name, spec] of files) paths.push(await fixture(dir, name, spec));
  return new PreflightChecker().check(paths, submit, limits, { workers: 0 });
}

describe('every problem of a file in one pass', () => {
  it('a plain-gzip MT file with one sample: not BGZF first, and the sample count read from inside it', async () => {
    const report = await check([['mt.vcf.gz', { plainGzip: true, chromosome: 'MT', samples: 1, variants: 50 }]]);
    expect(rulesOf(report.files[0].findings)).toEqual(['not-bgzf']);
    expect(report.files[0].findings[0].firstStop).toBe(true);
    expect(report.crossFile.map((f) => [f.rule, f.serverMessage, f.firstStop])).toEqual([
      ['too-few-samples', 'At least 20 samples must be uploaded.', undefined],
    ]);
    expect(report.files[0].summary).toMatchObject({ samples: 1, chromosomes: ['MT'], variants: 50, phased: true, format: 'gzip' });
  });

  it('unsorted, a repeated sample ID, REF = ALT and too few samples in one BGZF file, in the server’s order', async () => {
    const report = await check([['many.vcf.gz', { unsorted: true, duplicateSample: true, refEqualsAlt: true, samples: 12 }]]);
    expect(rulesOf(report.files[0].findings)).toEqual(['unsorted', 'duplicate-sample', 'ref-equals-alt']);
    expect(rulesOf(report.crossFile)).toEqual(['too-few-samples']);
    expect(stops(report).map((f) => f.rule)).toEqual(['unsorted']);
    // the marked finding is exactly what the server says
    expect(stops(report)[0].serverMessage).toBe(validateInput([report.files[0].summary], hg19, michigan).messages[0].text);
  });

  it('uncompressed text with spaces: not BGZF, then not tab-delimited', async () => {
    const report = await check([['text.vcf.gz', { uncompressed: true, spaces: true }]]);
    expect(rulesOf(report.files[0].findings)).toEqual(['not-bgzf', 'not-tab-delimited']);
    expect(report.files[0].findings[1].serverMessage).toBe('The provided VCF file is not tab-delimited');
  });

  it('a cut-short plain-gzip file: the records before the break are read, the break is reported', async () => {
    const path = join(dir, 'cutgz.vcf.gz');
    await writeFile(path, gzipSync(Buffer.from(vcfText({ variants: 3000 }))).subarray(0, 20_000));
    const summary = await scanVcfFile(path, { workers: 0 });
    expect(summary.problems?.map((p) => [p.rule, p.stage])).toEqual([
      ['not-bgzf', 'index'],
      ['corrupt', 'index'],
    ]);
    expect(summary.samples).toBe(25);
    expect(summary.variants).toBeGreaterThan(100);
    expect(summary.variants).toBeLessThan(3000);
  });

  it('a plain-gzip file reads the same in a worker thread as inline, with progress and cancel', async () => {
    const path = join(dir, 'big-plain.vcf.gz');
    await writeFile(path, gzipSync(Buffer.from(vcfText({ variants: 4000, samples: 60, seed: 5, unsorted: true }))));
    const inline = await scanVcfFile(path, { workers: 0 });
    const seen: number[] = [];
    const worker = await scanVcfFile(path, { workers: 1, onProgress: (done) => seen.push(done) });
    expect(worker).toEqual(inline);
    expect(inline).toMatchObject({ variants: 4000, samples: 60, fatalRule: 'not-bgzf' });
    expect(inline.problems?.map((p) => p.rule)).toEqual(['not-bgzf', 'unsorted']);
    expect(seen.at(-1)).toBe(inline.bytes);
    const stop = new AbortController();
    const scan = scanVcfFile(path, { workers: 0, signal: stop.signal, onProgress: () => stop.abort() });
    await expect(scan).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('the first stop follows the server: tabix over all files in upload order before the validator in name order', async () => {
    const report = await check([
      ['b.vcf.gz', { unsorted: true }],
      ['a.vcf.gz', { duplicateSample: true }],
    ]);
    expect(stops(report).map((f) => f.rule)).toEqual(['unsorted']);
    const clean = await check([
      ['d.vcf.gz', { chromosome: '21', refEqualsAlt: true }],
      ['c.vcf.gz', { duplicateSample: true }],
    ]);
    expect(stops(clean).map((f) => [f.rule, f.serverMessage])).toEqual([['duplicate-sample', 'Two individuals or more have the following ID: SAMPLE1']]);
    expect(rulesOf(all(clean))).toEqual(['ref-equals-alt', 'duplicate-sample']);
  });

  it('QC comes after validation: no chunk passing is the first stop only when validation passes', async () => {
    const report = await check([['sparse.vcf.gz', { variants: 2, step: 30_000_000, startPosition: 1_000_000 }]]);
    expect(stops(report).map((f) => f.rule)).toEqual(['no-chunks-passed']);
    const both = await check([['sparse-dup.vcf.gz', { variants: 2, step: 30_000_000, startPosition: 1_000_000, duplicateSample: true }]]);
    expect(stops(both).map((f) => f.rule)).toEqual(['duplicate-sample']);
  });
});

describe('TOPMed’s documented policy: warnings that cite it, never errors', () => {
  const job = (samples: number, variants = 25, step = 1_000): [string, VcfSpec][] => [
    ['chr20.vcf.gz', { chromosome: 'chr20', samples, variants, step, startPosition: 1 }],
  ];

  it('25,000 samples pass quietly; 25,001 get a warning citing the TOPMed FAQ', async () => {
    const at = await check(job(25_000), hg38, topmed);
    expect(all(at).filter((f) => f.rule.startsWith('policy'))).toEqual([]);
    const above = await check(job(25_001), hg38, topmed);
    expect(above.ok).toBe(true);
    const warning = above.crossFile.find((f) => f.rule === 'policy-max-samples');
    expect(warning).toMatchObject({ severity: 'warning', serverMessage: '' });
    expect(warning!.explanation).toMatch(/^TOPMed’s documented policy allows at most 25,000 samples per job \(TOPMed FAQ\); this job has 25,001\./);
    expect(all(await check(job(25_001), hg19, michigan)).filter((f) => f.rule.startsWith('policy'))).toEqual([]);
  });

  it('SNP density: 20,000 SNPs per 10 Mb chunk on average pass quietly; 20,001 get a warning', async () => {
    const at = await check(job(20, 20_000, 100), hg38, topmed);
    expect(all(at).filter((f) => f.rule === 'policy-snp-density')).toEqual([]);
    const above = await check(job(20, 20_001, 100), hg38, topmed);
    expect(above.ok).toBe(true);
    const warning = above.crossFile.find((f) => f.rule === 'policy-snp-density');
    expect(warning?.severity).toBe('warning');
    expect(warning!.explanation).toMatch(
      /^TOPMed’s documented policy allows on average at most 20,000 SNPs per 10 Mb chunk \(TOPMed FAQ\); this job has 20,001 SNPs in 1 chunks/,
    );
    expect(all(await check(job(20, 20_001, 100), hg19, michigan)).filter((f) => f.rule === 'policy-snp-density')).toEqual([]);
  });
});

describe('one chromosome in several files', () => {
  it('is a warning on both servers, naming the files; different chromosomes are not', async () => {
    for (const limits of [michigan, topmed]) {
      const report = await check(
        [
          ['part1.vcf.gz', { chromosome: 'chr20', startPosition: 10_000 }],
          ['part2.vcf.gz', { chromosome: 'chr20', startPosition: 500_000 }],
        ],
        hg38,
        limits,
      );
      expect(report.ok).toBe(true);
      const warnings = report.crossFile.filter((f) => f.rule === 'duplicate-chromosome');
      expect(warnings).toHaveLength(1);
      expect(warnings[0].severity).toBe('warning');
      expect(warnings[0].explanation).toMatch(/^Chromosome 20 is in 2 files \(part1\.vcf\.gz, part2\.vcf\.gz\)\. .* same samples/);
      expect(warnings[0].fix).toContain('bcftools sort -Oz -o chr20.combined.vcf.gz -');
    }
    const apart = await check([
      ['c20.vcf.gz', { chromosome: '20' }],
      ['c21.vcf.gz', { chromosome: '21' }],
    ]);
    expect(all(apart)).toEqual([]);
  });

  it('different samples are merged, not concatenated', async () => {
    const report = await check([
      ['x.vcf.gz', { chromosome: '20', sampleIds: Array.from({ length: 25 }, (_, i) => `X${i}`) }],
      ['y.vcf.gz', { chromosome: '20', sampleIds: Array.from({ length: 25 }, (_, i) => `Y${i}`) }],
    ]);
    const warning = report.crossFile.find((f) => f.rule === 'duplicate-chromosome');
    expect(warning?.fix).toContain('bcftools merge -Oz -o chr20.combined.vcf.gz x.vcf.gz y.vcf.gz');
  });
});

describe('unsafe file names', () => {
  it('are a blocking finding, listed first, with the name to use instead', async () => {
    const report = await check([['my data (1).vcf.gz', { unsorted: true }]]);
    const findings = report.files[0].findings;
    expect(rulesOf(findings)).toEqual(['file-name', 'unsorted']);
    expect(findings[0]).toMatchObject({ severity: 'error', serverMessage: '' });
    expect(findings[0].explanation).toMatch(/^The name contains a space\. .* Rename it to “my_data_1\.vcf\.gz”\.$/);
    expect(findings[0].fix).toBe('Rename the file to my_data_1.vcf.gz (in your file manager), then add it again.');
    // the server's own first stop is still marked where tabix fails
    expect(stops(report).map((f) => f.rule)).toEqual(['unsorted']);
    expect(all(await check([['my_data_1.vcf.gz', {}]]))).toEqual([]);
  });
});

describe('where the local check can only estimate', () => {
  it('chunk findings say the server counts only the sites in its reference panel', async () => {
    const report = await check([['gaps.vcf.gz', { variants: 4, step: 15_000_000, startPosition: 1 }]]);
    const low = report.files[0].findings.find((f) => f.rule === 'chunk-low-snps');
    expect(low?.explanation).toContain('This is an estimate: the server counts only the SNPs it finds in its reference panel');
    const callRate = (await check([['callrate.vcf.gz', { missingSample: 2 }]])).files[0].findings.find((f) => f.rule === 'chunk-low-call-rate');
    expect(callRate?.explanation).toContain('This is an estimate');
  });
});

describe('the fixtures', () => {
  it('can leave out the ##contig lines', async () => {
    const path = await fixture(dir, 'nocontig.vcf.gz', { noContigLines: true });
    const summary = await scanVcfFile(path);
    expect(summary.contigs).toEqual([]);
    expect((await readFile(path)).length).toBeGreaterThan(0);
  });
});
