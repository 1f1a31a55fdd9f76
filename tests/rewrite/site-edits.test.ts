// Allele fixes written by the rewriter, checked record by record against the input: swapped sites
// have their genotypes recoded exactly, flipped sites only their bases, dropped sites are gone,
// A/T and C/G sites go when asked, everything else is byte-identical; one change-log row each.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewriteSet } from '../../electron/services/rewrite/rewrite-set';
import { editKey } from '../../electron/services/rewrite/transforms/site-edits';
import type { SiteEdit } from '../../electron/services/rewrite/types';
import { bgzfText, tool, writeRichVcf } from './fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rewrite-edits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' };
const records = (text: string) => text.split('\n').filter((line) => line && !line.startsWith('#'));
const recode = (gt: string) => gt.replace(/[01]/g, (allele) => (allele === '0' ? '1' : '0'));
const lots = { freeSpace: async () => 1e15 };

/** Edits for every 7th (swap), 11th (flip), 13th (flip+swap) and 17th (drop) non-ambiguous record. */
function editsFor(text: string): Map<number, SiteEdit> {
  const edits = new Map<number, SiteEdit>();
  records(text).forEach((line, index) => {
    const [chrom, pos, id, ref, alt] = line.split('\t') as [string, string, string, string, string];
    if (['AT', 'TA', 'CG', 'GC'].includes(ref + alt)) return;
    const base = { chromosome: chrom, pos: Number(pos), id, ref, alt, reason: 'test' };
    if (index % 7 === 0) edits.set(index, { ...base, action: 'swap', newRef: alt, newAlt: ref, reason: `Allele switch. Reference Panel: ${alt}/${ref}` });
    else if (index % 11 === 0) edits.set(index, { ...base, action: 'flip', newRef: COMPLEMENT[ref]!, newAlt: COMPLEMENT[alt]! });
    else if (index % 13 === 0) edits.set(index, { ...base, action: 'flip-swap', newRef: COMPLEMENT[alt]!, newAlt: COMPLEMENT[ref]! });
    else if (index % 17 === 0) edits.set(index, { ...base, action: 'drop', newRef: '', newAlt: '' });
  });
  return edits;
}

describe('site edits', () => {
  it('swap, flip, both and drop exactly the listed sites, recode every genotype of a swap, and log each change', async () => {
    const input = path.join(dir, 'chr20.vcf.gz');
    const text = await writeRichVcf(input, { samples: 25, records: 900, blockBytes: 5000, missing: 0.15 });
    const edits = editsFor(text);
    const folder = path.join(dir, 'fixed');
    const result = await rewriteSet({
      sources: [{ path: input, name: 'chr20.vcf.gz', size: (await readFile(input)).length }],
      folder,
      spec: { kind: 'site-edits', edits: [...edits.values()], matchBy: 'position', dropAmbiguous: true, slim: false },
      changeLog: 'changes.tsv',
      expectedBytes: 1,
      workers: 2,
      ...lots,
    });
    const output = bgzfText(await readFile(path.join(folder, 'chr20.vcf.gz')));
    const after = records(output);
    let next = 0;
    const expectedLog: string[] = [];
    records(text).forEach((line, index) => {
      const fields = line.split('\t');
      const [chrom, pos, id, ref, alt] = fields as [string, string, string, string, string];
      const edit = edits.get(index);
      const ambiguous = ['AT', 'TA', 'CG', 'GC'].includes(ref + alt);
      if (edit?.action === 'drop' || (!edit && ambiguous)) {
        expectedLog.push(['chr20.vcf.gz', chrom, pos, id, ref, alt, '', '', 'drop'].join('\t'));
        return;
      }
      const out = after[next++]!.split('\t');
      if (!edit) {
        expect(out.join('\t')).toBe(line);
        return;
      }
      expectedLog.push(['chr20.vcf.gz', chrom, pos, id, ref, alt, edit.newRef, edit.newAlt, edit.action].join('\t'));
      expect(out.slice(0, 3)).toEqual(fields.slice(0, 3));
      expect(out.slice(3, 5)).toEqual([edit.newRef, edit.newAlt]);
      expect(out.slice(5, 7)).toEqual(fields.slice(5, 7));
      if (edit.action === 'flip') {
        expect(out.slice(7)).toEqual(fields.slice(7)); // the allele order is unchanged: INFO and FORMAT stay
      } else {
        expect(out[7]).toBe('.');
        expect(out[8]).toBe('GT');
        expect(out.slice(9)).toEqual(fields.slice(9).map((cell) => recode(cell.split(':')[0]!)));
      }
    });
    expect(next).toBe(after.length);

    const counted = [...edits.values()].reduce<Record<string, number>>((acc, edit) => ({ ...acc, [edit.action]: (acc[edit.action] ?? 0) + 1 }), {});
    const ambiguousCount = records(text).filter((line) => ['AT', 'TA', 'CG', 'GC'].includes(line.split('\t').slice(3, 5).join(''))).length;
    expect(result.counts).toEqual({ ...counted, 'drop-ambiguous': ambiguousCount });
    expect(new Set(result.marks)).toEqual(new Set([...edits.values()].map((edit) => editKey(edit, 'position'))));

    const log = (await readFile(result.changeLog!, 'utf8')).trimEnd().split('\n');
    expect(log[0]).toBe('FILE\tCHROM\tPOS\tID\tOLD_REF\tOLD_ALT\tNEW_REF\tNEW_ALT\tACTION\tREASON');
    expect(log.slice(1).map((row) => row.split('\t').slice(0, 9).join('\t'))).toEqual(expectedLog);

    // still a VCF bcftools reads and tabix indexes
    const file = path.join(folder, 'chr20.vcf.gz');
    expect(tool('bcftools', ['view', '-H', file]).trimEnd().split('\n')).toHaveLength(after.length);
    tool('tabix', ['-p', 'vcf', file]);
  });

  it('with slim on, flipped and untouched sites keep only GT too; sites can be found by ID', async () => {
    const input = path.join(dir, 'ids.vcf.gz');
    const text = await writeRichVcf(input, { samples: 6, records: 120, seed: 9 });
    const lines = records(text);
    const [, , id, ref, alt] = lines[4]!.split('\t') as [string, string, string, string, string];
    const edit: SiteEdit = { chromosome: '', pos: 0, id, ref, alt, action: 'flip', newRef: COMPLEMENT[ref]!, newAlt: COMPLEMENT[alt]!, reason: 'Strand flip.' };
    const folder = path.join(dir, 'ids');
    const result = await rewriteSet({
      sources: [{ path: input, name: 'ids.vcf.gz', size: (await readFile(input)).length }],
      folder,
      spec: { kind: 'site-edits', edits: [edit], matchBy: 'id', dropAmbiguous: false, slim: true },
      changeLog: 'changes.tsv',
      expectedBytes: 1,
      ...lots,
    });
    expect(result.counts).toEqual({ flip: 1 });
    const after = records(bgzfText(await readFile(path.join(folder, 'ids.vcf.gz'))));
    expect(after).toHaveLength(120);
    expect(after[4]!.split('\t').slice(3, 9)).toEqual([COMPLEMENT[ref], COMPLEMENT[alt], '50', 'PASS', '.', 'GT']);
    for (const [index, line] of after.entries()) {
      const original = lines[index]!.split('\t');
      expect(line.split('\t').slice(9)).toEqual(original.slice(9).map((cell) => cell.split(':')[0]));
    }
  });
});
