/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
// Quality Control against the emulator's reference-panel model (docs/server-behaviour.md#server-limits, §6.3): the
// problems injected into a cohort are what the QC messages count and what snps-excluded.txt lists.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAlleles } from '../../electron/emulator/panel/alleles';
import { computePanelDigest, liftOffset, PANEL_DIGEST, panelModel } from '../../electron/emulator/panel/panel-model';
import type { RunningEmulator } from '../../electron/emulator/index';
import { writePanelCohort, type PanelCohortSpec } from '../support/panel-fixtures';
import { call, finished, fixtures, submit, waitForJob, withEmulator, type Part } from './helpers';

let fx: Awaited<ReturnType<typeof fixtures>>;
beforeAll(async () => {
  fx = await fixtures();
});
afterAll(async () => {
  await fx.cleanup();
});

async function cohortFile(name: string, spec: PanelCohortSpec) {
  const path = join(fx.dir, name);
  const cohort = await writePanelCohort(path, spec);
  return { cohort, data: await readFile(path) };
}

function parts(file: Buffer, name: string, values: Record<string, string>): Part[] {
  return [
    ...Object.entries({ build: 'hg19', population: 'off', phasing: 'eagle', mode: 'imputation', ...values }).map(([k, v]) => ({ name: k, value: v })),
    { name: 'files', filename: name, data: file },
  ];
}

async function fileText(emu: RunningEmulator, job: any, name: string): Promise<string> {
  const file = job.outputParams[0].files.find((f: any) => f.name === name);
  expect(file, `${name} in ${job.outputParams[0].files.map((f: any) => f.name).join(', ')}`).toBeDefined();
  const r = await call(emu, 'GET', `/share/results/${file.hash}/${name}`);
  expect(r.status).toBe(200);
  return r.text;
}

/** "Label: 1,234" lines of the statistics message as numbers. */
function statistics(job: any): Record<string, number> {
  const text = job.steps[1].logMessages.find((m: any) => m.message.startsWith('<b>Statistics:</b>')).message as string;
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^([^:<]+): ([\d,.]+)/.exec(line);
    if (m) out[m[1]] = Number(m[2].replace(/,/g, ''));
  }
  return out;
}

const excludedGroup = (job: any): string => job.steps[1].logMessages.find((m: any) => m.message.startsWith('Excluded sites in total:')).message;

describe('the panel model', () => {
  it('is the checked-in one (the digest of a fixed sample of sites)', () => {
    expect(computePanelDigest()).toBe(PANEL_DIGEST);
  });

  it('has sites and gaps on the x500 grid, knows nothing elsewhere, and shifts hg38 by a whole number of kb', () => {
    const hg19 = panelModel('hg19');
    const hg38 = panelModel('hg38');
    expect(hg19.lookup('20', 10_000).kind).toBe('unknown'); // the vcf-fixtures grid: every test file keeps passing
    expect(hg19.lookup('20', 10_500).kind).not.toBe('unknown');
    const kinds = new Set([...hg19.grid('20', 1, 200_000)].map((g) => (g.site ? 'site' : 'gap')));
    expect(kinds).toEqual(new Set(['site', 'gap']));
    const site = [...hg19.sites('20', 100_000, 101_000)][0];
    const shifted = hg38.lookup('chr20', site.pos + liftOffset('20'));
    expect(shifted).toMatchObject({ kind: 'site', site: { ref: site.ref, alt: site.alt, af: site.af } });
    expect(liftOffset('20') % 1000).toBe(0);
  });

  it('classifies alleles in the order of imputationserver-utils', () => {
    expect(classifyAlleles('A', 'G', 'A', 'G')).toBe('match');
    expect(classifyAlleles('G', 'A', 'A', 'G')).toBe('allele-switch');
    expect(classifyAlleles('T', 'C', 'A', 'G')).toBe('strand-flip');
    expect(classifyAlleles('C', 'T', 'A', 'G')).toBe('flip-and-switch');
    expect(classifyAlleles('T', 'A', 'A', 'T')).toBe('atcg'); // checked before the allele switch
    expect(classifyAlleles('G', 'C', 'C', 'G')).toBe('atcg');
    expect(classifyAlleles('A', 'C', 'A', 'G')).toBe('mismatch');
  });
});

describe('QC against the panel (Michigan, hapmap-2)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    const { startEmulator } = await import('../../electron/emulator/index');
    emu = await startEmulator({ maxJobsPerUser: 20 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('counts each injected problem and lists it in snps-excluded.txt with the panel alleles', async () => {
    const inject = { alleleSwitches: 40, strandFlips: 17, flipAndSwitches: 9, atcg: 11, alleleMismatches: 6, typedOnly: 23, monomorphic: 5 };
    const { cohort, data } = await cohortFile('qc-counts.vcf.gz', { samples: 30, matches: 700, inject, seed: 3 });
    const id = (await submit(emu, parts(data, 'chr20.vcf.gz', { refpanel: 'apps@hapmap-2@2.0.0', mode: 'qc_only' }))).json().id;
    const job = await waitForJob(emu, id, finished);
    expect(job.state).toBe(4);
    const e = cohort.expected;
    expect(e).toMatchObject({ alleleSwitch: 40, strandFlip: 17, flipAndSwitch: 9, atcg: 11, alleleMismatch: 6, typedOnly: 23, monomorphic: 5, match: 700 });
    expect(statistics(job)).toMatchObject({
      Match: e.match,
      'Allele switch': e.alleleSwitch,
      'Strand flip': e.strandFlip,
      'Strand flip and allele switch': e.flipAndSwitch,
      'A/T, C/G genotypes': e.atcg,
      'Monomorphic sites': e.monomorphic,
      'Allele mismatch': e.alleleMismatch,
    });
    const found = e.match + e.atcg + e.alleleSwitch + e.strandFlip + e.flipAndSwitch + e.alleleMismatch;
    expect(job.steps[1].logMessages.map((m: any) => m.message).join('\n')).toContain(
      `Reference Overlap: ${((found / (found + e.typedOnly)) * 100).toFixed(2)} %`,
    );
    expect(excludedGroup(job).split('\n')).toEqual([
      `Excluded sites in total: ${e.excluded}`,
      `Remaining sites in total: ${e.remaining}`,
      'See snps-excluded.txt for details',
      `Typed only sites: ${e.typedOnly}`,
      'See typed-only.txt for details',
    ]);

    const excluded = (await fileText(emu, job, 'statistics/snps-excluded.txt')).trimEnd().split('\n');
    expect(excluded[0]).toBe('ID\tCHROM\tPOS\tREF\tALT\tINFO');
    const rows = excluded.slice(1).map((line) => line.split('\t'));
    expect(rows).toHaveLength(e.excluded);
    const byType = (prefix: string) => rows.filter((r) => r[5].startsWith(prefix));
    expect(byType('Allele switch.')).toHaveLength(e.alleleSwitch);
    expect(byType('Strand flip.')).toHaveLength(e.strandFlip);
    expect(byType('Strand flip and Allele switch.')).toHaveLength(e.flipAndSwitch);
    expect(byType('Allele mismatch.')).toHaveLength(e.alleleMismatch);
    expect(byType('Monomorphic')).toHaveLength(e.monomorphic);
    // each row: the study's alleles, then the panel's
    for (const row of byType('Allele switch.')) {
      const site = cohort.sites.find((s) => s.pos === Number(row[2]))!;
      expect(row).toEqual([
        `rs${site.pos}`,
        '20',
        String(site.pos),
        site.ref,
        site.alt,
        `Allele switch. Reference Panel: ${site.panel!.ref}/${site.panel!.alt}`,
      ]);
    }
    const typedOnly = (await fileText(emu, job, 'statistics/snps-typed-only.txt')).trimEnd().split('\n');
    expect(typedOnly[0]).toBe('ID\tCHROM\tPOS\tREF\tALT');
    expect(typedOnly.slice(1).map((l) => Number(l.split('\t')[2]))).toEqual(cohort.sites.filter((s) => s.kind === 'typed-only').map((s) => s.pos));

    // qc_only: QC files only, and the raw report as the tool writes it
    const names = job.outputParams[0].files.map((f: any) => f.name);
    expect(names.some((n: string) => n.endsWith('.zip'))).toBe(false);
    const report = await fileText(emu, job, 'qc_report.txt');
    expect(report).toContain(`::group type=message::\n<b>Statistics:</b>\n`);
    expect(report).toContain(`::group type=warning::\nExcluded sites in total: ${e.excluded}\n`);
    expect(report.endsWith('See typed-only.txt for details\n\n::endgroup::\n')).toBe(true);
  });

  it('more than 100 allele switches stop the job after QC, with the exact line; QC files are still published', async () => {
    const { cohort, data } = await cohortFile('switches.vcf.gz', { samples: 25, matches: 400, inject: { alleleSwitches: 101 }, seed: 5 });
    const id = (await submit(emu, parts(data, 'chr20.vcf.gz', { refpanel: 'apps@hapmap-2@2.0.0' }))).json().id;
    const job = await waitForJob(emu, id, finished);
    expect(job.state).toBe(5);
    const group = job.steps[1].logMessages.find((m: any) => m.message.startsWith('Excluded sites in total:'));
    expect(group.type).toBe(1);
    expect(group.message.split('\n')).toEqual([
      `Excluded sites in total: ${cohort.expected.excluded}`,
      `Remaining sites in total: ${cohort.expected.remaining}`,
      'See snps-excluded.txt for details',
      '<br><b>Error:</b> More than 100 allele switches have been detected. Imputation cannot be started!',
    ]);
    expect(statistics(job)['Allele switch']).toBe(101);
    expect(job.steps[1].logMessages.map((m: any) => m.message)).not.toContain('Quality Control Report');
    expect(job.steps[2].logMessages).toEqual([]);
    expect(job.steps[3].logMessages.map((m: any) => m.message)).toEqual(['Pipeline execution failed.', 'Imputation job failed.']);
    const names = job.outputParams[0].files.map((f: any) => f.name);
    expect(names).toEqual(expect.arrayContaining(['qc_report.txt', 'statistics/snps-excluded.txt']));
    expect(names.some((n: string) => n.endsWith('.zip'))).toBe(false);
    expect(await fileText(emu, job, 'qc_report.txt')).toContain(
      '::group type=error::\nExcluded sites in total: 101\nRemaining sites in total: 400\nSee snps-excluded.txt for details\n<br><b>Error:</b> More than 100 allele switches',
    );
    // 100 are still fine
    const ok = await cohortFile('switches-100.vcf.gz', { samples: 25, matches: 400, inject: { alleleSwitches: 100 }, seed: 5 });
    const okJob = await waitForJob(emu, (await submit(emu, parts(ok.data, 'chr20.vcf.gz', { refpanel: 'apps@hapmap-2@2.0.0' }))).json().id, finished);
    expect(okJob.state).toBe(4);
  });

  it('more than 100 strand flips (simple plus with switch) stop the job', async () => {
    const { data } = await cohortFile('flips.vcf.gz', { samples: 25, matches: 300, inject: { strandFlips: 60, flipAndSwitches: 41 }, seed: 9 });
    const job = await waitForJob(emu, (await submit(emu, parts(data, 'chr20.vcf.gz', { refpanel: 'apps@hapmap-2@2.0.0' }))).json().id, finished);
    expect(job.state).toBe(5);
    expect(excludedGroup(job).split('\n').pop()).toBe(
      '<b>Error:</b> More than 100 obvious strand flips have been detected. Please check strand. Imputation cannot be started!',
    );
  });

  it('a chunk with too few panel sites is excluded: the warning and "Remaining chunk(s)" appear, and chunks-excluded.txt lists it', async () => {
    // HRC needs 20 SNPs per chunk: fewer than 20 sites before 20 Mb, the rest after
    const { cohort, data } = await cohortFile('boundary.vcf.gz', { samples: 25, matches: 40, start: 19_990_000, seed: 4 });
    const before = cohort.sites.filter((s) => s.pos <= 20_000_000).length;
    expect(before).toBeLessThan(20);
    expect(cohort.sites.length - before).toBeGreaterThanOrEqual(20);
    const id = (await submit(emu, parts(data, 'chr20.vcf.gz', { refpanel: 'apps@hrc-r1.1@2.0.0', population: 'eur' }))).json().id;
    const job = await waitForJob(emu, id, finished);
    expect(job.state).toBe(4);
    const lines = excludedGroup(job).split('\n');
    expect(lines).toContain('<b>Warning:</b> 1 Chunk(s) excluded: < 20 SNPs (see chunks-excluded.txt for details).');
    expect(lines).toContain('Remaining chunk(s): 1');
    expect(lines.some((l) => l.startsWith('Typed only'))).toBe(false); // no typed-only sites: no line
    const chunks = (await fileText(emu, job, 'statistics/chunks-excluded.txt')).trimEnd().split('\n');
    expect(chunks).toEqual(['CHUNK\tSNPS\tREFERENCE_OVERLAP\tSAMPLES_LOW_CALL_RATE', `chunk_20_0000000001_0020000000\t${before}\t1.0\t0`]);
    expect(job.steps[2].logMessages.find((m: any) => m.message.startsWith('<b>Imputation')).message).toMatch(/^<b>Imputation \(1\/1\)<\/b>/);
  });

  it('any mode but "imputation" is QC only', async () => {
    const { data } = await cohortFile('qconly.vcf.gz', { samples: 25, matches: 200, seed: 2 });
    const job = await waitForJob(
      emu,
      (await submit(emu, parts(data, 'chr20.vcf.gz', { refpanel: 'apps@hapmap-2@2.0.0', mode: 'qconly' }))).json().id,
      finished,
    );
    expect(job.state).toBe(4);
    expect(job.steps[2].logMessages).toEqual([]);
    expect(job.outputParams[0].files.map((f: any) => f.name).sort()).toEqual([
      'qc_report.txt',
      'quality-control.html',
      'statistics/chunks-excluded.txt',
      'statistics/snps-excluded.txt',
      'statistics/snps-typed-only.txt',
    ]);
  });
});

describe('QC against the panel (TOPMed, topmed-r3)', () => {
  it('sets no allele-switch limit: 130 switches are counted and the job goes on', async () => {
    await withEmulator({ flavour: 'topmed' }, async (emu) => {
      const { cohort, data } = await cohortFile('topmed-switches.vcf.gz', {
        build: 'hg38',
        samples: 25,
        matches: 400,
        inject: { alleleSwitches: 130 },
        seed: 6,
      });
      const id = (await submit(emu, parts(data, 'chr20.vcf.gz', { refpanel: 'apps@topmed-r3@1.0.0', build: 'hg38', population: 'all' }))).json().id;
      const job = await waitForJob(emu, id, finished);
      expect(job.state).toBe(4);
      expect(statistics(job)['Allele switch']).toBe(130);
      expect(excludedGroup(job).split('\n')[0]).toBe(`Excluded sites in total: ${cohort.expected.excluded}`);
      const rows = (await fileText(emu, job, 'statistics/snps-excluded.txt')).trimEnd().split('\n').slice(1);
      expect(rows.filter((r) => r.includes('Allele switch.'))).toHaveLength(130);
      expect(rows[0].split('\t')[1]).toBe('chr20');
    });
  });
});
