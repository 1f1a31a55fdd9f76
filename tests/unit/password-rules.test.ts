// The results password must reach the zip tool unchanged (docs/server-behaviour.md#password-rules).
import { describe, expect, it } from 'vitest';
import { GENERATED_LENGTH, generatePassword } from '../../electron/services/upload-queue/password';
import { looksLikeNumber, passwordProblem } from '../../electron/shared/password-rules';

describe('results password rules', () => {
  it.each([
    ['short', /at least 8/],
    ['a'.repeat(201), /at most 200/],
    ['tab\tinside12', /spaces/],
    ['with space1', /spaces/],
    ['ümlautpassword', /plain ASCII/],
    ['has&amp;sign', /& < > "/],
    ['quote"inside1', /& < > "/],
    ['<script>alert', /& < > "/],
    ['Pa$word1234', /shell.*\$/],
    ['back`tick123', /shell/],
    ['back\\slash12', /shell/],
    ['0012345678', /number/],
    ['12345678901', /number/],
    ['1.5e10000', /number/],
    ['-12345678', /number/],
    ['0x1.8p10d', /number/],
    ['123456789f', /number/],
    ['Infinity', /number/],
    ['true', /yes\/no/],
    ['FALSE', /yes\/no/],
  ])('refuses %j', (password, reason) => {
    expect(passwordProblem(password)).toMatch(reason);
  });

  it('tells numbers as Java reads them from text that only starts like one', () => {
    expect(looksLikeNumber('12345678')).toBe(true);
    expect(looksLikeNumber('12345678a')).toBe(false);
    expect(looksLikeNumber('1e5x')).toBe(false);
  });

  it.each(['Good-pass_word!42', 'abcdefgh', 'Truely-false1', "it's-fine-99", 'nan-but-not-a-number', '1234567a'])('accepts %j', (password) => {
    expect(passwordProblem(password)).toBeNull();
  });

  it('generates only passwords that pass every rule (2,000 generations)', () => {
    const seen = new Set<string>();
    for (let round = 0; round < 2000; round += 1) {
      const password = generatePassword();
      expect(password).toHaveLength(GENERATED_LENGTH);
      expect(passwordProblem(password), password).toBeNull();
      seen.add(password);
    }
    expect(seen.size).toBe(2000);
  });

  it('keeps generating until a candidate passes (short lengths hit numbers often)', () => {
    for (let round = 0; round < 500; round += 1) expect(passwordProblem(generatePassword(8))).toBeNull();
  });
});

describe('files a submit may upload', () => {
  it('refuses other files than .vcf.gz, two of one name, and names the pipeline shell would split', async () => {
    const { uploadSelectionProblem } = await import('../../electron/shared/upload-files');
    expect(uploadSelectionProblem(['chr1.vcf.gz', 'chr2.vcf.gz'])).toBeNull();
    expect(uploadSelectionProblem(['chr1.vcf'])).toMatch(/only bgzipped VCF files/);
    expect(uploadSelectionProblem(['chr1.vcf.gz', 'chr1.vcf.gz'])).toMatch(/keep only one/);
    expect(uploadSelectionProblem(['my cohort chr1.vcf.gz'])).toMatch(
      /^my cohort chr1\.vcf\.gz: The name contains a space.*Rename it to “my_cohort_chr1\.vcf\.gz”/,
    );
  });
});
