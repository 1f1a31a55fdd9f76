// Every fix command the app shows, run for real: each failing fixture is written, the pre-flight
// check finds the rule, the command part of its fix (as the window splits it off) runs in /bin/sh
// with Debian's bcftools, tabix, bgzip and gzip, and the files it wrote pass the check.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { compressBgzf, limitsFor, PreflightChecker, type Finding, type SubmitOptions, type ValidationLimits } from '../../electron/services/vcf';
import { adviceFor } from '../../electron/services/vcf/fixes';
import { splitFix } from '../../renderer/src/lib/newjob/fix-text';
import { vcfText, writeVcfGz, type VcfSpec } from '../support/vcf-fixtures';
import { hg19, hg38 } from './helpers';

const run = promisify(execFile);
const michigan = limitsFor('michigan');
const topmed = limitsFor('topmed');
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface Input {
  name: string;
  spec?: VcfSpec;
  /** raw bytes instead of a spec (for files the spec cannot describe) */
  bytes?: () => Promise<Buffer> | Buffer;
}

interface FixCase {
  title: string;
  rule: string;
  inputs: Input[];
  submit?: SubmitOptions;
  limits?: ValidationLimits;
  /** the files the command writes, grouped into the job(s) they form */
  jobs?: string[][];
  /** rules allowed to stay after the fix (the ones this fix is not about) */
  remaining?: string[];
  /** the command only shows the damage: it must fail and say why */
  diagnostic?: RegExp;
}

const ids = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** A real BCF (BGZF-compressed binary VCF) named .vcf.gz, made by bcftools from a good file. */
async function realBcf(dir: string): Promise<Buffer> {
  const source = join(dir, 'bcf-source.vcf.gz');
  await writeVcfGz(source, { samples: 25 });
  const target = join(dir, 'bcf-target.bcf');
  await run('bcftools', ['view', '-Ob', '-o', target, source]);
  return readFile(target);
}

/** chr20 records, then chr21, then chr20 again: tabix's "blocks not continuous". */
function interleaved(): Buffer {
  const lines = vcfText({ extraChromosome: '21', samples: 25 }).trimEnd().split('\n');
  const firstOf21 = lines.findIndex((l) => l.startsWith('21\t'));
  const moved = lines.splice(firstOf21 - 1, 1);
  return compressBgzf(Buffer.from([...lines, ...moved].join('\n') + '\n'));
}

function badPosition(): Buffer {
  return compressBgzf(Buffer.from(vcfText({ samples: 25 }).replace('\t15000\t', '\tabc\t')));
}

const bothContigKinds = (make: (contigs: boolean) => FixCase): FixCase[] => [make(true), make(false)];
const contigNote = (contigs: boolean): string => (contigs ? 'with ##contig lines' : 'without ##contig lines');

const cases: FixCase[] = [
  { title: 'plain gzip', rule: 'not-bgzf', inputs: [{ name: 'gz.vcf.gz', spec: { plainGzip: true } }], jobs: [['gz.fixed.vcf.gz']] },
  { title: 'uncompressed text', rule: 'not-bgzf', inputs: [{ name: 'text.vcf.gz', spec: { uncompressed: true } }], jobs: [['text.fixed.vcf.gz']] },
  { title: 'BCF named .vcf.gz', rule: 'bcf', inputs: [{ name: 'binary.vcf.gz' }], jobs: [['binary.fixed.vcf.gz']] },
  {
    title: 'BGZF cut short',
    rule: 'truncated',
    inputs: [{ name: 'cut.vcf.gz', bytes: () => compressBgzf(Buffer.from(vcfText({ variants: 3000 }))).subarray(0, 20_000) }],
    diagnostic: /Failed to read BGZF block|Error/,
  },
  {
    title: 'plain gzip cut short',
    rule: 'corrupt',
    inputs: [{ name: 'cutgz.vcf.gz', bytes: () => gzipSync(Buffer.from(vcfText({ variants: 3000 }))).subarray(0, 20_000) }],
    remaining: ['not-bgzf'],
    diagnostic: /unexpected end of file/,
  },
  ...bothContigKinds((contigs) => ({
    title: `unsorted, ${contigNote(contigs)}`,
    rule: 'unsorted',
    inputs: [{ name: 'unsorted.vcf.gz', spec: { unsorted: true, noContigLines: !contigs } }],
    jobs: [['unsorted.fixed.vcf.gz']],
  })),
  ...bothContigKinds((contigs) => ({
    title: `20 and chr20 taking turns, ${contigNote(contigs)}`,
    rule: 'chromosome-blocks',
    inputs: [{ name: 'mixed.vcf.gz', spec: { mixedPrefix: true, noContigLines: !contigs } }],
    jobs: [['mixed.fixed.vcf.gz']],
  })),
  {
    title: 'chr20, chr21, then chr20 again',
    rule: 'chromosome-blocks',
    inputs: [{ name: 'blocks.vcf.gz', bytes: interleaved }],
    jobs: [['blocks.fixed.vcf.gz']],
    remaining: ['multiple-chromosomes'],
  },
  {
    title: 'spaces between all columns',
    rule: 'not-tab-delimited',
    inputs: [{ name: 'spaces.vcf.gz', spec: { spaces: true } }],
    jobs: [['spaces.fixed.vcf.gz']],
  },
  {
    title: 'spaces after POS',
    rule: 'not-tab-delimited',
    inputs: [{ name: 'spaces2.vcf.gz', spec: { spacesAfterPosition: true } }],
    jobs: [['spaces2.fixed.vcf.gz']],
  },
  { title: 'POS not a number', rule: 'bad-position', inputs: [{ name: 'pos.vcf.gz', bytes: badPosition }], jobs: [['pos.fixed.vcf.gz']] },
  ...bothContigKinds((contigs) => ({
    title: `two chromosomes in one file, ${contigNote(contigs)}`,
    rule: 'multiple-chromosomes',
    inputs: [{ name: 'two.vcf.gz', spec: { extraChromosome: '21', noContigLines: !contigs } }],
    jobs: [['two.20.vcf.gz', 'two.21.vcf.gz']],
  })),
  {
    title: "a contig named 'ref' before chromosome 20: split keeps only 20",
    rule: 'multiple-chromosomes',
    inputs: [{ name: 'refmix.vcf.gz', spec: { chromosome: 'ref', extraChromosome: '20' } }],
    jobs: [['refmix.20.vcf.gz']],
  },
  ...bothContigKinds((contigs) => ({
    title: `an invalid first chromosome ('ref'), ${contigNote(contigs)}`,
    rule: 'invalid-chromosome',
    inputs: [{ name: 'ref.vcf.gz', spec: { chromosome: 'ref', extraChromosome: '20', noContigLines: !contigs } }],
    jobs: [['ref.fixed.vcf.gz']],
  })),
  { title: 'REF equals ALT', rule: 'ref-equals-alt', inputs: [{ name: 'refalt.vcf.gz', spec: { refEqualsAlt: true } }], jobs: [['refalt.fixed.vcf.gz']] },
  { title: 'a sample ID twice', rule: 'duplicate-sample', inputs: [{ name: 'dup.vcf.gz', spec: { duplicateSample: true } }], jobs: [['dup.fixed.vcf.gz']] },
  { title: 'no ##fileformat line', rule: 'vcf-header', inputs: [{ name: 'nofmt.vcf.gz', spec: { noFileformat: true } }], jobs: [['nofmt.fixed.vcf.gz']] },
  ...bothContigKinds((contigs) => ({
    title: `different sample counts, ${contigNote(contigs)}`,
    rule: 'sample-count-mismatch',
    inputs: [
      { name: 'a.vcf.gz', spec: { chromosome: '20', samples: 25, noContigLines: !contigs } },
      { name: 'b.vcf.gz', spec: { chromosome: '21', samples: 24, noContigLines: !contigs } },
    ],
    jobs: [['a.common.vcf.gz', 'b.common.vcf.gz']],
  })),
  ...bothContigKinds((contigs) => ({
    title: `more than 50,000 samples (Michigan), ${contigNote(contigs)}`,
    rule: 'too-many-samples',
    inputs: [{ name: 'many.vcf.gz', spec: { samples: 50_001, variants: 20, noContigLines: !contigs } }],
    jobs: [['many.samples_batch_aa.vcf.gz'], ['many.samples_batch_ab.vcf.gz']],
  })),
  {
    title: 'more than TOPMed’s 25,000-sample policy, two chromosomes',
    rule: 'policy-max-samples',
    inputs: [
      { name: 'p20.vcf.gz', spec: { chromosome: 'chr20', samples: 25_001, variants: 30 } },
      { name: 'p21.vcf.gz', spec: { chromosome: 'chr21', samples: 25_001, variants: 30 } },
    ],
    submit: hg38,
    limits: topmed,
    jobs: [
      ['p20.samples_batch_aa.vcf.gz', 'p21.samples_batch_aa.vcf.gz'],
      ['p20.samples_batch_ab.vcf.gz', 'p21.samples_batch_ab.vcf.gz'],
    ],
  },
  ...bothContigKinds((contigs) => ({
    title: `'chr' under hg19, ${contigNote(contigs)}`,
    rule: 'build-prefix',
    inputs: [{ name: 'chr20.vcf.gz', spec: { chromosome: 'chr20', noContigLines: !contigs } }],
    jobs: [['chr20.fixed.vcf.gz']],
  })),
  ...bothContigKinds((contigs) => ({
    title: `no 'chr' under hg38, ${contigNote(contigs)}`,
    rule: 'build-prefix',
    inputs: [{ name: 'plain20.vcf.gz', spec: { chromosome: '20', noContigLines: !contigs } }],
    submit: hg38,
    jobs: [['plain20.fixed.vcf.gz']],
  })),
  ...bothContigKinds((contigs) => ({
    title: `one chromosome split by position over two files named two ways, ${contigNote(contigs)}`,
    rule: 'duplicate-chromosome',
    inputs: [
      { name: 'part1.vcf.gz', spec: { chromosome: 'chr20', startPosition: 10_000, noContigLines: !contigs } },
      { name: 'part2.vcf.gz', spec: { chromosome: '20', startPosition: 500_000, seed: 2, noContigLines: !contigs } },
    ],
    remaining: ['build-prefix'],
    jobs: [['chr20.combined.vcf.gz']],
  })),
  ...bothContigKinds((contigs) => ({
    title: `one chromosome of two cohorts (different samples), named two ways, ${contigNote(contigs)}`,
    rule: 'duplicate-chromosome',
    inputs: [
      { name: 'cohortA.vcf.gz', spec: { chromosome: '20', sampleIds: ids('A', 25), noContigLines: !contigs } },
      // same seed: the same sites with the same alleles, as two cohorts on one array have
      { name: 'cohortB.vcf.gz', spec: { chromosome: 'chr20', sampleIds: ids('B', 25), noContigLines: !contigs } },
    ],
    remaining: ['build-prefix'],
    jobs: [['chr20.combined.vcf.gz']],
  })),
  { title: 'no BGZF end-of-file block', rule: 'bgzf-eof', inputs: [{ name: 'noeof.vcf.gz', spec: { noEofBlock: true } }], jobs: [['noeof.fixed.vcf.gz']] },
  ...bothContigKinds((contigs) => ({
    title: `a sample without calls, ${contigNote(contigs)}`,
    rule: 'chunk-low-call-rate',
    inputs: [{ name: 'callrate.vcf.gz', spec: { missingSample: 3, noContigLines: !contigs } }],
    jobs: [['callrate.fixed.vcf.gz']],
  })),
  { title: 'text VCF named .vcf', rule: 'file-extension', inputs: [{ name: 'plain.vcf', spec: { uncompressed: true } }], jobs: [['plain.vcf.gz']] },
  { title: 'gzip named .gz', rule: 'file-extension', inputs: [{ name: 'data.gz', spec: { plainGzip: true } }], jobs: [['data.vcf.gz']] },
  {
    title: 'a file name with a space and a quote (the command quotes it)',
    rule: 'unsorted',
    inputs: [{ name: "O'Brien chr20.vcf.gz", spec: { unsorted: true } }],
    remaining: ['file-name'],
    jobs: [["O'Brien chr20.fixed.vcf.gz"]],
  },
];

async function materialize(dir: string, input: Input): Promise<string> {
  const path = join(dir, input.name);
  if (input.bytes) await writeFile(path, await input.bytes());
  else if (input.name === 'binary.vcf.gz') await writeFile(path, await realBcf(dir));
  else await writeVcfGz(path, input.spec ?? {});
  return path;
}

const describeFindings = (findings: Finding[]): string => JSON.stringify(findings.map((f) => [f.rule, f.serverMessage || f.explanation]));

async function check(paths: string[], submit: SubmitOptions, limits: ValidationLimits): Promise<Finding[]> {
  const report = await new PreflightChecker().check(paths, submit, limits, { workers: 0 });
  return [...report.files.flatMap((f) => f.findings), ...report.crossFile];
}

describe('every fix command runs and fixes the file', () => {
  for (const c of cases) {
    it(`${c.rule}: ${c.title}`, { timeout: 120_000 }, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fix-cmd-'));
      dirs.push(dir);
      const submit = c.submit ?? hg19;
      const limits = c.limits ?? michigan;
      const paths: string[] = [];
      for (const input of c.inputs) paths.push(await materialize(dir, input));

      const before = await check(paths, submit, limits);
      const finding = before.find((f) => f.rule === c.rule);
      expect(finding, describeFindings(before)).toBeDefined();
      const { command } = splitFix(finding!.fix);
      expect(command, finding!.fix).not.toBeNull();

      const outcome = await run('/bin/sh', ['-c', command!], { cwd: dir, maxBuffer: 64 << 20 }).then(
        (r) => ({ code: 0, stderr: r.stderr }),
        (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, stderr: e.stderr ?? '' }),
      );
      if (c.diagnostic) {
        expect(outcome.code, command!).not.toBe(0);
        expect(outcome.stderr).toMatch(c.diagnostic);
        return;
      }
      expect(outcome, command!).toMatchObject({ code: 0 });

      for (const job of c.jobs ?? []) {
        const after = await check(
          job.map((name) => join(dir, name)),
          submit,
          limits,
        );
        const left = after.filter((f) => f.rule === c.rule || (f.severity === 'error' && !(c.remaining ?? []).includes(f.rule)));
        expect(left, `${command}\n${describeFindings(after)}`).toEqual([]);
      }
    });
  }
});

describe('coverage of the fix commands', () => {
  it('every rule whose fix can show a command is run above', () => {
    // every rule fixes.ts knows, under each variant of the details that changes the command
    const source = readFileSync(new URL('../../electron/services/vcf/fixes.ts', import.meta.url), 'utf8');
    const rules = [...new Set([...source.matchAll(/case '([a-z-]+)':/g)].map((m) => m[1]))];
    const variants: Record<string, string | number>[] = [
      {},
      ...['gzip', 'text', 'bgzf', 'bcf', 'binary'].map((format) => ({ format })),
      { missing: 'fileformat' },
      { missing: 'chrom' },
      { keep: '20', raws: 'ref\n20' },
      { relation: 'same-samples', names: 'a.vcf.gz\nb.vcf.gz', chromosome: '20' },
      { relation: 'different-samples', names: 'a.vcf.gz\nb.vcf.gz', chromosome: '20' },
      { relation: 'overlapping-samples', names: 'a.vcf.gz\nb.vcf.gz', chromosome: '20' },
      { build: 'hg19' },
      { build: 'hg38' },
      { namingMix: 1, raws: '20\nchr20' },
    ];
    const withCommand = rules.filter((rule) =>
      variants.some(
        (v) => splitFix(adviceFor({ rule, severity: 'error', message: '', detail: { name: 'in.vcf.gz', n: 30, max: 20, ...v } }).fix).command !== null,
      ),
    );
    expect(withCommand.length).toBeGreaterThan(15);
    expect(withCommand.filter((rule) => !cases.some((c) => c.rule === rule))).toEqual([]);
  });
});
