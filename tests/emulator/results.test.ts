/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
// The result files of a finished job, read back with Debian's htslib tools: chr_N.zip (opened with
// the job password) holds a BGZF dose VCF tabix can index, with the upload's samples, FORMAT
// GT:DS:GP:HDS, the upload's positions as typed sites, and a sites-only info file.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobReader, configure, Uint8ArrayWriter, ZipReader } from '@zip.js/zip.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromosomeFiles, OUTPUT_CELL_BUDGET, type ChromosomeOutputSpec } from '../../electron/emulator/jobs/dose-output';
import type { TypedSite } from '../../electron/emulator/jobs/site-qc';
import type { RunningEmulator } from '../../electron/emulator/index';
import { vcfText } from '../support/vcf-fixtures';
import { call, finished, fixtures, standardParts, submit, waitForJob, withEmulator } from './helpers';

configure({ useWebWorkers: false });

let fx: Awaited<ReturnType<typeof fixtures>>;
beforeAll(async () => {
  fx = await fixtures();
});
afterAll(async () => {
  await fx.cleanup();
});

const SAMPLES = Array.from({ length: 27 }, (_, i) => (i % 3 === 0 ? `NA${12_000 + i}` : `HG0${(i * 37) % 1000}_${i}`));
const SPEC = { chromosome: '20', samples: SAMPLES.length, sampleIds: SAMPLES, variants: 300, seed: 21 };
const inputPositions = Array.from({ length: SPEC.variants }, (_, i) => 10_000 + i * 1_000);

const sh = (cmd: string, args: string[]): string => execFileSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** Downloads chr_N.zip over HTTP, opens it with the job's password and writes its entries to `dir`. */
async function unzipResults(emu: RunningEmulator, job: any, chromosome: string, dir: string): Promise<string[]> {
  const zip = job.outputParams[0].files.find((f: any) => f.name === `chr_${chromosome}.zip`);
  const body = (await call(emu, 'GET', `/share/results/${zip.hash}/${zip.name}`)).body;
  const reader = new ZipReader(new BlobReader(new Blob([new Uint8Array(body)])), { password: emu.control.getJob(job.id)!.password });
  await mkdir(dir, { recursive: true });
  const names: string[] = [];
  for (const entry of await reader.getEntries()) {
    if (entry.directory) continue;
    await writeFile(join(dir, entry.filename), await entry.getData!(new Uint8ArrayWriter()));
    names.push(entry.filename);
  }
  await reader.close();
  return names.sort();
}

function infoOf(line: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const part of line.split('\t')[7].split(';')) {
    const [k, v] = part.split('=');
    out[k] = v ?? true;
  }
  return out;
}

describe('a finished job read back with bcftools, tabix and htsfile (Michigan, hg19)', () => {
  let emu: RunningEmulator;
  let job: any;
  let dir: string;
  beforeAll(async () => {
    const { startEmulator } = await import('../../electron/emulator/index');
    emu = await startEmulator({});
    const input = await fx.vcf('study.vcf.gz', SPEC);
    job = await waitForJob(emu, (await submit(emu, standardParts(input, [{ name: 'meta', value: 'true' }], 'chr20.vcf.gz'))).json().id, finished);
    dir = join(fx.dir, 'michigan');
  });
  afterAll(async () => {
    await emu.close();
  });

  it('the zip holds the dose, info and (meta) empirical dose files, BGZF, and tabix indexes them', async () => {
    expect(job.state).toBe(4);
    expect(await unzipResults(emu, job, '20', dir)).toEqual(['chr20.dose.vcf.gz', 'chr20.empiricalDose.vcf.gz', 'chr20.info.gz']);
    const dose = join(dir, 'chr20.dose.vcf.gz');
    const info = join(dir, 'chr20.info.gz');
    expect(sh('htsfile', [dose])).toMatch(/VCF version 4\.2 BGZF-compressed variant calling data/);
    expect(sh('htsfile', [info])).toMatch(/VCF version 4\.2 BGZF-compressed variant calling data/);
    for (const file of [dose, info, join(dir, 'chr20.empiricalDose.vcf.gz')]) {
      execFileSync('bgzip', ['-t', file]);
      execFileSync('tabix', ['-f', '-p', 'vcf', file]);
      expect(existsSync(`${file}.tbi`)).toBe(true);
    }
    expect(sh('tabix', [dose, '20:10000-12000']).trim().split('\n').length).toBeGreaterThanOrEqual(3);
  });

  it('carries every sample of the upload, FORMAT GT:DS:GP:HDS, and the typed sites are the input positions', () => {
    const dose = join(dir, 'chr20.dose.vcf.gz');
    expect(sh('bcftools', ['query', '-l', dose]).trim().split('\n')).toEqual(SAMPLES);
    const records = sh('bcftools', ['view', '-H', dose]).trim().split('\n');
    expect(new Set(records.map((r) => r.split('\t')[8]))).toEqual(new Set(['GT:DS:GP:HDS']));
    const typed = sh('bcftools', ['query', '-i', 'INFO/TYPED=1', '-f', '%POS\\n', dose]).trim().split('\n').map(Number);
    expect(typed).toEqual(inputPositions);
    // typed sites keep the upload's alleles and genotypes (phased), imputed ones fill the range
    const text = vcfText(SPEC).trim().split('\n');
    const first = text.find((l) => l.startsWith('20\t10000\t'))!.split('\t');
    const out = records.find((r) => r.startsWith('20\t10000\t'))!.split('\t');
    expect([out[3], out[4]]).toEqual([first[3], first[4]]);
    expect(out.slice(9).map((c) => c.split(':')[0])).toEqual(first.slice(9).map((g) => g.replace('/', '|')));
    const imputed = records.filter((r) => /;IMPUTED$/.test(r.split('\t')[7]) && !r.includes('TYPED'));
    expect(imputed.length).toBeGreaterThan(100);
    for (const r of imputed) {
      const pos = Number(r.split('\t')[1]);
      expect(pos).toBeGreaterThan(inputPositions[0] - 20_000);
      expect(pos).toBeLessThan(inputPositions[inputPositions.length - 1] + 20_000);
    }
    // bcftools parses every value
    expect(sh('bcftools', ['query', '-f', '[%GT %DS %GP %HDS\\n]', dose]).trim().split('\n')).toHaveLength(records.length * SAMPLES.length);
  });

  it('has a Minimac4 4.x header with the pipeline lines', () => {
    const header = sh('bcftools', ['view', '-h', join(dir, 'chr20.dose.vcf.gz')]);
    for (const line of [
      '##fileformat=VCFv4.2',
      '##source=Minimac v4.1.6',
      '##phasing=full',
      '##contig=<ID=20>',
      '##INFO=<ID=R2,Number=1,Type=Float,Description="Estimated Imputation Accuracy (R-square)">',
      '##INFO=<ID=ER2,Number=1,Type=Float,Description="Empirical (Leave-One-Out) R-square (available only for genotyped variants)">',
      '##INFO=<ID=TYPED,Number=0,Type=Flag,Description="Marker was genotyped">',
      '##FORMAT=<ID=HDS,Number=2,Type=Float,Description="Estimated Haploid Alternate Allele Dosage">',
      '##mis_pipeline=v2.0.12',
      '##mis_phasing=eagle',
      '##mis_panel=hapmap-2',
    ])
      expect(header).toContain(`${line}\n`);
    expect(header).toMatch(/^##filedate=\d{8}$/m);
  });

  it('info.gz is a sites-only VCF with the same sites and INFO; ER2 only on typed sites, below R2', () => {
    const dose = sh('bcftools', ['view', '-H', join(dir, 'chr20.dose.vcf.gz')])
      .trim()
      .split('\n');
    const info = sh('bcftools', ['view', '-H', join(dir, 'chr20.info.gz')])
      .trim()
      .split('\n');
    expect(sh('bcftools', ['query', '-l', join(dir, 'chr20.info.gz')]).trim()).toBe('');
    expect(info.map((l) => l.split('\t').slice(0, 8).join('\t'))).toEqual(dose.map((l) => l.split('\t').slice(0, 8).join('\t')));
    for (const line of info) {
      const i = infoOf(line);
      expect(Object.keys(i).slice(0, 4)).toEqual(['AF', 'MAF', 'AVG_CS', 'R2']);
      if (i.ER2 !== undefined) {
        expect(i.TYPED).toBe(true);
        expect(Number(i.ER2)).toBeLessThanOrEqual(Number(i.R2));
      }
      if (!i.TYPED) expect(i.IMPUTED).toBe(true);
    }
    const empirical = sh('bcftools', ['view', '-H', join(dir, 'chr20.empiricalDose.vcf.gz')])
      .trim()
      .split('\n');
    expect(empirical.map((l) => Number(l.split('\t')[1]))).toEqual(inputPositions);
    expect(new Set(empirical.map((l) => l.split('\t')[8]))).toEqual(new Set(['GT:LDS']));
  });
});

describe('TOPMed (hg38 panel): chromosome names follow the panel build', () => {
  it('hg19 input on the hg38 panel: lifted, chr20 in the dose file, lift-over.txt published', async () => {
    await withEmulator({ flavour: 'topmed' }, async (emu) => {
      const input = await fx.vcf('study19.vcf.gz', SPEC);
      const parts = standardParts(input).map((p) =>
        p.name === 'refpanel' ? { name: 'refpanel', value: 'apps@topmed-r3@1.0.0' } : p.name === 'population' ? { name: 'population', value: 'all' } : p,
      );
      const job = await waitForJob(emu, (await submit(emu, parts)).json().id, finished);
      expect(job.state).toBe(4);
      expect(job.steps[1].logMessages.slice(0, 2).map((m: any) => [m.type, m.message])).toEqual([
        [2, 'Uploaded data is hg19 and reference is hg38.'],
        [0, 'Lift Over'],
      ]);
      const names = job.outputParams[0].files.map((f: any) => f.name);
      expect(names).toContain('statistics/lift-over.txt');
      const dir = join(fx.dir, 'topmed');
      await unzipResults(emu, job, '20', dir);
      const dose = join(dir, 'chr20.dose.vcf.gz');
      execFileSync('tabix', ['-f', '-p', 'vcf', dose]);
      expect(sh('bcftools', ['view', '-h', dose])).toContain('##contig=<ID=chr20>\n');
      expect(sh('bcftools', ['query', '-f', '%CHROM\\n', dose]).trim().split('\n')[0]).toBe('chr20');
      expect(sh('bcftools', ['query', '-l', dose]).trim().split('\n')).toEqual(SAMPLES);
    });
  });
});

describe('made-up values (dose-output)', () => {
  const typed = (n: number, samples: number): TypedSite[] =>
    Array.from({ length: n }, (_, i) => ({
      pos: 1_000_000 + i * 1_000,
      id: `rs${i}`,
      ref: 'A',
      alt: 'G',
      inPanel: true,
      haps: Uint8Array.from({ length: 2 * samples }, (_, h) => ((h + i) % 3 === 0 ? 1 : 0)),
    }));
  const spec = (over: Partial<ChromosomeOutputSpec> = {}): ChromosomeOutputSpec => ({
    jobId: 'job-20260101-000000-000',
    chromosome: '20',
    build: 'hg19',
    sampleIds: Array.from({ length: 20 }, (_, i) => `S${i}`),
    typed: typed(200, 20),
    panelId: 'hapmap-2',
    pipelineVersion: 'v2.0.12',
    phasing: 'eagle',
    meta: false,
    minR2: 0,
    date: Date.UTC(2026, 0, 1),
    ...over,
  });
  const text = (b: Buffer) => execFileSync('bgzip', ['-dc'], { input: b, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });

  it('are the same for the same job id, and differ for another', () => {
    expect(chromosomeFiles(spec()).dose.equals(chromosomeFiles(spec()).dose)).toBe(true);
    expect(chromosomeFiles(spec()).dose.equals(chromosomeFiles(spec({ jobId: 'job-20260101-000000-001' })).dose)).toBe(false);
  });

  it('R2 rises with the minor allele frequency (rare about 0.3, common about 0.95)', () => {
    const sites = text(chromosomeFiles(spec({ typed: typed(600, 2), sampleIds: ['A', 'B'], cellBudget: 40_000 })).info)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map(infoOf)
      .filter((i) => i.IMPUTED && !i.TYPED);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const bucket = (lo: number, hi: number) => sites.filter((i) => Number(i.MAF) >= lo && Number(i.MAF) < hi).map((i) => Number(i.R2));
    const rare = bucket(0, 0.001);
    const common = bucket(0.05, 0.51);
    expect(rare.length).toBeGreaterThan(50);
    expect(common.length).toBeGreaterThan(50);
    expect(mean(rare)).toBeGreaterThan(0.2);
    expect(mean(rare)).toBeLessThan(0.4);
    expect(mean(common)).toBeGreaterThan(0.9);
    expect(mean(bucket(0.01, 0.05))).toBeGreaterThan(mean(bucket(0.001, 0.005)));
  });

  it('grow with samples x sites up to a fixed number of genotype cells', () => {
    const records = (s: ChromosomeOutputSpec) =>
      text(chromosomeFiles(s).dose)
        .split('\n')
        .filter((l) => l && !l.startsWith('#')).length;
    const small = chromosomeFiles(spec({ typed: typed(50, 20) })).dose.length;
    const bigger = chromosomeFiles(spec({ typed: typed(200, 20) })).dose.length;
    expect(bigger).toBeGreaterThan(small);
    const many = Array.from({ length: 400 }, (_, i) => `S${i}`);
    const capped = spec({ sampleIds: many, typed: typed(5_000, 400) });
    expect(records(capped) * many.length).toBeLessThanOrEqual(OUTPUT_CELL_BUDGET);
    expect(records(capped)).toBeGreaterThan(OUTPUT_CELL_BUDGET / many.length / 2);
  });
});
