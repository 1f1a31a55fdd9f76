// "Check against the panel first" and "Fix and impute" through the real services against the
// emulator over HTTP: a cohort made from the panel model with injected problems is checked in
// QC-only mode, the report counts what was injected, and after the fix the emulator's QC finds
// none of the fixed problems; the imputation job gets the same settings and a new upload.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { until } from '../support/wait';
import { checkRequest, cohortFile, untilPhase } from './helpers';

let emulator: RunningEmulator;
let services: TestServices;
let serverId: string;

beforeAll(async () => {
  emulator = await withEmulator({ speed: 5000, downloadCredits: 10 });
  services = await createTestServices({}, { watcher: { pollIntervalMs: 40 } });
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab' })).id;
});

afterAll(async () => {
  await services.dispose();
  await emulator.close();
});

describe('check against the panel, then fix and impute', () => {
  it('reports what was injected, with the server’s stop line, and after the fix the server’s QC finds none of it', async () => {
    const { cohort: made, fileId } = await cohortFile(services, 'chr20.vcf.gz', {
      alleleSwitches: 130,
      strandFlips: 12,
      flipAndSwitches: 4,
      atcg: 9,
      alleleMismatches: 5,
      monomorphic: 3,
      typedOnly: 10,
    });
    const inspection = await services.handlers['qc:inspect']({ serverId, fileIds: [fileId] });
    expect(inspection.firstSubmission).toBe(true);
    expect(inspection.qcMode).toEqual({ value: 'qc_only', label: 'Quality Control Only' });

    const started = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'cohort A'));
    expect(started.phase).toBe('check-uploading');
    const reported = await untilPhase(services, started.id, ['report', 'failed']);
    expect(reported.error).toBeNull();
    const report = reported.report!;

    // the QC-only job is a real job on the server, in the app's QC-only mode
    const checkJob = await services.handlers['jobs:get']({ serverId, jobId: reported.checkJob!.jobId });
    expect(checkJob.state).toBe(5);
    expect(checkJob.facts).toContainEqual({ label: 'Mode', value: 'qc_only' });
    expect(checkJob.name).toBe('cohort A (QC check)');

    // counts equal what was injected
    const count = (key: string) => report.categories.find((category) => category.key === key)?.count;
    expect(count('allele-switch')).toBe(made.expected.alleleSwitch);
    expect(count('strand-flip')).toBe(made.expected.strandFlip);
    expect(count('flip-and-switch')).toBe(made.expected.flipAndSwitch);
    expect(count('atcg')).toBe(made.expected.atcg);
    expect(count('allele-mismatch')).toBe(made.expected.alleleMismatch);
    expect(count('monomorphic')).toBe(made.expected.monomorphic);
    expect(report.fixable).toEqual({ swap: 130, flip: 12, flipSwap: 4, mismatch: 5, atcg: 9 });
    expect(report.perChromosome).toEqual([
      { chromosome: '20', counts: { 'allele-switch': 130, 'strand-flip': 12, 'flip-and-switch': 4, 'allele-mismatch': 5, monomorphic: 3 }, total: 154 },
    ]);

    // what stops imputation, in the server's words
    expect(report.outcome).toBe('stopped');
    expect(report.stop).toMatchObject({ kind: 'allele-switches', limit: 100, found: 134, fixable: true });
    expect(report.stop!.html).toBe('<br><b>Error:</b> More than 100 allele switches have been detected. Imputation cannot be started!');
    expect(report.headline).toContain('More than 100 allele switches have been detected.');

    // only snps-excluded.txt was downloaded, one credit, into the job's results folder
    expect(report.excludedFile).toMatchObject({ state: 'downloaded', rows: 154, creditsSpent: 1, creditsLeft: 9 });
    const downloads = (await services.handlers['downloads:list']({})).items.filter((item) => item.jobId === reported.checkJob!.jobId);
    expect(downloads.map((item) => item.name)).toEqual(['statistics/snps-excluded.txt']);
    expect(report.excludedFile.path).toBe(downloads[0]!.path);

    // fix and impute: corrected copies, then a job in imputation mode with the same settings
    const fixing = await services.handlers['qc:impute']({
      id: started.id,
      options: { alleles: true, dropMismatches: true, dropAmbiguous: true, slim: false },
      keepCopies: false,
    });
    expect(fixing.phase).toBe('impute-rewriting');
    const submitted = await untilPhase(services, started.id, ['submitted', 'report', 'failed']);
    expect(submitted.error).toBeNull();
    expect(submitted.phase).toBe('submitted');
    expect(submitted.impute!.changes).toMatchObject({ swapped: 130, flipped: 12, flippedAndSwapped: 4, droppedMismatches: 5, notFound: 0 });
    // every A/T or C/G site of the file goes (the 9 the server counted among them), except mismatches dropped as such
    const ambiguous = made.sites.filter((site) => ['AT', 'TA', 'CG', 'GC'].includes(site.ref + site.alt) && site.kind !== 'mismatch').length;
    expect(ambiguous).toBeGreaterThanOrEqual(9);
    expect(submitted.impute!.changes!.droppedAmbiguous).toBe(ambiguous);
    const [copies] = submitted.copies;
    expect(copies!.folder).toMatch(/-corrected$/);
    const log = await readFile(copies!.changeLog!, 'utf8');
    expect(log.split('\n')[0]).toBe('FILE\tCHROM\tPOS\tID\tOLD_REF\tOLD_ALT\tNEW_REF\tNEW_ALT\tACTION\tREASON');
    expect(log.split('\n').filter((line) => line.startsWith('chr20.vcf.gz\t')).length).toBe(130 + 12 + 4 + 5 + submitted.impute!.changes!.droppedAmbiguous);

    const imputeJobId = submitted.impute!.jobId!;
    const imputed = await until(
      async () => {
        await services.watcher.tick();
        return services.handlers['jobs:get']({ serverId, jobId: imputeJobId });
      },
      (job) => job.state >= 4,
      60_000,
      'the imputation job to end',
    );
    expect(imputed.facts).toContainEqual({ label: 'Mode', value: 'imputation' });
    expect(imputed.facts).toContainEqual({ label: 'Reference Panel', value: '1000g-phase-3-v5 (hg19)' });
    expect(imputed.name).toBe('cohort A');
    const stats = Object.fromEntries(imputed.qcStatistics.map((row) => [row.label, row.value]));
    expect(stats).toMatchObject({
      'Allele switch': '0',
      'Strand flip': '0',
      'Strand flip and allele switch': '0',
      'A/T, C/G genotypes': '0',
      'Allele mismatch': '0',
    });
    expect(imputed.state).toBe(4);
  });
});
