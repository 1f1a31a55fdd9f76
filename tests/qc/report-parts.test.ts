// The pieces of a check's report and fix, on the server's own texts: snps-excluded.txt rows, the
// QC step's messages, the verdict, the edits a fix makes, the QC-only mode of the app form, and the
// words the window shows (slim offer, what changed).
import { describe, expect, it } from 'vitest';
import type { FormField, JobDetail } from '../../electron/ipc/contract';
import { buildReport } from '../../electron/services/qc/check-report';
import { parseExcludedSites } from '../../electron/services/qc/excluded-sites';
import { fileSetKey } from '../../electron/services/qc/file-sets';
import { fixPlan } from '../../electron/services/qc/fix-plan';
import { imputationValues, qcModeOf } from '../../electron/services/qc/qc-mode';
import { readQcMessages } from '../../electron/services/qc/qc-messages';
import { changesText, planText, slimOffer } from '../../renderer/src/lib/qc/qc-format';

const LIST = [
  'ID\tCHROM\tPOS\tREF\tALT\tINFO',
  'rs1\t20\t100500\tG\tA\tAllele switch. Reference Panel: A/G',
  'rs2\t20\t101500\tT\tC\tStrand flip. Reference Panel: A/G',
  'rs3\t20\t102500\tC\tT\tStrand flip and Allele switch. Reference Panel: A/G',
  'rs4\t20\t103500\tA\tC\tAllele mismatch. Reference Panel: A/G',
  'rs5\t20\t104500\tA\tG\tMonomorphic',
  'rs6\t20\t105500\tC\tA\tAllele switch. Reference Panel: G/T', // does not fit its reason
  'rs7\t20\t106500\tA\tG,T\tMultiallelic Site',
  'rs8\t20\t107500\tA\tG\tLow call rate. Value: 0.85',
  'rs9\t21\t100500\tG\tA\tAllele switch. Reference Panel: A/G',
  'broken row',
].join('\n');

function detail(groupEnd: string, state: number, stats: Record<string, string>): Pick<JobDetail, 'steps' | 'qcStatistics' | 'firstError' | 'state'> {
  const statistics = ['<b>Statistics:</b>', ...Object.entries(stats).map(([k, v]) => `${k}: ${v}`)].join('\n');
  return {
    state,
    firstError: null,
    qcStatistics: Object.entries(stats).map(([label, value]) => ({ label, value })),
    steps: [
      { name: 'Input Validation', messages: [{ type: 0, html: '1 valid VCF file(s) found.' }] },
      {
        name: 'Quality Control',
        messages: [
          { type: 2, html: 'Uploaded data is hg19 and reference is hg38.' },
          { type: 0, html: 'Calculating QC Statistics' },
          { type: 0, html: statistics },
          { type: state === 5 ? 1 : 2, html: `Excluded sites in total: 9\nRemaining sites in total: 1,200\nSee snps-excluded.txt for details\n${groupEnd}` },
        ],
      },
    ],
  };
}

const STATS = {
  Match: '1,200',
  'Allele switch': '3',
  'Strand flip': '101',
  'Strand flip and allele switch': '1',
  'A/T, C/G genotypes': '4',
  'Allele mismatch': '1',
  'Monomorphic sites': '1',
  'Multiallelic sites': '1',
  'SNPs call rate < 90%': '1',
};
const FILE = { name: 'statistics/snps-excluded.txt', state: 'downloaded' as const, rows: 9, path: '/x', creditsSpent: 1, creditsLeft: 9, problem: null };

describe('snps-excluded.txt', () => {
  it('reads each row with its reason and the panel’s alleles, and says which rows it could not read', () => {
    const parsed = parseExcludedSites(LIST);
    expect(parsed.sites.map((site) => site.reason)).toEqual([
      'allele-switch',
      'strand-flip',
      'flip-and-switch',
      'allele-mismatch',
      'monomorphic',
      'allele-switch',
      'multiallelic',
      'low-call-rate',
      'allele-switch',
    ]);
    expect(parsed.sites[0]).toMatchObject({ id: 'rs1', chrom: '20', pos: 100500, ref: 'G', alt: 'A', panel: { ref: 'A', alt: 'G' } });
    expect(parsed.sites[4]!.panel).toBeNull();
    expect(parsed.unreadableRows).toBe(1);
    expect(parsed.problems).toEqual(['line 11: fewer than 6 columns']);
  });
});

describe('the fix plan', () => {
  it('uses the panel’s alleles, and leaves rows whose alleles do not fit their reason', () => {
    const plan = fixPlan(parseExcludedSites(LIST).sites, { alleles: true, dropMismatches: true, dropAmbiguous: false });
    expect(plan.edits.map((edit) => [edit.id, edit.action, edit.newRef, edit.newAlt])).toEqual([
      ['rs1', 'swap', 'A', 'G'],
      ['rs2', 'flip', 'A', 'G'],
      ['rs3', 'flip-swap', 'A', 'G'],
      ['rs4', 'drop', '', ''],
      ['rs9', 'swap', 'A', 'G'],
    ]);
    expect(plan.skipped.map((site) => site.id)).toEqual(['rs6']);
    expect(plan.counts).toEqual({ swap: 2, flip: 1, flipSwap: 1, drop: 1 });
    expect(fixPlan(parseExcludedSites(LIST).sites, { alleles: false, dropMismatches: true, dropAmbiguous: true }).edits.map((edit) => edit.id)).toEqual([
      'rs4',
    ]);
  });
});

describe('the report', () => {
  it('names the server’s stop line for strand flips, with what it counted, per chromosome and per reason', () => {
    const messages = readQcMessages(
      detail('<b>Error:</b> More than 100 obvious strand flips have been detected. Please check strand. Imputation cannot be started!', 5, STATS),
    );
    expect(messages.liftOver).toBe('Uploaded data is hg19 and reference is hg38.');
    const report = buildReport({ checkJobId: 'job-1', state: 5, messages, excluded: parseExcludedSites(LIST), excludedFile: FILE });
    expect(report.outcome).toBe('stopped');
    expect(report.stop).toMatchObject({ kind: 'strand-flips', limit: 100, found: 102, fixable: true });
    expect(report.headline).toBe(
      'Imputation would stop at Quality Control: More than 100 obvious strand flips have been detected. Please check strand. “Fix and impute” can correct this.',
    );
    expect(report.categories.map((category) => [category.key, category.count, category.listed])).toEqual([
      ['allele-switch', 3, 3],
      ['strand-flip', 101, 1],
      ['flip-and-switch', 1, 1],
      ['atcg', 4, null],
      ['allele-mismatch', 1, 1],
      ['monomorphic', 1, 1],
      ['multiallelic', 1, 1],
      ['low-call-rate', 1, 1],
    ]);
    expect(report.perChromosome).toEqual([
      {
        chromosome: '20',
        counts: { 'allele-switch': 2, 'strand-flip': 1, 'flip-and-switch': 1, 'allele-mismatch': 1, monomorphic: 1, multiallelic: 1, 'low-call-rate': 1 },
        total: 8,
      },
      { chromosome: '21', counts: { 'allele-switch': 1 }, total: 1 },
    ]);
    expect(report.groupLines.at(-1)).toEqual({
      html: '<b>Error:</b> More than 100 obvious strand flips have been detected. Please check strand. Imputation cannot be started!',
      tone: 'error',
    });
    expect(report.unusableRows).toBe(1);
  });

  it('passes when no line stops imputation, and says what the fix would keep', () => {
    const report = buildReport({
      checkJobId: 'job-2',
      state: 4,
      messages: readQcMessages(detail('Typed only sites: 3\nSee typed-only.txt for details', 4, STATS)),
      excluded: parseExcludedSites(LIST),
      excludedFile: FILE,
    });
    expect(report.outcome).toBe('passed');
    expect(report.headline).toBe('Quality Control passed, but 105 sites with switched or flipped alleles would be left out; “Fix and impute” keeps 4 of them.');
  });
});

describe('the app form', () => {
  const mode: FormField = {
    kind: 'select',
    id: 'mode',
    label: 'Mode',
    details: null,
    initial: 'imputation',
    options: [
      { value: 'imputation', label: 'Quality Control & Imputation' },
      { value: 'qc_only', label: 'Quality Control Only' },
    ],
  };
  it('gives the QC-only value of mode, and imputation for the fixed files', () => {
    expect(qcModeOf([mode])).toEqual({ value: 'qc_only', label: 'Quality Control Only' });
    expect(qcModeOf([{ ...mode, options: [mode.options[0]!] }])).toBeNull();
    expect(qcModeOf([])).toBeNull();
    expect(imputationValues([mode], { mode: 'qc_only', build: 'hg19' })).toEqual({ mode: 'imputation', build: 'hg19' });
  });

  it('knows a file set again by names and sizes, in any order, per server', () => {
    const a = { name: 'chr1.vcf.gz', size: 10 };
    const b = { name: 'chr2.vcf.gz', size: 20 };
    expect(fileSetKey('s1', [a, b])).toBe(fileSetKey('s1', [b, a]));
    expect(fileSetKey('s1', [a, b])).not.toBe(fileSetKey('s2', [a, b]));
    expect(fileSetKey('s1', [a, b])).not.toBe(fileSetKey('s1', [a, { ...b, size: 21 }]));
  });
});

describe('words in the window', () => {
  it('offers slim copies with both sizes, and proposes them from a 20 % saving', () => {
    expect(slimOffer({ inputBytes: 11_800_000_000, outputBytes: 3_100_000_000 })).toEqual({
      text: 'upload 3.1 GB instead of 11.8 GB',
      savedPercent: 74,
      propose: true,
    });
    expect(slimOffer({ inputBytes: 1_000_000, outputBytes: 810_000 })!.propose).toBe(false);
    expect(slimOffer({ inputBytes: 1_000_000, outputBytes: 800_000 })!.propose).toBe(true);
    expect(slimOffer(null)).toBeNull();
  });

  it('says what a fix changed and what it will change', () => {
    expect(changesText({ swapped: 130, flipped: 12, flippedAndSwapped: 0, droppedMismatches: 5, droppedAmbiguous: 1, notFound: 2 })).toBe(
      '142 sites corrected (130 swapped, 12 strand-flipped); 5 allele mismatches and 1 A/T or C/G site dropped; 2 sites of the server’s list not found in the files.',
    );
    const report = buildReport({
      checkJobId: 'job-3',
      state: 5,
      messages: readQcMessages(
        detail('<b>Error:</b> More than 100 obvious strand flips have been detected. Please check strand. Imputation cannot be started!', 5, STATS),
      ),
      excluded: parseExcludedSites(LIST),
      excludedFile: FILE,
    });
    expect(planText(report, { alleles: true, dropMismatches: true, dropAmbiguous: false, slim: true })).toBe(
      'Swap 2, complement 1, complement and swap 1 sites; drop 1 allele mismatch; keep only GT.',
    );
  });
});
