// What QualityControlCommand prints (docs/server-behaviour.md#qc-messages): the step messages Cloudgene shows, and
// the same report as the raw `::message::` / `::group::` lines the pipeline publishes as
// qc_report.txt (imputationserver2 tests/main.qc.nf.test.snap).
import type { ChunkCounts, QcCounts } from './site-qc';

export interface QcPolicy {
  minSnps: number;
  overlap: number;
  sampleCallrate: number;
  strandFlips: number;
  alleleSwitches: number;
}

export interface QcPreamble {
  uploadBuild: string;
  panelBuild: string;
  /** The population has no sample count (off, mixed): the allele-frequency check is skipped. */
  skipFrequencyCheck: boolean;
}

export interface QcReport {
  /** Step messages in order (type 0 ok, 1 error, 2 warning). */
  messages: Array<{ type: 0 | 1 | 2; text: string }>;
  /** qc_report.txt. */
  raw: string;
  failed: boolean;
  remainingChunks: number;
}

/** StringUtils.format(int): US grouping. */
export const usNumber = (n: number): string => n.toLocaleString('en-US');

/** StringUtils.format(double): DecimalFormat("#.00"), so 0.5 prints as ".50" and NaN as "NaN". */
export function decimal2(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  const fixed = (Math.round(value * 100) / 100).toFixed(2);
  return fixed.startsWith('0.') ? fixed.slice(1) : fixed;
}

// Java's (double * 100) in string concatenation, e.g. 0.5 * 100 -> "50.0".
const percentOf = (fraction: number): string => {
  const v = fraction * 100;
  return Number.isInteger(v) ? `${v}.0` : String(v);
};

export function statisticsLines(c: QcCounts): string[] {
  return [
    '<b>Statistics:</b>',
    `Alternative allele frequency > 0.5 sites: ${usNumber(c.alternativeAlleles)}`,
    `Reference Overlap: ${decimal2((c.foundInLegend / (c.foundInLegend + c.notFoundInLegend)) * 100)} %`,
    `Match: ${usNumber(c.match)}`,
    `Allele switch: ${usNumber(c.alleleSwitch)}`,
    `Strand flip: ${usNumber(c.strandFlip)}`,
    `Strand flip and allele switch: ${usNumber(c.flipAndSwitch)}`,
    `A/T, C/G genotypes: ${usNumber(c.atcg)}`,
    '<b>Filtered sites:</b>',
    `Filter flag set: ${usNumber(c.filterFlag)}`,
    `Invalid alleles: ${usNumber(c.invalidAlleles)}`,
    `Multiallelic sites: ${usNumber(c.multiallelic)}`,
    `Duplicated sites: ${usNumber(c.duplicates)}`,
    `NonSNP sites: ${usNumber(c.nonSnp)}`,
    `Monomorphic sites: ${usNumber(c.monomorphic)}`,
    `Allele mismatch: ${usNumber(c.alleleMismatch)}`,
    `SNPs call rate < 90%: ${usNumber(c.lowCallRate)}`,
  ];
}

/** The second group; a leading "\n" is the blank line the tool prints (the step message drops it). */
function excludedLines(c: QcCounts, chunks: ChunkCounts, policy: QcPolicy): { lines: string[]; failed: boolean; remaining: number } {
  const lines = [`Excluded sites in total: ${usNumber(c.filtered)}`, `Remaining sites in total: ${usNumber(c.remaining)}`];
  if (c.filtered > 0) lines.push('See snps-excluded.txt for details');
  if (c.notFoundInLegend > 0) lines.push(`Typed only sites: ${usNumber(c.notFoundInLegend)}`, 'See typed-only.txt for details');
  if (chunks.excludedSnps > 0)
    lines.push(`\n<b>Warning:</b> ${usNumber(chunks.excludedSnps)} Chunk(s) excluded: < ${policy.minSnps} SNPs (see chunks-excluded.txt for details).`);
  if (chunks.excludedCallRate > 0)
    lines.push(
      `\n<b>Warning:</b> ${usNumber(chunks.excludedCallRate)} Chunk(s) excluded: at least one sample has a call rate < ${percentOf(policy.sampleCallrate)}% (see chunks-excluded.txt for details).`,
    );
  if (chunks.excludedOverlap > 0)
    // two spaces after "(see": the tool's own text
    lines.push(
      `\n<b>Warning:</b> ${usNumber(chunks.excludedOverlap)} Chunk(s) excluded: reference overlap < ${percentOf(policy.overlap)}% (see  chunks-excluded.txt for details).`,
    );
  const excluded = chunks.excludedSnps + chunks.excludedCallRate + chunks.excludedOverlap;
  const remaining = chunks.total - excluded;
  if (excluded > 0) lines.push(`\nRemaining chunk(s): ${usNumber(remaining)}`);
  let failed = true;
  if (excluded === chunks.total) lines.push('\n<b>Error:</b> No chunks passed the QC step. Imputation cannot be started!');
  else if (c.strandFlip + c.flipAndSwitch > policy.strandFlips)
    lines.push(`\n<b>Error:</b> More than ${policy.strandFlips} obvious strand flips have been detected. Please check strand. Imputation cannot be started!`);
  else if (c.alleleSwitch + c.flipAndSwitch > policy.alleleSwitches)
    lines.push(`<br><b>Error:</b> More than ${policy.alleleSwitches} allele switches have been detected. Imputation cannot be started!`);
  else {
    failed = false;
    lines.push(''); // the task's (empty) result message
  }
  return { lines, failed, remaining };
}

/** Group text as Cloudgene's parser keeps it: lines joined, blank lines gone. */
const asMessage = (lines: string[]): string =>
  lines
    .join('\n')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .join('\n');

export function qcReport(preamble: QcPreamble, counts: QcCounts, chunks: ChunkCounts, policy: QcPolicy): QcReport {
  const messages: QcReport['messages'] = [];
  const raw: string[] = [];
  if (preamble.uploadBuild !== preamble.panelBuild) {
    const warning = `Uploaded data is ${preamble.uploadBuild} and reference is ${preamble.panelBuild}.`;
    messages.push({ type: 2, text: warning }, { type: 0, text: 'Lift Over' });
    raw.push(`::warning:: ${warning}`, '::message:: Lift Over');
  }
  if (preamble.skipFrequencyCheck) {
    messages.push({ type: 2, text: 'Skip allele frequency check.' });
    raw.push('::warning:: Skip allele frequency check.');
  }
  raw.push('::log:: Reference Panel Ranges: genome-wide');
  messages.push({ type: 0, text: 'Calculating QC Statistics' });
  raw.push('::message:: Calculating QC Statistics');
  const stats = statisticsLines(counts);
  messages.push({ type: 0, text: stats.join('\n') });
  raw.push('::group type=message::', ...stats, '::endgroup::');
  const excluded = excludedLines(counts, chunks, policy);
  messages.push({ type: excluded.failed ? 1 : 2, text: asMessage(excluded.lines) });
  raw.push(`::group type=${excluded.failed ? 'error' : 'warning'}::`, excluded.lines.join('\n'), '::endgroup::');
  return { messages, raw: raw.join('\n') + '\n', failed: excluded.failed, remainingChunks: excluded.remaining };
}
