// Results insight against the emulator over real HTTP, as the window calls it: a job submitted
// from the app (with a preparation record next to one input), its results downloaded and
// unpacked, then the overview (with a chromosome missing), the summary against bcftools, the
// cache, the QC side, the export, the methods record (round trip, checksums) and the download
// commands (one of which is run with curl, spending one credit).
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { methodsRecord, type ResultsOverview } from '../../electron/ipc/contract';
import { writePreparationRecord } from '../../electron/services/results/preparation-record';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { writeVcfGz } from '../support/vcf-fixtures';
import { until, waitForEvent } from '../support/wait';

let emulator: RunningEmulator;
let services: TestServices;
let serverId: string;
let jobId: string;
let inputs: string[];

const values = { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' };
const count = (args: string[]): number =>
  execFileSync('bcftools', args, { encoding: 'utf8', maxBuffer: 1 << 26 })
    .split('\n')
    .filter(Boolean).length;
const digest = (tool: string, file: string): string => execFileSync(tool, [file], { encoding: 'utf8' }).split(' ')[0];
const h = () => services.handlers;

beforeAll(async () => {
  emulator = await withEmulator({ speed: 2000 });
  services = await createTestServices();
  serverId = (await h()['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab' })).id;
  inputs = [path.join(services.userDataDir, 'study.chr20.vcf.gz'), path.join(services.userDataDir, 'study.chr21.vcf.gz')];
  await writeVcfGz(inputs[0], { samples: 25, variants: 300, chromosome: '20' });
  await writeVcfGz(inputs[1], { samples: 25, variants: 300, chromosome: '21' });
  // What the rewrite feature leaves next to a file it made (electron/services/results/preparation-record.ts).
  await writePreparationRecord(inputs[1], {
    schema: 'imputation-desktop/preparation@1',
    steps: [{ kind: 'fix', description: 'Sorted the records by position.', source: { name: 'raw.chr21.vcf.gz', sha256: null }, command: 'bcftools sort' }],
  });
  const files = await h()['files:register']({ paths: inputs });
  const upload = await h()['uploads:start']({
    serverId,
    appId: 'imputationserver2',
    fileIds: files.map((file) => file.id),
    values,
    checked: { check1: true, check2: true },
    jobName: 'quality study',
    password: { mode: 'generate' },
  });
  jobId = (await until(
    async () => (await h()['uploads:list']({})).find((view) => view.id === upload.id)!,
    (view) => view.state === 'submitted' || view.state === 'failed',
  ))!.jobId!;
  await until(
    () => h()['jobs:get']({ serverId, jobId }),
    (job) => job.state === 4,
    60_000,
    'the job to succeed',
  );
  await services.results.idle();
}, 120_000);

afterAll(async () => {
  await services.dispose();
  await emulator.close();
});

async function downloadAndExtract(): Promise<void> {
  const { items } = await h()['downloads:start']({ serverId, jobId });
  await until(
    async () => (await h()['downloads:list']({})).items.filter((item) => item.jobId === jobId),
    (list) => list.length === items.length && list.every((item) => item.state === 'completed'),
  );
  await h()['downloads:extract']({ serverId, jobId });
}

const row = (overview: ResultsOverview, chromosome: string) => overview.chromosomes.find((r) => r.chromosome === chromosome)!;

describe('results of a job', () => {
  it('says what is missing before anything is downloaded, and refuses to summarize nothing', async () => {
    const overview = await h()['results:overview']({ serverId, jobId });
    expect(overview.chromosomes.map((r) => r.chromosome)).toEqual(['20', '21']);
    expect(row(overview, '20').missing).toBe('chr20.info.gz and chr20.dose.vcf.gz are missing: chr_20.zip is not downloaded (10 downloads left).');
    expect(overview.passwordAvailable).toBe(true);
    expect(overview.notDownloaded.map((file) => file.name)).toContain('chr_21.zip');
    await expect(h()['results:summarize']({ serverId, jobId, operationId: 'early' })).rejects.toThrow(/No chr\*\.info\.gz file is in/);
  });

  it('summarizes the unpacked info files as bcftools counts them, caches it, and notices a changed file', async () => {
    await downloadAndExtract();
    const before = await h()['results:overview']({ serverId, jobId });
    expect(before.chromosomes.every((r) => r.info && r.dose && r.missing === null)).toBe(true);
    expect(before.summary).toBeNull();

    const summary = await h()['results:summarize']({ serverId, jobId, operationId: 'sum1' });
    const done = await waitForEvent(services, 'results:progress', (p) => p.operationId === 'sum1' && p.doneBytes === p.totalBytes && p.totalBytes > 0);
    expect(done.kind).toBe('summary');
    for (const chromosome of ['20', '21']) {
      const info = path.join(before.folder, `chr${chromosome}.info.gz`);
      const quality = summary.chromosomes.find((q) => q.chromosome === chromosome)!;
      expect(quality.variants).toBe(count(['view', '-H', info]));
      expect(quality.pass[0]).toBe(count(['view', '-H', '-i', 'INFO/R2>=0.3', info]));
      expect(quality.pass[1]).toBe(count(['view', '-H', '-i', 'INFO/R2>=0.8', info]));
      expect(quality.typed).toBe(count(['view', '-H', '-i', 'INFO/TYPED=1', info]));
      expect(quality.mafBins[4].count).toBe(count(['view', '-H', '-i', 'INFO/MAF>=0.05', info]));
    }
    expect(summary.overall.variants).toBe(summary.chromosomes.reduce((sum, q) => sum + q.variants, 0));

    const cached = await h()['results:overview']({ serverId, jobId });
    expect(cached.summary).toEqual(summary);
    const info = path.join(before.folder, 'chr21.info.gz');
    await utimes(info, new Date(), new Date(Date.now() + 5000));
    const stale = await h()['results:overview']({ serverId, jobId });
    expect(stale.summary).toBeNull();
    expect(stale.summaryStale).toBe(true);
  });

  it('opens with a chromosome file missing and names it', async () => {
    const folder = (await h()['results:overview']({ serverId, jobId })).folder;
    await rm(path.join(folder, 'chr21.info.gz'));
    const half = await h()['results:overview']({ serverId, jobId });
    expect(row(half, '21').missing).toBe(
      'chr21.info.gz is missing: chr21.dose.vcf.gz is there, and unpacking chr_21.zip again needs it moved elsewhere first.',
    );
    expect(row(half, '20').missing).toBeNull();
    expect(half.notExtracted).toEqual([]);
    await rm(path.join(folder, 'chr21.dose.vcf.gz'));
    const overview = await h()['results:overview']({ serverId, jobId });
    expect(row(overview, '21').missing).toBe('chr21.info.gz and chr21.dose.vcf.gz are not unpacked yet: extract chr_21.zip.');
    expect(overview.notExtracted).toEqual(['chr_21.zip']);
    // the summary covers what is there
    const summary = await h()['results:summarize']({ serverId, jobId, operationId: 'sum2' });
    expect(summary.chromosomes.map((q) => q.chromosome)).toEqual(['20']);
    await h()['downloads:extract']({ serverId, jobId });
    expect((await h()['results:overview']({ serverId, jobId })).chromosomes.every((r) => r.missing === null)).toBe(true);
  });

  it('shows the QC side from the files on disk', async () => {
    const qc = await h()['results:qc']({ serverId, jobId });
    const folder = (await h()['results:overview']({ serverId, jobId })).folder;
    const excludedRows = (await readFile(path.join(folder, 'statistics/snps-excluded.txt'), 'utf8')).trim().split('\n').length - 1;
    expect(qc.excludedTotal).toBe(excludedRows);
    expect(qc.excludedByReason.reduce((sum, r) => sum + r.count, 0)).toBe(excludedRows);
    expect(qc.statistics.find((s) => s.label === 'Match')).toBeDefined();
    expect(qc.reportHtml).toContain('Quality Control Report');
    expect(qc.missing).toEqual([]);
  });

  it('exports the filtered dose files, equal to bcftools view -i, and refuses a chromosome that is not there', async () => {
    const options = { serverId, jobId, minR2: 0.3, minMaf: 0.01, chromosomes: ['20', '21'], concatenate: true };
    const plan = await h()['results:exportPlan'](options);
    expect(plan.command).toContain("bcftools view -i 'INFO/R2>=0.3 && INFO/MAF>=0.01'");
    const result = await h()['results:export']({ ...options, operationId: 'ex1' });
    expect(result.files).toHaveLength(1);
    const folder = path.dirname(path.dirname(result.files[0].path));
    const expected = execFileSync(
      'bash',
      ['-c', `bcftools concat -Ou chr20.dose.vcf.gz chr21.dose.vcf.gz 2>/dev/null | bcftools view -H -i '${plan.expression}'`],
      { cwd: folder, encoding: 'utf8' },
    );
    expect(execFileSync('bcftools', ['view', '-H', result.files[0].path], { encoding: 'utf8' })).toBe(expected);
    expect(result.files[0].kept).toBe(expected.split('\n').filter(Boolean).length);
    await expect(h()['results:export']({ ...options, chromosomes: ['22'], operationId: 'ex2' })).rejects.toThrow(/chr22\.dose\.vcf\.gz is not in/);
  });

  it('writes a methods record that round-trips, with checksums that match the files', async () => {
    const answer = await h()['results:methods']({ serverId, jobId, operationId: 'm1' });
    const saved = methodsRecord.parse(JSON.parse(await readFile(answer.path, 'utf8')));
    expect(saved).toEqual(answer.record);
    const folder = path.dirname(answer.path);
    expect(saved.outputs.map((o) => o.name)).toEqual(
      expect.arrayContaining(['chr_20.zip', 'chr_21.zip', 'qc_report.txt', 'chr20.dose.vcf.gz', 'chr21.info.gz']),
    );
    for (const output of saved.outputs) expect(output.digest, output.name).toBe(digest('md5sum', path.join(folder, ...output.name.split('/'))));
    expect(saved.inputs.map((i) => [i.name, i.digest])).toEqual(inputs.map((file) => [path.basename(file), digest('sha256sum', file)]));
    expect(saved.preparation).toEqual([
      expect.objectContaining({ kind: 'fix', description: 'Sorted the records by position.', output: 'study.chr21.vcf.gz', command: 'bcftools sort' }),
    ]);
    expect(saved.settings).toMatchObject({
      referencePanel: '1000g-phase-3-v5',
      referencePanelVersion: '2.0.0',
      build: 'hg19',
      phasing: 'eagle',
      population: 'eur',
    });
    expect(saved.pipelineVersion).toMatch(/^v2\./);
    expect(saved.citations.map((c) => c.id)).toEqual(['das2016', 'loh2016']);
    expect(saved.citations.every((c) => c.source.startsWith('https://'))).toBe(true);
    expect(answer.paragraph).toContain('1000g-phase-3-v5 (version 2.0.0) reference panel');
    expect(answer.paragraph).toContain(`SHA-256 ${digest('sha256sum', inputs[0])}`);
    expect(answer.paragraph).toContain('Das S, Forer L');
    expect(JSON.stringify(saved)).not.toContain(emulator.control.getJob(jobId)!.password);
  });

  it('gives curl lines that fetch the files, each spending one credit', async () => {
    const commands = await h()['results:downloadCommands']({ serverId, jobId });
    expect(commands.script).toMatch(/^#!\/bin\/sh\n/);
    const report = commands.files.find((file) => file.name === 'qc_report.txt')!;
    expect(report.command).toMatch(/^curl --fail -o qc_report\.txt 'http:\/\/127\.0\.0\.1:\d+\/share\/results\/[0-9a-f]+\/qc_report\.txt'$/);
    expect(commands.script).toContain(`# qc_report.txt: ${report.credits} downloads left`);
    const nested = commands.files.find((file) => file.name.includes('/'))!;
    expect(nested.command).toContain('--create-dirs');
    const cwd = path.join(services.userDataDir, 'cluster');
    // async: the emulator answering curl runs in this process
    await promisify(execFile)('bash', ['-c', `mkdir -p ${cwd} && cd ${cwd} && ${report.command}`]);
    const folder = (await h()['results:overview']({ serverId, jobId })).folder;
    expect(await readFile(path.join(cwd, 'qc_report.txt'))).toEqual(await readFile(path.join(folder, 'qc_report.txt')));
    const after = await h()['results:downloadCommands']({ serverId, jobId });
    expect(after.files.find((file) => file.name === 'qc_report.txt')!.credits).toBe(report.credits! - 1);
  });
});
