/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
// Behaviours corrected in docs/server-behaviour.md / docs/server-behaviour.md on 2026-12-01 (issue 16, "Fidelity
// round 2"): TOPMed runs genepi utils v1.5.2 and accepts beagle, main.nf's own errors land in the
// Summary, what a failed or canceled job exports, the Summary's password line, paging, and more.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { progressBar } from '../../electron/emulator/jobs/messages';
import { call, finished, fixtures, sleep, standardParts, submit, waitForJob, withEmulator, type Part } from './helpers';

let fx: Awaited<ReturnType<typeof fixtures>>;
let chr20: Buffer;
let chr20hg38: Buffer;
beforeAll(async () => {
  fx = await fixtures();
  chr20 = await fx.vcf('chr20.vcf.gz', { chromosome: '20', samples: 25, variants: 300 });
  chr20hg38 = await fx.vcf('chr20-hg38.vcf.gz', { chromosome: 'chr20', samples: 25, variants: 300 });
});
afterAll(async () => {
  await fx.cleanup();
});

const topmedParts = (file: Buffer, extra: Record<string, string> = {}, name = 'chr20.vcf.gz'): Part[] => [
  ...Object.entries({ refpanel: 'apps@topmed-r3@1.0.0', build: 'hg38', population: 'all', phasing: 'eagle', mode: 'imputation', ...extra }).map(([k, v]) => ({
    name: k,
    value: v,
  })),
  { name: 'files', filename: name, data: file },
];
const messages = (job: any, step: number): string[] => job.steps[step].logMessages.map((m: any) => m.message);
const fileNames = (job: any): string[] => job.outputParams[0].files.map((f: any) => f.name);

describe('TOPMed runs genepi imputationserver-utils v1.5.2 (docs/server-behaviour.md#submitting-a-job.6)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    const { startEmulator } = await import('../../electron/emulator/index');
    emu = await startEmulator({ flavour: 'topmed', maxJobsPerUser: 10 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('accepts beagle', async () => {
    const job = await waitForJob(emu, (await submit(emu, topmedParts(chr20hg38, { phasing: 'beagle' }))).json().id, finished);
    expect(job.state).toBe(4);
    expect(messages(job, 0)[0]).toContain('\nPhasing: beagle\n');
    expect(messages(job, 2)[0]).toMatch(/^<b>Phasing with Beagle \(1\/1\)<\/b>/);
  });

  it('does not fail a job over 25,000 samples or over 20,000 SNPs per chunk (policy, not a pipeline check)', async () => {
    const many = await fx.vcf('many-samples.vcf.gz', { chromosome: 'chr20', samples: 25_001, variants: 20, phased: true });
    const wide = await waitForJob(emu, (await submit(emu, topmedParts(many, { phasing: 'no_phasing' }))).json().id, finished);
    expect(wide.steps.flatMap((s: any) => s.logMessages.filter((m: any) => m.type === 1).map((m: any) => m.message))).toEqual([]);
    expect(wide.state).toBe(4);
    expect(messages(wide, 0)[0]).toContain('\nSamples: 25001\n');
    // 250 bp apart, never on the panel model's x500 grid (random alleles there would be strand flips)
    const dense = await fx.vcf('dense.vcf.gz', { chromosome: 'chr20', samples: 20, variants: 20_500, step: 250, startPosition: 1_001, phased: true });
    const job = await waitForJob(emu, (await submit(emu, topmedParts(dense, { phasing: 'no_phasing' }))).json().id, finished);
    expect(job.state).toBe(4);
    expect(messages(job, 0)[0]).toMatch(/\nSNPs: 20500\nChunks: 1\n/);
  });
});

describe('validation summary: chromosomes in sorted file-name order on both flavours', () => {
  for (const flavour of ['michigan', 'topmed'] as const) {
    it(flavour, async () => {
      await withEmulator({ flavour }, async (emu) => {
        const prefix = flavour === 'topmed' ? 'chr' : '';
        const files: Part[] = [];
        for (const c of ['2', '10', '1']) {
          files.push({ name: 'files', filename: `study.chr${c}.vcf.gz`, data: await fx.vcf(`${flavour}-${c}.vcf.gz`, { chromosome: `${prefix}${c}` }) });
        }
        const base = flavour === 'topmed' ? topmedParts(chr20hg38).slice(0, -1) : standardParts(chr20).slice(0, -1);
        const job = await waitForJob(emu, (await submit(emu, [...base, ...files])).json().id, finished);
        expect(messages(job, 0)[0]).toMatch(/^3 valid VCF file\(s\) found\.\nSamples: 25\nChromosomes: 1 10 2\n/);
      });
    });
  }
});

describe("main.nf's own errors land in the Summary (5.6)", () => {
  for (const flavour of ['michigan', 'topmed'] as const) {
    it(`${flavour}: an unknown phasing engine, with the same text on both`, async () => {
      await withEmulator({ flavour }, async (emu) => {
        const parts =
          flavour === 'topmed'
            ? topmedParts(chr20hg38, { phasing: 'shapeit' })
            : standardParts(chr20).map((p) => (p.name === 'phasing' ? { name: 'phasing', value: 'shapeit' } : p));
        const job = await waitForJob(emu, (await submit(emu, parts)).json().id, finished);
        expect(job.state).toBe(5);
        expect(job.steps.slice(0, 3).map((s: any) => s.logMessages.length)).toEqual([0, 0, 0]);
        expect(messages(job, 3)).toEqual([
          'Pipeline execution failed.',
          "For phasing, only options 'eagle', 'beagle' or 'no_phasing' are allowed.",
          'Imputation job failed.',
        ]);
      });
    });
  }
});

describe('QC message lines that depend on counts (docs/server-behaviour.md#qc-messages)', () => {
  it('no typed-only sites and no excluded chunks: neither "Typed only sites" nor "Remaining chunk(s)"', async () => {
    await withEmulator({}, async (emu) => {
      const job = await waitForJob(emu, (await submit(emu, standardParts(chr20))).json().id, finished);
      const group = messages(job, 1).find((m) => m.startsWith('Excluded sites in total:'))!;
      expect(group).toBe('Excluded sites in total: 0\nRemaining sites in total: 300');
    });
  });
});

describe('Summary: the export line (main.nf onComplete)', () => {
  it('mail off: the password, also one the user gave; mail on: the e-mail address', async () => {
    await withEmulator({}, async (emu) => {
      const job = await waitForJob(emu, (await submit(emu, standardParts(chr20, [{ name: 'password', value: 'Given-Pass7' }]))).json().id, finished);
      expect(messages(job, 3)).toContain('Data have been exported successfully. We encrypted the results with the following password: <b>Given-Pass7</b>');
    });
    await withEmulator({ mail: true }, async (emu) => {
      const job = await waitForJob(emu, (await submit(emu, standardParts(chr20, [{ name: 'password', value: 'Given-Pass7' }]))).json().id, finished);
      const summary = messages(job, 3);
      expect(summary).toContain('Data have been exported successfully. We have sent a notification email to <b>alice@example.org</b>');
      expect(summary.join('\n')).not.toContain('Given-Pass7');
    });
  });
});

describe('what a job exports (docs/server-behaviour.md#emulator-checklist, items 21-22)', () => {
  it('a job canceled after QC exports what it had, lift-over.txt included; no zips', async () => {
    await withEmulator({ flavour: 'topmed' }, async (emu) => {
      // hg19 data on the hg38 panel: QC lifts it over and writes statistics/lift-over.txt
      const id = (await submit(emu, topmedParts(chr20, { build: 'hg19' }))).json().id;
      await waitForJob(emu, id, (j) => j.state === 2 && j.steps[2].logMessages.length > 0);
      const canceled = (await call(emu, 'GET', `/api/v2/jobs/${id}/cancel`, { token: emu.token })).json();
      expect(canceled.state).toBe(6);
      const names = fileNames(canceled);
      expect(names).toEqual(expect.arrayContaining(['qc_report.txt', 'statistics/lift-over.txt', 'statistics/snps-excluded.txt']));
      expect(names.some((n) => n.endsWith('.zip'))).toBe(false);
      const lift = canceled.outputParams[0].files.find((f: any) => f.name === 'statistics/lift-over.txt');
      const text = (await call(emu, 'GET', `/share/results/${lift.hash}/${lift.name}`)).text;
      for (const line of text.split('\n').filter(Boolean)) expect(line).toMatch(/^20:\d+\tLiftOver\tLiftOver failed\. SNP removed\.$/);
    });
  });

  it('a job canceled before QC ends exports nothing', async () => {
    await withEmulator({}, async (emu) => {
      const id = (await submit(emu, standardParts(chr20))).json().id;
      await waitForJob(emu, id, (j) => j.state === 2);
      const canceled = (await call(emu, 'GET', `/api/v2/jobs/${id}/cancel`, { token: emu.token })).json();
      expect(canceled.state).toBe(6);
      expect(fileNames(canceled)).toEqual([]);
    });
  });

  it('a deleted result file: the credit is spent first, then 404 "File not found in workspace."', async () => {
    await withEmulator({}, async (emu) => {
      const job = await waitForJob(emu, (await submit(emu, standardParts(chr20))).json().id, finished);
      const file = job.outputParams[0].files.find((f: any) => f.name === 'chr_20.zip');
      emu.control.deleteResultFile(file.hash);
      const r = await call(emu, 'GET', `/share/results/${file.hash}/${file.name}`);
      expect(r.status).toBe(404);
      expect(r.json()).toEqual({ message: 'File not found in workspace.', success: false });
      expect(emu.control.downloadCount(file.hash)).toBe(9);
    });
  });
});

describe('job list paging (PageResponse.build)', () => {
  it('pages always hold the current page, also page 0 and pages past the end', async () => {
    await withEmulator({}, async (emu) => {
      emu.control.seedJobs(5);
      const page = async (p: number) => (await call(emu, 'GET', `/api/v2/jobs?page=${p}`, { token: emu.token })).json();
      expect(await page(0)).toMatchObject({ page: 0, pages: [0, 1], prev: null, next: 1 });
      expect(await page(3)).toMatchObject({ page: 3, pages: [1, 2, 3], prev: 2, next: null, data: [] });
      expect(await page(1)).toMatchObject({ page: 1, pages: [1], prev: null, next: null });
    });
  });
});

describe('validation errors raised as IOExceptions are HTML-escaped', () => {
  it('the duplicate sample message', async () => {
    await withEmulator({}, async (emu) => {
      const ids = Array.from({ length: 25 }, (_, i) => (i === 0 || i === 24 ? 'A&B<1>' : `S${i}`));
      const dup = await fx.vcf('dup.vcf.gz', { samples: 25, sampleIds: ids });
      const job = await waitForJob(emu, (await submit(emu, standardParts(dup))).json().id, finished);
      expect(messages(job, 0)).toEqual(['Two individuals or more have the following ID: A&amp;B&lt;1&gt;']);
    });
  });
});

describe('progress bars as the template computes them', () => {
  it('(completed/(double)total)*100 printed like Java doubles, tabs kept', () => {
    expect(progressBar('Imputation', 1, 3)).toBe(
      '<b>Imputation (1/3)</b><br><div class="progress" style="width: 100%; margin-top: 15px;">\t<div class="progress-bar bg-success" style="width: 33.33333333333333%;"></div>\t<div class="progress-bar bg-primary" style="width: 0.0%;"></div>\t<div class="progress-bar bg-light" style="width: 66.66666666666666%;"></div></div>',
    );
    expect(progressBar('Imputation', 7, 7)).toContain('style="width: 100.0%;"');
  });
});

describe('npm run emulator -- --help', () => {
  it('prints every option and exits 0; an unknown option says so with the help', () => {
    const cli = ['--import', 'tsx', 'electron/emulator/cli.ts'];
    const help = execFileSync(process.execPath, [...cli, '--help'], { encoding: 'utf8' });
    for (const option of [
      '--port',
      '--flavour',
      '--speed',
      '--seed',
      '--storage',
      '--data-dir',
      '--max-jobs',
      '--workers',
      '--upload-limit-mb',
      '--download-credits',
      '--mail',
      '--faults',
      '--verbose',
      '--help',
    ]) {
      expect(help).toContain(option);
    }
    let failure: { status: number; stderr: string } | null = null;
    try {
      execFileSync(process.execPath, [...cli, '--bogus'], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      failure = error as { status: number; stderr: string };
    }
    expect(failure?.status).toBe(2);
    expect(failure?.stderr).toMatch(/Unknown option '--bogus'[\s\S]*Usage: npm run emulator/);
  });

  it('starts with options and prints the JSON line', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/emulator/cli.ts', '--flavour', 'topmed', '--download-credits', '7'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const { url, token } = JSON.parse(line);
      const server = (await call(url, 'GET', '/api/v2/server', { token })).json();
      expect(server.maintenance).toBe(false); // the TOPMed spelling
    } finally {
      child.kill('SIGTERM');
      await sleep(50);
    }
  });
});
