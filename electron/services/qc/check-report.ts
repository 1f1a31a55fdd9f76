// The report of a QC-only job, from what the server says: its QC step messages (statistics, the
// excluded-sites group, the line that stops imputation) and statistics/snps-excluded.txt.
// Counts are the server's; the list gives the chromosomes and what a fix can change.
import type { QcCategory, QcCategoryKey, QcReport } from '../../ipc/contract';
import { normalizeChromosome } from '../rewrite/transforms/vcf-bytes';
import type { ExcludedSites, ExclusionReason } from './excluded-sites';
import { fixPlan } from './fix-plan';
import { countOf, type QcMessages } from './qc-messages';

interface CategoryRule {
  key: QcCategoryKey;
  /** The server's statistics label. */
  label: string;
  /** The reason in snps-excluded.txt, when the sites are listed there. */
  reason: ExclusionReason | null;
  excluded: boolean;
  fix: QcCategory['fix'];
  action: string;
  /** Shown even at zero (the allele problems this feature is about). */
  always: boolean;
}

const CATEGORIES: CategoryRule[] = [
  {
    key: 'allele-switch',
    label: 'Allele switch',
    reason: 'allele-switch',
    excluded: true,
    fix: 'swap',
    action: "Swap REF and ALT to the panel's order and recode every genotype",
    always: true,
  },
  {
    key: 'strand-flip',
    label: 'Strand flip',
    reason: 'strand-flip',
    excluded: true,
    fix: 'flip',
    action: 'Write the complementary bases (the other strand)',
    always: true,
  },
  {
    key: 'flip-and-switch',
    label: 'Strand flip and allele switch',
    reason: 'flip-and-switch',
    excluded: true,
    fix: 'flip-swap',
    action: 'Complement and swap, and recode every genotype',
    always: true,
  },
  {
    key: 'atcg',
    label: 'A/T, C/G genotypes',
    reason: null,
    excluded: false,
    fix: 'drop',
    action: 'Drop every A/T and C/G site of the files: their strand cannot be told from the alleles',
    always: true,
  },
  { key: 'allele-mismatch', label: 'Allele mismatch', reason: 'allele-mismatch', excluded: true, fix: 'drop', action: 'Drop these sites', always: true },
  {
    key: 'monomorphic',
    label: 'Monomorphic sites',
    reason: 'monomorphic',
    excluded: true,
    fix: 'none',
    action: 'None: every sample has the same genotype, which tells imputation nothing',
    always: false,
  },
  {
    key: 'multiallelic',
    label: 'Multiallelic sites',
    reason: 'multiallelic',
    excluded: true,
    fix: 'none',
    action: 'None here: split them first (bcftools norm -m -any)',
    always: false,
  },
  {
    key: 'invalid-alleles',
    label: 'Invalid alleles',
    reason: 'invalid-alleles',
    excluded: true,
    fix: 'none',
    action: 'None here: only A, C, G and T are imputed',
    always: false,
  },
  { key: 'duplicate', label: 'Duplicated sites', reason: 'duplicate', excluded: true, fix: 'none', action: 'None here', always: false },
  {
    key: 'filter',
    label: 'Filter flag set',
    reason: 'filter',
    excluded: true,
    fix: 'none',
    action: 'None here: the server skips sites whose FILTER is not PASS or .',
    always: false,
  },
  { key: 'non-snp', label: 'NonSNP sites', reason: null, excluded: true, fix: 'none', action: 'None here', always: false },
  { key: 'low-call-rate', label: 'SNPs call rate < 90%', reason: 'low-call-rate', excluded: true, fix: 'none', action: 'None here', always: false },
];

function chromosomeRank(chromosome: string): number {
  if (/^\d+$/.test(chromosome)) return Number(chromosome);
  return chromosome === 'X' ? 23 : 100;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

export interface ReportInput {
  checkJobId: string;
  state: number;
  messages: QcMessages;
  excluded: ExcludedSites | null;
  excludedFile: QcReport['excludedFile'];
}

export function buildReport(input: ReportInput): QcReport {
  const { messages, excluded } = input;
  const stats = new Map(messages.statistics.map((row) => [row.label.toLowerCase(), row.value]));
  const sites = excluded?.sites ?? [];
  const listedBy = new Map<string, number>();
  for (const site of sites) listedBy.set(site.reason, (listedBy.get(site.reason) ?? 0) + 1);

  const categories: QcCategory[] = [];
  for (const rule of CATEGORIES) {
    const listed = rule.reason ? (listedBy.get(rule.reason) ?? 0) : null;
    const count = countOf(stats.get(rule.label.toLowerCase())) ?? listed ?? 0;
    if (!rule.always && count === 0 && !listed) continue;
    categories.push({ key: rule.key, label: rule.label, count, listed: excluded ? listed : null, excluded: rule.excluded, fix: rule.fix, action: rule.action });
  }
  const others = listedBy.get('other') ?? 0;
  if (others > 0) categories.push({ key: 'other', label: 'Other reasons', count: others, listed: others, excluded: true, fix: 'none', action: 'None here' });

  const perChromosome = new Map<string, Record<string, number>>();
  for (const site of sites) {
    const chromosome = normalizeChromosome(site.chrom);
    const counts = perChromosome.get(chromosome) ?? {};
    counts[site.reason] = (counts[site.reason] ?? 0) + 1;
    perChromosome.set(chromosome, counts);
  }

  const plan = fixPlan(sites, { alleles: true, dropMismatches: true, dropAmbiguous: true });
  const count = (key: QcCategoryKey): number => categories.find((category) => category.key === key)?.count ?? 0;
  const fixable = { swap: plan.counts.swap, flip: plan.counts.flip, flipSwap: plan.counts.flipSwap, mismatch: plan.counts.drop, atcg: count('atcg') };

  let stop: QcReport['stop'] = null;
  if (messages.stop) {
    const s = messages.stop;
    let found: number | null = null;
    let explanation: string;
    let fixableStop = false;
    if (s.kind === 'allele-switches') {
      found = count('allele-switch') + count('flip-and-switch');
      fixableStop = fixable.swap + fixable.flipSwap > 0;
      explanation = `The server counts allele switches (${count('allele-switch').toLocaleString('en-US')}) and sites with a strand flip and an allele switch (${count('flip-and-switch').toLocaleString('en-US')}): ${found.toLocaleString('en-US')} in all${s.limit !== null ? `, more than its limit of ${s.limit.toLocaleString('en-US')}` : ''}. At these sites your REF and ALT are the panel's ALT and REF.`;
    } else if (s.kind === 'strand-flips') {
      found = count('strand-flip') + count('flip-and-switch');
      fixableStop = fixable.flip + fixable.flipSwap > 0;
      explanation = `The server counts strand flips (${count('strand-flip').toLocaleString('en-US')}) and sites with a strand flip and an allele switch (${count('flip-and-switch').toLocaleString('en-US')}): ${found.toLocaleString('en-US')} in all${s.limit !== null ? `, more than its limit of ${s.limit.toLocaleString('en-US')}` : ''}. At these sites your alleles are on the other strand than the panel's.`;
    } else if (s.kind === 'no-chunks') {
      explanation =
        'Every chunk of the genome was left out (see the warnings): too few sites, too little overlap with the panel, or samples with too many missing genotypes. Fixing alleles brings back switched and flipped sites, which may not be enough.';
    } else if (s.kind === 'chrx') {
      explanation = 'Chromosome X needs haploid males and diploid females in its non-PAR region; the allele fixes here do not change that.';
    } else explanation = 'The allele fixes here do not address this.';
    stop = { kind: s.kind, html: s.html, text: s.text, limit: s.limit, found, explanation, fixable: fixableStop };
  }

  const kept = fixable.swap + fixable.flip + fixable.flipSwap;
  const outcome: QcReport['outcome'] = stop ? 'stopped' : messages.otherFailure || !messages.ran ? 'failed' : 'passed';
  let headline: string;
  if (outcome === 'stopped')
    headline = `Imputation would stop at Quality Control: ${stop!.text.replace(/\s*Imputation cannot be started!\s*$/i, '')}${stop!.fixable ? ' “Fix and impute” can correct this.' : ''}`;
  else if (outcome === 'failed')
    headline = `The check job failed before Quality Control finished: ${messages.otherFailure ?? 'no QC statistics were reported.'}`;
  else if (kept > 0)
    headline = `Quality Control passed, but ${plural(count('allele-switch') + count('strand-flip') + count('flip-and-switch'), 'site')} with switched or flipped alleles would be left out; “Fix and impute” keeps ${kept.toLocaleString('en-US')} of them.`;
  else headline = 'Quality Control passed: imputation would start.';

  return {
    checkJobId: input.checkJobId,
    outcome,
    headline,
    stop,
    otherFailure: messages.otherFailure,
    categories,
    perChromosome: [...perChromosome.entries()]
      .sort((a, b) => chromosomeRank(a[0]) - chromosomeRank(b[0]) || a[0].localeCompare(b[0]))
      .map(([chromosome, counts]) => ({ chromosome, counts, total: Object.values(counts).reduce((sum, n) => sum + n, 0) })),
    groupLines: messages.groupLines,
    statistics: messages.statistics,
    liftOver: messages.liftOver,
    excludedFile: input.excludedFile,
    fixable,
    unusableRows: plan.skipped.length,
  };
}
