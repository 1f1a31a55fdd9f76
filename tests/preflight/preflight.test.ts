// The app's pre-flight check and the demo server's input validation use one set of rules:
// each fixture gets the same server message from both.
import { mkdtemp, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import type { JobDetail, PreflightReport } from '../../electron/ipc/contract';
import { PreflightChecker } from '../../electron/services/vcf/preflight';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { writeVcfGz, type VcfSpec } from '../support/vcf-fixtures';

let emulator: RunningEmulator;
let services: TestServices;
let serverId: string;
let dir: string;

beforeAll(async () => {
  emulator = await withEmulator({ speed: 400, maxJobsPerUser: 50 });
  services = await createTestServices();
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token })).id;
  await services.handlers['newJob:form']({ serverId });
  dir = await mkdtemp(path.join(os.tmpdir(), 'preflight-'));
});

afterAll(async () => {
  await services.uploads.idle();
  await services.dispose();
  await emulator.close();
});

const values = { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' };

async function register(name: string, spec: VcfSpec): Promise<string> {
  const file = path.join(dir, name);
  await writeVcfGz(file, spec);
  return (await services.handlers['files:register']({ paths: [file] }))[0]!.id;
}

function allErrors(report: PreflightReport): string[] {
  return [...report.files.flatMap((file) => file.findings), ...report.crossFile].filter((f) => f.severity === 'error').map((f) => f.serverMessage);
}

async function submitAndWait(fileIds: string[], overrides: Record<string, string> = {}): Promise<JobDetail> {
  const upload = await services.handlers['uploads:start']({
    serverId,
    appId: 'imputationserver2',
    fileIds,
    values: { ...values, ...overrides },
    checked: { check1: true, check2: true },
    jobName: 'preflight twin',
    password: { mode: 'generate' },
  });
  let jobId: string | null = null;
  for (let i = 0; i < 400 && !jobId; i += 1) {
    const current = (await services.handlers['uploads:list']({})).find((candidate) => candidate.id === upload.id)!;
    if (current.state === 'failed') throw new Error(current.error?.message);
    jobId = current.jobId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (let i = 0; i < 400; i += 1) {
    const detail = await services.handlers['jobs:get']({ serverId, jobId: jobId! });
    if (detail.state >= 4) return detail;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('job did not finish');
}

const cases: Array<{ title: string; name: string; spec: VcfSpec; values?: Record<string, string>; message: string }> = [
  {
    title: 'a chr-prefixed file under hg19',
    name: 'chr20-prefixed.vcf.gz',
    spec: { chromosome: 'chr20' },
    message:
      "Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding. Please ensure that your input data is build hg19 and chromosome is encoded as '20'.",
  },
  {
    title: 'more than one chromosome in a file',
    name: 'two-chromosomes.vcf.gz',
    spec: { extraChromosome: '21' },
    message: 'The provided VCF file contains more than one chromosome. Please split your input VCF file by chromosome',
  },
  {
    title: 'too few samples',
    name: 'few-samples.vcf.gz',
    spec: { samples: 5 },
    message: 'At least 20 samples must be uploaded.',
  },
  {
    title: 'unphased data without a phasing engine',
    name: 'unphased.vcf.gz',
    spec: { phased: false },
    values: { phasing: 'no_phasing' },
    message: 'Your input data is unphased. Please select an algorithm for phasing.',
  },
  {
    title: 'duplicate sample ids',
    name: 'duplicate-ids.vcf.gz',
    spec: { duplicateSample: true },
    message: 'Two individuals or more have the following ID:',
  },
];

describe('pre-flight check and the server agree', () => {
  it('passes a good file with a summary', async () => {
    const id = await register('good.vcf.gz', { samples: 30, variants: 400, phased: true });
    const report = await services.handlers['preflight:check']({ checkId: 'good', serverId, fileIds: [id], values });
    expect(report.ok).toBe(true);
    expect(report.files[0]).toMatchObject({
      fileId: id,
      name: 'good.vcf.gz',
      samples: 30,
      chromosomes: ['20'],
      variants: 400,
      phased: true,
      suggestedBuild: 'hg19',
    });
    expect(JSON.stringify(report)).not.toContain(dir); // no paths to the renderer
    const progress = services.events.filter((event) => event.channel === 'preflight:progress');
    expect(progress.length).toBeGreaterThan(0);
  });

  for (const testCase of cases) {
    it(`${testCase.title}: the same message here and from the server`, async () => {
      const id = await register(testCase.name, testCase.spec);
      const report = await services.handlers['preflight:check']({ checkId: testCase.name, serverId, fileIds: [id], values: { ...values, ...testCase.values } });
      expect(report.ok).toBe(false);
      const local = allErrors(report).find((message) => message.startsWith(testCase.message));
      expect(local, JSON.stringify(allErrors(report))).toBeDefined();
      const finding = [...report.files.flatMap((file) => file.findings), ...report.crossFile].find((f) => f.serverMessage === local);
      expect(finding!.explanation.length).toBeGreaterThan(10);
      expect(finding!.fix.length).toBeGreaterThan(5);

      const job = await submitAndWait([id], testCase.values);
      expect(job.state).toBe(5);
      const serverMessages = job.steps
        .flatMap((step) => step.messages)
        .filter((m) => m.type === 1)
        .map((m) => m.html);
      expect(
        serverMessages.some((message) => message.includes(local!)),
        serverMessages.join(' | '),
      ).toBe(true);
    });
  }

  it('lists every problem of a file and marks the one the server stops at, which is what the server says', async () => {
    const id = await register('plain-gzip-few.vcf.gz', { plainGzip: true, samples: 5 });
    const report = await services.handlers['preflight:check']({ checkId: 'multi', serverId, fileIds: [id], values });
    expect(report.files[0].findings.map((f) => [f.rule, f.firstStop])).toEqual([['not-bgzf', true]]);
    expect(report.crossFile.map((f) => [f.rule, f.serverMessage, f.firstStop])).toEqual([
      ['too-few-samples', 'At least 20 samples must be uploaded.', undefined],
    ]);
    expect(report.files[0]).toMatchObject({ samples: 5, chromosomes: ['20'], variants: 200 });
    const job = await submitAndWait([id]);
    const serverErrors = job.steps.flatMap((step) => step.messages).filter((m) => m.type === 1);
    expect(serverErrors[0].html).toContain(report.files[0].findings[0].serverMessage);
    expect(serverErrors.some((m) => m.html.includes('At least 20 samples'))).toBe(false);
  });

  it('is cached by path, size and modification time (counting the scans)', async () => {
    const file = path.join(services.userDataDir, 'cached.vcf.gz');
    await writeVcfGz(file, { samples: 25 });
    const checker = new PreflightChecker();
    const first = await checker.scanFile(file);
    expect(await checker.scanFile(file)).toEqual(first);
    expect(checker.scansRun).toBe(1);
    await utimes(file, new Date(), new Date(Date.now() + 5000)); // touched: scanned again
    await checker.scanFile(file);
    expect(checker.scansRun).toBe(2);
  });
});
