// The headline of a failed job names the reason, not Cloudgene's generic "Pipeline execution
// failed." / "Imputation job failed." lines (docs/server-behaviour.md#steps-and-messages, 5.6), on both servers.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import type { Job } from '../../electron/services/cloudgene/schemas';
import { firstErrorOf } from '../../electron/services/jobs/job-view';
import { writePanelCohort } from '../support/panel-fixtures';
import { writeVcfGz } from '../support/vcf-fixtures';

const step = (name: string, messages: Array<[number, string]>) => ({
  id: 0,
  name,
  empty: messages.length === 0,
  logMessages: messages.map(([type, message]) => ({ success: true, message, type, time: 0 })),
});
const jobWith = (...steps: ReturnType<typeof step>[]) => ({ steps }) as unknown as Job;

describe('firstErrorOf', () => {
  it('skips the generic lines when the reason comes after them (top-level errors in the Summary)', () => {
    const job = jobWith(
      step('Input Validation', []),
      step('Summary', [
        [1, 'Pipeline execution failed.'],
        [1, 'No vcf.gz input files detected.'],
        [1, 'Imputation job failed.'],
      ]),
    );
    expect(firstErrorOf(job)).toBe('No vcf.gz input files detected.');
  });

  it('takes the validation message before the Summary lines', () => {
    const job = jobWith(
      step('Input Validation', [[1, 'At least 20 samples must be uploaded.']]),
      step('Summary', [
        [1, 'Pipeline execution failed.'],
        [1, 'Imputation job failed.'],
      ]),
    );
    expect(firstErrorOf(job)).toBe('At least 20 samples must be uploaded.');
  });

  it('a failed QC group: the "Error:" line, as text', () => {
    const job = jobWith(
      step('Quality Control', [
        [0, 'Calculating QC Statistics'],
        [
          1,
          'Excluded sites in total: 131\nRemaining sites in total: 1,209\n<br><b>Error:</b> More than 100 allele switches have been detected. Imputation cannot be started!',
        ],
      ]),
      step('Summary', [
        [1, 'Pipeline execution failed.'],
        [1, 'Imputation job failed.'],
      ]),
    );
    expect(firstErrorOf(job)).toBe('More than 100 allele switches have been detected. Imputation cannot be started!');
  });

  it('only generic lines: the first of them; no errors: null', () => {
    expect(
      firstErrorOf(
        jobWith(
          step('Summary', [
            [1, 'Pipeline execution canceled.'],
            [1, 'Imputation job canceled.'],
          ]),
        ),
      ),
    ).toBe('Pipeline execution canceled.');
    expect(firstErrorOf(jobWith(step('Summary', [[0, 'Data have been exported successfully.']])))).toBeNull();
  });
});

describe('firstErrorOf on jobs the emulator failed', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'first-error-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function failedJob(emu: RunningEmulator, fields: Record<string, string>, file: { name: string; data: Buffer } | null): Promise<Job> {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    if (file) form.append('files', new Blob([new Uint8Array(file.data)]), file.name);
    const submitted = await fetch(`${emu.url}/api/v2/jobs/submit/imputationserver2`, { method: 'POST', body: form, headers: { 'X-Auth-Token': emu.token } });
    const { id } = (await submitted.json()) as { id: string };
    const client = new CloudgeneClient({ baseUrl: emu.url, token: emu.token, userAgent: 'test' });
    for (let i = 0; i < 400; i++) {
      const job = await client.job(id);
      if (job.state > 3) return job;
      emu.control.advanceClock(60_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the job did not end');
  }

  for (const flavour of ['michigan', 'topmed'] as const) {
    it(`${flavour}: no .vcf.gz, a bad phasing option, and (Michigan) a QC failure`, async () => {
      const emu = await startEmulator({ flavour, maxJobsPerUser: 10 });
      try {
        const hg38 = flavour === 'topmed';
        const base = hg38
          ? { refpanel: 'apps@topmed-r3@1.0.0', build: 'hg38', population: 'all' }
          : { refpanel: 'apps@hapmap-2@2.0.0', build: 'hg19', population: 'eur' };
        const vcf = path.join(dir, `${flavour}.vcf.gz`);
        await writeVcfGz(vcf, { chromosome: hg38 ? 'chr20' : '20', samples: 25 });
        const data = await readFile(vcf);
        const noVcf = await failedJob(emu, base, { name: 'chr20.vcf', data });
        expect(noVcf.state).toBe(5);
        expect(firstErrorOf(noVcf)).toBe('No vcf.gz input files detected.');
        const phasing = await failedJob(emu, { ...base, phasing: 'shapeit' }, { name: 'chr20.vcf.gz', data });
        expect(firstErrorOf(phasing)).toBe("For phasing, only options 'eagle', 'beagle' or 'no_phasing' are allowed.");
        if (!hg38) {
          const switches = path.join(dir, 'switches.vcf.gz');
          await writePanelCohort(switches, { samples: 25, matches: 300, inject: { alleleSwitches: 120 } });
          const qc = await failedJob(emu, base, { name: 'chr20.vcf.gz', data: await readFile(switches) });
          expect(firstErrorOf(qc)).toBe('More than 100 allele switches have been detected. Imputation cannot be started!');
        }
      } finally {
        await emu.close();
      }
    });
  }
});
