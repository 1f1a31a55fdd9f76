// File names the pipeline's unquoted loops cannot take (electron/shared/file-name-rules.ts).
import { describe, expect, it } from 'vitest';
import { fileNameProblem, suggestFileName } from '../../electron/shared/file-name-rules';

describe('fileNameProblem', () => {
  it('accepts plain names, including non-ASCII letters', () => {
    for (const name of ['chr20.vcf.gz', 'study-A_chr1.vcf.gz', 'Müller.chr20.vcf.gz', 'a+b=c,d@e%f.vcf.gz', 'x:1.vcf.gz']) {
      expect(fileNameProblem(name), name).toBeNull();
    }
  });

  it('refuses every shell character, white space and control characters, saying which', () => {
    const special = ['$', '`', '"', "'", '\\', ';', '&', '|', '<', '>', '(', ')', '*', '?', '[', ']', '!', '#', '~', '{', '}'];
    for (const ch of special) {
      const problem = fileNameProblem(`chr${ch}20.vcf.gz`);
      expect(problem, ch).toMatch(new RegExp(`^The name contains “${ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}”\\. `));
      expect(problem, ch).toMatch(/Rename it to “chr_20\.vcf\.gz”\.$/);
    }
    expect(fileNameProblem('my file.vcf.gz')).toMatch(/^The name contains a space\. The server’s scripts use file names without quotes/);
    expect(fileNameProblem('my\tfile.vcf.gz')).toMatch(/^The name contains a tab\./);
    expect(fileNameProblem('my\nfile.vcf.gz')).toMatch(/^The name contains a line break or other white space\./);
    expect(fileNameProblem('my\u00a0file.vcf.gz')).toMatch(/white space/);
    expect(fileNameProblem('my\u0007file.vcf.gz')).toMatch(/^The name contains a control character \(U\+0007\)\./);
    expect(fileNameProblem('my\u0085file.vcf.gz')).not.toBeNull();
    expect(fileNameProblem('my\u007ffile.vcf.gz')).toMatch(/U\+007F/);
  });

  it('refuses a leading dash (read as an option) and an empty name', () => {
    expect(fileNameProblem('-chr20.vcf.gz')).toMatch(/^The name starts with “-”, .* Rename it to “chr20\.vcf\.gz”\.$/);
    expect(fileNameProblem('')).toMatch(/^The file has no name\./);
  });
});

describe('suggestFileName', () => {
  it('replaces each run of unsafe characters with one underscore and keeps the ending', () => {
    expect(suggestFileName('my file (1).vcf.gz')).toBe('my_file_1.vcf.gz');
    expect(suggestFileName('a  $b.vcf.gz')).toBe('a_b.vcf.gz');
    expect(suggestFileName('--x.vcf.gz')).toBe('x.vcf.gz');
    expect(suggestFileName('(draft).VCF.GZ')).toBe('draft.vcf.gz');
    expect(suggestFileName('$$$.vcf.gz')).toBe('input.vcf.gz');
    expect(suggestFileName('odd name')).toBe('odd_name.vcf.gz');
    for (const name of ['my file (1).vcf.gz', '-x.vcf.gz', 'a;b|c.vcf', "it's.bcf"]) expect(fileNameProblem(suggestFileName(name)), name).toBeNull();
  });
});
