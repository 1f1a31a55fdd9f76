// The filtered export equals `bcftools view -i 'INFO/R2>=x && INFO/MAF>=y'` record for record
// (Debian's bcftools), per chromosome and concatenated, and tabix indexes what it writes. Values
// sit on the thresholds on purpose, and some differ from them only beyond float precision, which
// bcftools compares in.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filterExpression, exportPlan, provenanceLine } from '../../electron/services/results/export-plan';
import type { ExportTaskResult } from '../../electron/services/results/filter-export';
import { ResultsWorkerPool } from '../../electron/services/results/worker-pool';
import { bgzfCompress } from '../../electron/services/vcf/bgzf-write';
import { writeDoseGz } from './dose-fixtures';
import { knownSites } from './info-fixtures';

let dir: string;
const pool = new ResultsWorkerPool(2);

const records = (args: string[]): string[] =>
  execFileSync('bcftools', args, { encoding: 'utf8', maxBuffer: 1 << 28 })
    .split('\n')
    .filter(Boolean);
const shell = (command: string, cwd: string): string => execFileSync('bash', ['-c', command], { cwd, encoding: 'utf8' });

async function runExport(inputs: string[], output: string, minR2: number, minMaf: number, signal?: AbortSignal): Promise<ExportTaskResult> {
  const answer = await pool.run(
    {
      kind: 'export',
      export: { inputs, output, minR2, minMaf, provenance: provenanceLine('Imputation Desktop', 'test', filterExpression(minR2, minMaf), inputs, new Date()) },
    },
    () => undefined,
    signal,
  );
  return (answer as { result: ExportTaskResult }).result;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'filtered-export-'));
  await writeDoseGz(path.join(dir, 'chr20.dose.vcf.gz'), '20', knownSites(6000, 11));
  await writeDoseGz(path.join(dir, 'chr21.dose.vcf.gz'), '21', knownSites(4000, 12));
});
afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

describe('filtered export', () => {
  for (const [minR2, minMaf] of [
    [0.3, 0.01],
    [0.8, 0.005],
    [0, 0],
  ] as const) {
    it(`keeps what bcftools keeps for R2>=${minR2} and MAF>=${minMaf}, and tabix indexes it`, async () => {
      const expression = filterExpression(minR2, minMaf);
      const input = path.join(dir, 'chr20.dose.vcf.gz');
      const output = path.join(dir, `out-${minR2}-${minMaf}.vcf.gz`);
      const result = await runExport([input], output, minR2, minMaf);
      const expected = records(['view', '-H', '-i', expression, input]);
      expect(records(['view', '-H', output])).toEqual(expected);
      expect(result.kept).toBe(expected.length);
      expect(result.records).toBe(6000);
      execFileSync('tabix', ['-p', 'vcf', '-f', output]);
      const header = spawnSync('bcftools', ['view', '-h', output], { encoding: 'utf8' });
      expect(header.stderr).toBe('');
      expect(header.stdout).toContain(`##imputationDesktop_filterCommand=view -i '${expression}' chr20.dose.vcf.gz; Version=Imputation Desktop test;`);
      expect(execFileSync('htsfile', [output], { encoding: 'utf8' })).toMatch(/VCF version 4\.2 BGZF-compressed variant calling data/);
    });
  }

  it('compares in float precision as bcftools does: 0.2999999999 passes 0.3, 0.29999999 does not', async () => {
    const sites = [
      { pos: 100, maf: null, r2: null },
      { pos: 200, maf: 1000, r2: 30000 },
      { pos: 300, maf: 500, r2: 80000 },
    ];
    const input = path.join(dir, 'chr19.dose.vcf.gz');
    await writeDoseGz(input, '19', sites);
    // hand-made INFO texts beyond five decimals
    const text = execFileSync('bash', ['-c', `zcat ${input}`], { encoding: 'utf8' })
      .replace('MAF=0.01;AVG_CS=0.99;R2=0.3', 'MAF=0.0099999999;AVG_CS=0.99;R2=0.2999999999')
      .replace('MAF=0.005;AVG_CS=0.99;R2=0.8', 'MAF=0.00999999;AVG_CS=0.99;R2=0.29999999');
    const edited = path.join(dir, 'chr19.edited.vcf.gz');
    await writeFile(edited, bgzfCompress(text));
    const output = path.join(dir, 'edge.vcf.gz');
    await runExport([edited], output, 0.3, 0.01);
    const kept = records(['view', '-H', output]).map((line) => line.split('\t')[1]);
    expect(kept).toEqual(records(['view', '-H', '-i', filterExpression(0.3, 0.01), edited]).map((line) => line.split('\t')[1]));
    expect(kept).toEqual(['200']);
  });

  it('joins chromosomes into one file like bcftools concat, and the plan names the same command', async () => {
    const inputs = ['chr20', 'chr21'].map((c) => path.join(dir, `${c}.dose.vcf.gz`));
    const output = path.join(dir, 'joined.vcf.gz');
    await runExport(inputs, output, 0.3, 0.01);
    const expected = shell(`bcftools concat -Ou ${inputs.join(' ')} | bcftools view -H -i '${filterExpression(0.3, 0.01)}'`, dir)
      .split('\n')
      .filter(Boolean);
    expect(records(['view', '-H', output])).toEqual(expected);
    execFileSync('tabix', ['-p', 'vcf', '-f', output]);
    const header = records(['view', '-h', output]).filter((line) => line.startsWith('##contig'));
    expect(header).toEqual(['##contig=<ID=20>', '##contig=<ID=21>']);

    // the command shown to users writes the same records
    const plan = exportPlan(dir, { minR2: 0.3, minMaf: 0.01, chromosomes: ['21', '20'], concatenate: true });
    shell(plan.command, dir);
    expect(records(['view', '-H', plan.outputs[0].path])).toEqual(expected);
    expect(existsSync(`${plan.outputs[0].path}.tbi`)).toBe(true);
  });

  it('stops when canceled and leaves no file behind', async () => {
    const big = path.join(dir, 'chr22.dose.vcf.gz');
    await writeDoseGz(big, '22', knownSites(60_000, 13), 40);
    const controller = new AbortController();
    const output = path.join(dir, 'canceled.vcf.gz');
    const run = runExport([big], output, 0.3, 0.01, controller.signal);
    controller.abort();
    await expect(run).rejects.toThrow(/canceled/);
    expect((await readdir(dir)).filter((name) => name.startsWith('canceled'))).toEqual([]);
  });
});
