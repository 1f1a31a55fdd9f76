// One generated fixture per server rule: scanned, then validated, checking the server's exact text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { limitsFor, validateInput, chunkQualityControl, scanVcfFile, compressBgzf, type SubmitOptions } from '../../electron/services/vcf';
import type { VcfSpec } from '../support/vcf-fixtures';
import { hg19, hg38, makeTempDir, scanFixture } from './helpers';

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir());
});
afterAll(async () => {
  await cleanup();
});

const michigan = limitsFor('michigan');
const topmed = limitsFor('topmed');

async function firstMessage(spec: VcfSpec, options: SubmitOptions = hg19, limits = michigan, name = 'chr20.vcf.gz') {
  const summary = await scanFixture(dir, name, spec);
  return validateInput([summary], options, limits);
}

describe('input validation rules (exact server messages)', () => {
  const cases: [string, VcfSpec, string, SubmitOptions?][] = [
    [
      'chr prefix under hg19',
      { chromosome: 'chr20' },
      "Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding. Please ensure that your input data is build hg19 and chromosome is encoded as '20'.",
    ],
    [
      'no chr prefix under hg38',
      { chromosome: '20' },
      "Your upload data contains chromosome '20'. This is not a valid hg38 encoding. Please ensure that your input data is build hg38 and chromosome is encoded as 'chr20'.",
      hg38,
    ],
    [
      'unsorted positions',
      { unsorted: true },
      'The provided VCF file is malformed.\nError: [E::hts_idx_push] Unsorted positions on sequence #1: 111000 followed by 110000\ntbx_index_build failed: chr20.vcf.gz',
    ],
    ['plain gzip', { plainGzip: true }, "The provided VCF file is malformed.\nError: [tabix] the compression of 'chr20.vcf.gz' is not BGZF"],
    [
      'REF equals ALT',
      { refEqualsAlt: true },
      'The provided VCF file is malformed at variation rs110000: reference allele (A) and alternate allele  (A) are the same.',
    ],
    ['duplicate sample', { duplicateSample: true }, 'Two individuals or more have the following ID: SAMPLE1'],
    ['two chromosomes', { extraChromosome: '21' }, 'The provided VCF file contains more than one chromosome. Please split your input VCF file by chromosome'],
    ['space-delimited after POS', { spacesAfterPosition: true }, 'The provided VCF file is not tab-delimited'],
    ['sites only (8 columns)', { columns: 8 }, 'Index 9 out of bounds for length 8'],
    ['header only', { variants: 0 }, 'No genotypes found in the VCF file. It appears the file contains only the header.'],
    ['invalid chromosome', { chromosome: 'Y' }, 'Invalid chromosome found: Y'],
    ['too few samples', { samples: 10 }, 'At least 20 samples must be uploaded.'],
    ['unphased with no_phasing', { phased: false }, 'Your input data is unphased. Please select an algorithm for phasing.', { ...hg19, phasing: 'no_phasing' }],
  ];
  for (const [title, spec, expected, options] of cases) {
    it(title, async () => {
      const outcome = await firstMessage({ variants: 200, step: 1000, startPosition: 10_000, seed: 7, ...spec }, options ?? hg19);
      expect(outcome.ok).toBe(false);
      expect(outcome.messages).toEqual([{ type: 1, text: expected }]);
    });
  }

  it('spaces instead of tabs: tabix only logs the lines, the validator rejects them', async () => {
    const outcome = await firstMessage({ spaces: true, samples: 20, variants: 5 });
    expect(outcome.messages).toEqual([{ type: 1, text: 'The provided VCF file is not tab-delimited' }]);
  });

  it('a POS that is not a number (the message is HTML-escaped like every validator exception)', async () => {
    const summary = await scanFixture(dir, 'pos.vcf.gz', {});
    const text = gunzipSync(await readFile(summary.path))
      .toString()
      .replace('\t15000\t', '\tabc\t');
    await writeFile(summary.path, compressBgzf(Buffer.from(text)));
    const outcome = validateInput([await scanVcfFile(summary.path)], hg19, michigan);
    expect(outcome.messages).toEqual([{ type: 1, text: 'For input string: &quot;abc&quot;' }]);
  });

  it('phased data with no_phasing passes and prints the summary', async () => {
    const outcome = await firstMessage({ phased: true, variants: 300 }, { ...hg19, phasing: 'no_phasing', r2Filter: '0.3' });
    expect(outcome).toEqual({
      ok: true,
      messages: [
        {
          type: 0,
          text: '1 valid VCF file(s) found.\nSamples: 25\nChromosomes: 20\nSNPs: 300\nChunks: 1\nDatatype: phased\nBuild: hg19\nReference Panel: hapmap-2 (hg19)\nPopulation: eur\nPhasing: no_phasing\nMode: imputation\nRsq filter: 0.3',
        },
      ],
    });
  });

  it('TOPMed success summary has the shape of the documented example', async () => {
    const outcome = await firstMessage(
      { samples: 51, variants: 100, step: 400_000, startPosition: 1 },
      { ...hg19, refpanelId: 'topmed-r3', refpanelBuild: 'hg38', population: 'all', r2Filter: '0' },
      topmed,
    );
    expect(outcome).toEqual({
      ok: true,
      messages: [
        {
          type: 0,
          text: '1 valid VCF file(s) found.\nSamples: 51\nChromosomes: 20\nSNPs: 100\nChunks: 4\nDatatype: unphased\nBuild: hg19\nReference Panel: topmed-r3 (hg38)\nPopulation: all\nPhasing: eagle\nMode: imputation',
        },
      ],
    });
  });

  it('Michigan maximum samples', async () => {
    const outcome = await firstMessage({ samples: 50_001, variants: 3 });
    expect(outcome.messages[0].text).toBe(
      'The maximum number of samples is 50000. Please contact Admin (<a href="admin@localhost">admin@localhost</a>) to discuss this large imputation.',
    );
  });

  it('TOPMed runs genepi utils v1.5.2: its texts, 50,000 samples at most, beagle accepted', async () => {
    const few = await firstMessage({ samples: 12, chromosome: 'chr20' }, hg38, topmed);
    expect(few.messages[0].text).toBe('At least 20 samples must be uploaded.');
    const many = await firstMessage({ samples: 50_001, variants: 3, chromosome: 'chr20' }, hg38, topmed);
    expect(many.messages[0].text).toBe(
      'The maximum number of samples is 50000. Please contact Admin (<a href="admin@localhost">admin@localhost</a>) to discuss this large imputation.',
    );
    // the documented 25,000 is policy, not a validator rule
    expect((await firstMessage({ samples: 25_001, variants: 3, chromosome: 'chr20' }, hg38, topmed)).ok).toBe(true);
    expect((await firstMessage({ chromosome: 'chr20' }, { ...hg38, phasing: 'beagle' }, topmed)).ok).toBe(true);
    const bogus = await firstMessage({ chromosome: 'chr20' }, { ...hg38, phasing: 'shapeit' }, topmed);
    expect(bogus.messages[0].text).toBe("For phasing, only options 'eagle', 'beagle' or 'no_phasing' are allowed.");
  });

  it('an invalid chromosome: v1.5.3 (Michigan) names it, v1.5.2 (TOPMed) does not', async () => {
    expect((await firstMessage({ chromosome: 'Y' }, hg19, michigan)).messages[0].text).toBe('Invalid chromosome found: Y');
    expect((await firstMessage({ chromosome: 'Y' }, hg19, topmed)).messages[0].text).toBe('No valid chromosomes found!');
  });

  it('TOPMed has no SNP-density error (the 20,000 SNPs per chunk are policy)', async () => {
    const outcome = await firstMessage({ chromosome: 'chr20', samples: 20, variants: 20_001, step: 100, startPosition: 1 }, hg38, topmed);
    expect(outcome.ok).toBe(true);
    expect(outcome.messages[0].text).toContain('\nSNPs: 20001\nChunks: 1\n');
  });

  it('across files: same number of samples; one chromosome twice passes; summary in file-name order on both servers', async () => {
    const a = await scanFixture(dir, 'a.vcf.gz', { chromosome: 'chr2', samples: 30 });
    const b = await scanFixture(dir, 'b.vcf.gz', { chromosome: 'chr10', samples: 31 });
    expect(validateInput([b, a], hg38, michigan).messages[0].text).toBe(
      'Please double check, if all uploaded VCF files include the same amount of samples (31 vs 30)',
    );
    const c = await scanFixture(dir, 'c.vcf.gz', { chromosome: 'chr2', samples: 30 });
    for (const limits of [michigan, topmed]) {
      const twice = validateInput([a, c], hg38, limits);
      expect(twice.ok).toBe(true);
      expect(twice.messages[0].text.split('\n')[2]).toBe('Chromosomes: 2 2');
    }
    const d = await scanFixture(dir, 'd.vcf.gz', { chromosome: 'chr10', samples: 30 });
    expect(validateInput([d, a], hg38, michigan).messages[0].text.split('\n')[2]).toBe('Chromosomes: 2 10');
    expect(validateInput([d, a], hg38, topmed).messages[0].text.split('\n')[2]).toBe('Chromosomes: 2 10');
    const e = await scanFixture(dir, 'e.vcf.gz', { chromosome: 'chr9', samples: 30 });
    // genepi utils keep file-name order (lexicographic) on both servers
    expect(validateInput([e, d], hg38, michigan).messages[0].text.split('\n')[2]).toBe('Chromosomes: 10 9');
    expect(validateInput([e, d], hg38, topmed).messages[0].text.split('\n')[2]).toBe('Chromosomes: 10 9');
  });

  it('no .vcf.gz file at all', async () => {
    const s = await scanFixture(dir, 'data.vcf', {});
    expect(validateInput([s], hg19, michigan).messages[0].text).toBe('No vcf.gz input files detected.');
  });
});

describe('chunk quality control', () => {
  it('a sample with no calls excludes its chunks', async () => {
    const good = await scanFixture(dir, 'chr1.vcf.gz', { chromosome: '1', variants: 100, step: 100_000, startPosition: 1 });
    const bad = await scanFixture(dir, 'chr2.vcf.gz', { chromosome: '2', variants: 100, step: 100_000, startPosition: 1, missingSample: 3 });
    const outcome = chunkQualityControl([good, bad], hg19, michigan);
    expect(outcome).toEqual({
      ok: true,
      messages: [
        {
          type: 2,
          text: '<b>Warning:</b> 1 Chunk(s) excluded: at least one sample has a call rate < 50.0% (see chunks-excluded.txt for details).\nRemaining chunk(s): 1',
        },
      ],
    });
    expect(bad.chunks[0].lowCallRateSamples).toBe(1);
  });

  it('too few SNPs everywhere: no chunk passes', async () => {
    const sparse = await scanFixture(dir, 'sparse.vcf.gz', { variants: 2, step: 30_000_000, startPosition: 1_000_000 });
    const outcome = chunkQualityControl([sparse], hg19, michigan);
    expect(outcome).toEqual({
      ok: false,
      messages: [
        {
          type: 1,
          text: '<b>Warning:</b> 2 Chunk(s) excluded: < 3 SNPs (see chunks-excluded.txt for details).\nRemaining chunk(s): 0\n<b>Error:</b> No chunks passed the QC step. Imputation cannot be started!',
        },
      ],
    });
  });

  it('chunk sizes follow the server (20 Mb Michigan, 10 Mb TOPMed)', async () => {
    const s = await scanFixture(dir, 'span.vcf.gz', { variants: 60, step: 500_000, startPosition: 1 });
    expect(s.chunkSets?.['20000000']).toHaveLength(2);
    expect(s.chunkSets?.['10000000']).toHaveLength(3);
    expect(validateInput([s], hg19, michigan).messages[0].text).toContain('\nChunks: 2\n');
    const clean = chunkQualityControl([s], hg19, topmed);
    expect(clean).toEqual({ ok: true, messages: [{ type: 0, text: 'Remaining chunk(s): 3' }] });
  });
});
