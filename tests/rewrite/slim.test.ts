// Slim copies (INFO emptied, FORMAT reduced to GT) written by the parallel rewriter, checked with
// Debian's bcftools and tabix: every GT identical, the records as `bcftools annotate -x
// INFO,^FORMAT/GT` writes them, valid for `tabix -p vcf`, whatever the batch boundaries cut.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RewritePool } from '../../electron/services/rewrite/pool';
import { rewriteFile } from '../../electron/services/rewrite/rewrite-file';
import { bgzfText, tool, writeRichVcf, type RichVcfSpec } from './fixtures';

let dir: string;
let pool: RewritePool;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rewrite-slim-'));
  pool = new RewritePool(2);
});

afterAll(async () => {
  await pool.close();
  await rm(dir, { recursive: true, force: true });
});

async function slimOf(name: string, spec: RichVcfSpec, batchBytes: number): Promise<{ input: string; output: string; text: string }> {
  const input = path.join(dir, `${name}.vcf.gz`);
  const output = path.join(dir, `${name}.slim.vcf.gz`);
  const text = await writeRichVcf(input, spec);
  await rewriteFile({ input, output, fileName: `${name}.vcf.gz`, spec: { kind: 'slim-gt', headerLine: '##imputationDesktopCommand=slim' }, pool, batchBytes });
  return { input, output, text };
}

describe('slim copies', () => {
  it('keep every GT byte for byte, match bcftools annotate record for record, and index with tabix', async () => {
    // blocks of 3 kB and batches of about two blocks: lines are cut at almost every batch boundary
    const { input, output } = await slimOf('cohort', { samples: 40, records: 1500, blockBytes: 3000, missing: 0.1 }, 2500);
    const gt = (file: string) => tool('bcftools', ['query', '-f', '[%GT]\\n', file]);
    expect(gt(output)).toBe(gt(input));
    expect(gt(output).split('\n').length).toBe(1501);

    const theirs = path.join(dir, 'cohort.bcftools.vcf.gz');
    tool('bcftools', ['annotate', '-x', 'INFO,^FORMAT/GT', '-Oz', '-o', theirs, input]);
    expect(tool('bcftools', ['view', '-H', output])).toBe(tool('bcftools', ['view', '-H', theirs]));

    tool('tabix', ['-p', 'vcf', output]);
    expect((await stat(`${output}.tbi`)).size).toBeGreaterThan(0);
    expect(tool('tabix', [output, '20:100000-120000']).split('\n').filter(Boolean)).toHaveLength(20);
    expect(tool('htsfile', [output])).toContain('BGZF-compressed');

    const header = bgzfText(await readFile(output)).split('\n#CHROM')[0]! + '\n#CHROM';
    expect(header).toContain('##FORMAT=<ID=GT,');
    expect(header).not.toMatch(/##INFO=|##FORMAT=<ID=(AD|DP|GQ|PL),/);
    expect(header).toContain('##imputationDesktopCommand=slim\n#CHROM');
    expect((await stat(output)).size).toBeLessThan((await stat(input)).size / 3);
  });

  it('handles lines longer than a batch, phased and missing genotypes, CRLF and a missing last newline', async () => {
    const spec: RichVcfSpec = { samples: 8, records: 60, infoPadding: 20_000, phased: true, missing: 0.3, crlf: true, noFinalNewline: true, blockBytes: 4000 };
    const { output, text } = await slimOf('long', spec, 3000);
    const records = (source: string) =>
      source
        .replace(/\r/g, '')
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split('\t'));
    const before = records(text);
    const after = records(bgzfText(await readFile(output)));
    expect(after).toHaveLength(60);
    after.forEach((fields, index) => {
      const original = before[index]!;
      expect(fields.slice(0, 7)).toEqual(original.slice(0, 7));
      expect(fields[7]).toBe('.');
      expect(fields[8]).toBe('GT');
      expect(fields.slice(9)).toEqual(original.slice(9).map((cell) => cell.split(':')[0]));
    });
    expect(bgzfText(await readFile(output)).endsWith('\n')).toBe(true);
    tool('tabix', ['-f', '-p', 'vcf', output]);
  });

  it('refuses a file that is not BGZF, and leaves no output behind', async () => {
    const input = path.join(dir, 'plain.vcf.gz');
    const { writeFile } = await import('node:fs/promises');
    const { gzipSync } = await import('node:zlib');
    await writeFile(input, gzipSync('##fileformat=VCFv4.2\n'));
    const output = path.join(dir, 'plain.slim.vcf.gz');
    await expect(rewriteFile({ input, output, fileName: 'plain.vcf.gz', spec: { kind: 'slim-gt' }, pool })).rejects.toThrow(
      'plain.vcf.gz is not compressed with bgzip (BGZF), so it cannot be rewritten.',
    );
    await expect(stat(output)).rejects.toThrow();
    await expect(stat(`${output}.part`)).rejects.toThrow();
  });
});
