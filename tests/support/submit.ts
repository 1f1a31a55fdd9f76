// Submits a real job to an emulator through the app's upload engine, with a generated VCF.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { snapshotFile } from '../../electron/services/multipart/file-snapshot';
import { submitJob } from '../../electron/services/multipart/submit';
import { writeVcfGz, type VcfSpec } from './vcf-fixtures';

export interface TestSubmit {
  vcf?: VcfSpec;
  fields?: Record<string, string>;
  name?: string;
}

export async function submitTestJob(client: CloudgeneClient, options: TestSubmit = {}): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'submit-'));
  const file = path.join(dir, 'chr20.vcf.gz');
  await writeVcfGz(file, { samples: 25, variants: 300, ...options.vcf });
  const { jobId } = await submitJob({
    client,
    appId: 'imputationserver2',
    fields: {
      refpanel: 'apps@1000g-phase-3-v5@2.0.0',
      population: 'eur',
      build: 'hg19',
      phasing: 'eagle',
      mode: 'imputation',
      'job-name': options.name ?? 'test job',
      ...options.fields,
    },
    files: [await snapshotFile(file, 'chr20.vcf.gz')],
  });
  return jobId;
}
