// A check's life around the happy path, with the emulator's clock driven by the test: a check that
// passes (no automatic download of the QC job, "impute as is" with the originals), slim copies for
// the check used again for the imputation and deleted once the results are downloaded, a typed
// results password kept for the imputation job, cancel at each stage, a restart while the QC job
// waits, and a job that fails before QC.
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { until } from '../support/wait';
import { checkRequest, cohortFile, runOf, untilPhase } from './helpers';

let emulator: RunningEmulator;
const opened: TestServices[] = [];
let services: TestServices;
let serverId: string;

async function open(restartOf?: TestServices): Promise<TestServices> {
  const created = await createTestServices(restartOf ? { userDataDir: restartOf.userDataDir, secrets: restartOf.secrets } : {}, {
    watcher: { pollIntervalMs: 40 },
  });
  opened.push(created);
  return created;
}

beforeEach(async () => {
  emulator = await withEmulator({ speed: 1, seed: 'empty' });
  services = await open();
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab' })).id;
});

afterEach(async () => {
  for (const created of opened.splice(0).reverse()) await created.dispose();
  await emulator.close();
});

const tick = () => emulator.control.advanceClock(30_000);

describe('a check', () => {
  it('that passes is not downloaded whole; "impute as is" sends the originals in imputation mode', async () => {
    await services.handlers['servers:update']({ id: serverId, autoDownload: true });
    const { fileId, path: original } = await cohortFile(services, 'chr20.vcf.gz', { alleleSwitches: 20, strandFlips: 3 });
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'small cohort'));
    const reported = await untilPhase(services, id, ['report', 'failed'], tick);
    expect(reported.report).toMatchObject({ outcome: 'passed', stop: null });
    expect(reported.report!.headline).toBe(
      'Quality Control passed, but 23 sites with switched or flipped alleles would be left out; “Fix and impute” keeps 23 of them.',
    );
    expect(reported.checkJob!.state).toBe(4);
    // the check exports no zip files: nobody is asked to keep its password
    expect((await services.handlers['jobs:get']({ serverId, jobId: reported.checkJob!.jobId })).password.state).toBe('not-needed');
    const checkUpload = (await services.handlers['uploads:list']({})).find((upload) => upload.jobId === reported.checkJob!.jobId);
    expect(checkUpload?.passwordState).toBe('not-needed');
    // the QC-only job succeeded, yet only the list was fetched (no automatic download of the rest)
    const items = (await services.handlers['downloads:list']({})).items;
    expect(items.map((item) => item.name)).toEqual(['statistics/snps-excluded.txt']);
    expect((await services.handlers['qc:inspect']({ serverId, fileIds: [fileId] })).firstSubmission).toBe(false);

    await services.handlers['qc:impute']({ id, options: { alleles: false, dropMismatches: false, dropAmbiguous: false, slim: false }, keepCopies: false });
    const submitted = await untilPhase(services, id, ['submitted', 'report'], tick);
    expect(submitted.error).toBeNull();
    expect(submitted.copies).toEqual([]);
    const job = emulator.control.getJob(submitted.impute!.jobId!)!;
    expect(job.params).toMatchObject({ mode: 'imputation', build: 'hg19', population: 'off', panel: '1000g-phase-3-v5@2.0.0' });
    expect(await readFile(job.inputFiles[0]!)).toEqual(await readFile(original));
    expect((await services.handlers['jobs:get']({ serverId, jobId: submitted.impute!.jobId! })).password.state).toBe('keychain');
  });

  it('with slim copies uploads GT only, uses the same copies for imputation, and deletes them once the results are downloaded', async () => {
    const { fileId, cohort } = await cohortFile(services, 'chr20.vcf.gz', { alleleSwitches: 3 });
    const { id } = await services.handlers['qc:start'](
      checkRequest(serverId, fileId, 'slim', { slim: true, password: { mode: 'typed', value: 'Typed-Password-2024x' } }),
    );
    const reported = await untilPhase(services, id, ['report', 'failed'], tick);
    expect(reported.error).toBeNull();
    const [copies] = reported.copies;
    expect(copies).toMatchObject({ purpose: 'slim', files: 1, deleted: false, changeLog: null });
    expect(copies!.folder).toMatch(/slim-slim-\d{8}-\d{6}$/);
    const checkInput = gunzipSync(await readFile(emulator.control.getJob(reported.checkJob!.jobId)!.inputFiles[0]!)).toString();
    expect(checkInput).toContain('##imputationDesktopCommand=slim copy');
    expect(checkInput.split('\n').filter((line) => line && !line.startsWith('#')).length).toBe(cohort.sites.length);

    await services.handlers['qc:impute']({ id, options: { alleles: false, dropMismatches: false, dropAmbiguous: false, slim: true }, keepCopies: false });
    const submitted = await untilPhase(services, id, ['submitted', 'report'], tick);
    expect(submitted.copies).toHaveLength(1); // the check's copies again, not new ones
    const jobId = submitted.impute!.jobId!;
    // the typed password went to the imputation job
    expect(emulator.control.getJob(jobId)!.password).toBe('Typed-Password-2024x');
    expect(emulator.control.getJob(reported.checkJob!.jobId)!.password).not.toBe('Typed-Password-2024x');

    await until(
      async () => {
        tick();
        await services.watcher.tick();
        return (await services.handlers['jobs:get']({ serverId, jobId })).state;
      },
      (state) => state === 4,
    );
    expect((await runOf(services, id)).copies[0]!.deleted).toBe(false);
    await services.handlers['downloads:start']({ serverId, jobId });
    const done = await until(
      () => runOf(services, id),
      (run) => run.copies[0]!.deleted,
    );
    expect(done.notice).toBe("The copies were deleted: the job's results are downloaded.");
    await expect(stat(copies!.folder)).rejects.toThrow(/ENOENT/);
  });

  it('keeps the copies when asked to', async () => {
    const { fileId } = await cohortFile(services, 'chr20.vcf.gz', {});
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'kept', { slim: true }));
    await untilPhase(services, id, ['report'], tick);
    await services.handlers['qc:impute']({ id, options: { alleles: false, dropMismatches: false, dropAmbiguous: false, slim: true }, keepCopies: true });
    const jobId = (await untilPhase(services, id, ['submitted'], tick)).impute!.jobId!;
    await until(
      async () => {
        tick();
        await services.watcher.tick();
        return (await services.handlers['jobs:get']({ serverId, jobId })).state;
      },
      (state) => state === 4,
    );
    await services.handlers['downloads:start']({ serverId, jobId });
    await until(
      async () => (await services.handlers['downloads:list']({})).items.filter((item) => item.jobId === jobId),
      (items) => items.length > 0 && items.every((item) => item.state === 'completed'),
    );
    await services.qc.idle();
    const run = await runOf(services, id);
    expect(run.copies[0]!.deleted).toBe(false);
    expect((await stat(run.copies[0]!.folder)).isDirectory()).toBe(true);
    // letting them go later deletes them at once
    expect((await services.handlers['qc:keepCopies']({ id, keep: false })).copies[0]!.deleted).toBe(true);
  });

  it('can be canceled while the QC job waits: the job is canceled on the server', async () => {
    const { fileId } = await cohortFile(services, 'chr20.vcf.gz', {});
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'cancel me'));
    const running = await untilPhase(services, id, ['check-running']);
    const canceled = await services.handlers['qc:cancel']({ id });
    expect(canceled).toMatchObject({ phase: 'canceled', notice: 'The QC job was canceled on the server.' });
    expect(emulator.control.getJob(running.checkJob!.jobId)!.state).toBe(6);
    expect((await services.handlers['qc:dismiss']({ id })).dismissed).toBe(true);
    expect(await services.handlers['qc:list']({})).toEqual([]);
  });

  it('"fix and impute" canceled while the copies are written goes back to the report and leaves no copy', async () => {
    const { fileId } = await cohortFile(services, 'chr20.vcf.gz', { alleleSwitches: 130 });
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'fix then cancel'));
    await untilPhase(services, id, ['report'], tick);
    await services.handlers['qc:impute']({ id, options: { alleles: true, dropMismatches: true, dropAmbiguous: true, slim: false }, keepCopies: false });
    await services.handlers['qc:cancel']({ id });
    const back = await untilPhase(services, id, ['report']);
    expect(back.notice).toBe('Writing the copies was canceled; nothing was uploaded and no copy was left behind.');
    expect(back.copies).toEqual([]);
    expect((await services.handlers['uploads:list']({})).filter((upload) => upload.jobName === 'fix then cancel')).toEqual([]);
  });

  it('goes on after a restart while its QC job waits in the queue', async () => {
    const { fileId } = await cohortFile(services, 'chr20.vcf.gz', { alleleSwitches: 130 });
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'overnight'));
    const running = await untilPhase(services, id, ['check-running']);
    await services.close();
    // the QC job ends while the app is closed
    await until(
      () => {
        tick();
        return emulator.control.getJob(running.checkJob!.jobId)!.state;
      },
      (state) => state === 5,
    );
    const again = await open(services);
    const reported = await untilPhase(again, id, ['report', 'failed']);
    expect(reported.report).toMatchObject({ outcome: 'stopped', stop: { kind: 'allele-switches' } });
    expect(reported.report!.excludedFile.state).toBe('downloaded');
  });

  it('whose job has ended before it is first read again still gets its report', async () => {
    const { fileId } = await cohortFile(services, 'chr20.vcf.gz', {}, { samples: 10 });
    // the first reads of the new job wait until its end: no later change will ever be seen
    emulator.control.setFault({ kind: 'delay', ms: 1500, path: '/api/v2/jobs/job-', times: 2 });
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'quick end'));
    const running = await untilPhase(services, id, ['check-running']);
    emulator.control.advanceClock(120_000);
    expect(emulator.control.getJob(running.checkJob!.jobId)!.state).toBe(5);
    const reported = await untilPhase(services, id, ['report', 'failed']);
    expect(reported.report!.outcome).toBe('failed');
  });

  it('that fails before QC says why and offers no fix', async () => {
    const { fileId } = await cohortFile(services, 'chr20.vcf.gz', {}, { samples: 10 });
    const { id } = await services.handlers['qc:start'](checkRequest(serverId, fileId, 'too few'));
    const reported = await untilPhase(services, id, ['report', 'failed'], tick);
    expect(reported.report).toMatchObject({ outcome: 'failed', otherFailure: 'At least 20 samples must be uploaded.' });
    expect(reported.report!.headline).toBe('The check job failed before Quality Control finished: At least 20 samples must be uploaded.');
    await expect(
      services.handlers['qc:impute']({ id, options: { alleles: true, dropMismatches: true, dropAmbiguous: true, slim: false }, keepCopies: false }),
    ).rejects.toMatchObject({ code: 'invalid-request' });
  });
});
