import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeVcfGz, type VcfSpec } from '../support/vcf-fixtures';
import { scanVcfFile, type SubmitOptions, type VcfFileSummary } from '../../electron/services/vcf';

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vcf-test-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function fixture(dir: string, name: string, spec: VcfSpec = {}): Promise<string> {
  const path = join(dir, name);
  await writeVcfGz(path, spec);
  return path;
}

export async function scanFixture(dir: string, name: string, spec: VcfSpec = {}): Promise<VcfFileSummary> {
  return scanVcfFile(await fixture(dir, name, spec), { workers: 0 });
}

export const hg19: SubmitOptions = {
  build: 'hg19',
  phasing: 'eagle',
  refpanelId: 'hapmap-2',
  refpanelBuild: 'hg19',
  population: 'eur',
  mode: 'imputation',
  r2Filter: '0',
};
export const hg38: SubmitOptions = { ...hg19, build: 'hg38', refpanelId: 'topmed-r3', refpanelBuild: 'hg38', population: 'all' };
