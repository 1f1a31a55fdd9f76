// Words and numbers of checks, fixes and slim copies (pure: unit-tested without a window).
import type { QcFixOptions, QcInspection, QcReport, QcRunView } from '../../../../electron/ipc/contract';
import { formatBytes } from '../format';

/** Slim copies are proposed (not only offered) from this saving on. */
export const PROPOSE_SLIM_FROM = 0.2;

export interface SlimOffer {
  /** "upload 3.1 GB instead of 11.8 GB" */
  text: string;
  savedPercent: number;
  propose: boolean;
}

export function slimOffer(slim: QcInspection['slim']): SlimOffer | null {
  if (!slim || slim.inputBytes <= 0) return null;
  const saved = 1 - slim.outputBytes / slim.inputBytes;
  return {
    text: `upload ${formatBytes(slim.outputBytes)} instead of ${formatBytes(slim.inputBytes)}`,
    savedPercent: Math.max(0, Math.round(saved * 100)),
    propose: slim.outputBytes <= slim.inputBytes * (1 - PROPOSE_SLIM_FROM),
  };
}

const count = (n: number): string => n.toLocaleString('en-US');
const sites = (n: number): string => `${count(n)} site${n === 1 ? '' : 's'}`;

/** Where a run is, in a few words. */
export function phaseLabel(run: QcRunView): string {
  switch (run.phase) {
    case 'check-rewriting':
      return 'Writing slim copies for the check';
    case 'check-uploading':
      return 'Uploading the files for the check';
    case 'check-running':
      return run.checkJob?.state === 1 ? 'The QC-only job waits in the server’s queue' : 'The server runs Quality Control';
    case 'check-downloading':
      return 'Downloading statistics/snps-excluded.txt';
    case 'report':
      return run.report?.outcome === 'passed'
        ? 'Quality Control passed'
        : run.report?.outcome === 'stopped'
          ? 'Quality Control would stop imputation'
          : 'The check failed';
    case 'impute-rewriting':
      return run.rewrite?.purpose === 'slim' ? 'Writing slim copies' : 'Writing corrected copies';
    case 'impute-uploading':
      return 'Uploading for imputation';
    case 'submitted':
      return 'Imputation job submitted';
    case 'failed':
      return 'Failed';
    case 'canceled':
      return 'Canceled';
  }
}

/** The run is doing something that Cancel stops. */
export const isBusy = (run: QcRunView): boolean => !['report', 'submitted', 'failed', 'canceled'].includes(run.phase);

/** "130 swapped, 12 flipped; 5 allele mismatches and 37 A/T or C/G sites dropped" */
export function changesText(changes: NonNullable<NonNullable<QcRunView['impute']>['changes']>): string {
  const edited = [
    changes.swapped > 0 ? `${count(changes.swapped)} swapped` : null,
    changes.flipped > 0 ? `${count(changes.flipped)} strand-flipped` : null,
    changes.flippedAndSwapped > 0 ? `${count(changes.flippedAndSwapped)} flipped and swapped` : null,
  ].filter(Boolean);
  const dropped = [
    changes.droppedMismatches > 0 ? `${count(changes.droppedMismatches)} allele mismatch${changes.droppedMismatches === 1 ? '' : 'es'}` : null,
    changes.droppedAmbiguous > 0 ? `${count(changes.droppedAmbiguous)} A/T or C/G site${changes.droppedAmbiguous === 1 ? '' : 's'}` : null,
  ].filter(Boolean);
  const parts: string[] = [];
  if (edited.length > 0) parts.push(`${sites(changes.swapped + changes.flipped + changes.flippedAndSwapped)} corrected (${edited.join(', ')})`);
  if (dropped.length > 0) parts.push(`${dropped.join(' and ')} dropped`);
  if (changes.notFound > 0) parts.push(`${sites(changes.notFound)} of the server’s list not found in the files`);
  return parts.length > 0 ? `${parts.join('; ')}.` : 'Nothing needed changing.';
}

/** What the options would change, from the report (before anything is written). */
export function planText(report: QcReport, options: QcFixOptions): string {
  const f = report.fixable;
  const parts: string[] = [];
  if (options.alleles && f.swap + f.flip + f.flipSwap > 0) {
    const what = [
      f.swap > 0 ? `swap ${count(f.swap)}` : null,
      f.flip > 0 ? `complement ${count(f.flip)}` : null,
      f.flipSwap > 0 ? `complement and swap ${count(f.flipSwap)}` : null,
    ].filter(Boolean);
    parts.push(`${what.join(', ')} site${f.swap + f.flip + f.flipSwap === 1 ? '' : 's'}`);
  }
  if (options.dropMismatches && f.mismatch > 0) parts.push(`drop ${count(f.mismatch)} allele mismatch${f.mismatch === 1 ? '' : 'es'}`);
  if (options.dropAmbiguous) parts.push(`drop every A/T and C/G site (the server counted ${count(f.atcg)}; the log will say how many there were)`);
  if (options.slim) parts.push('keep only GT');
  return parts.length === 0 ? 'Upload the files as they are.' : `${parts.join('; ')}.`.replace(/^./, (c) => c.toUpperCase());
}

export function creditsText(file: QcReport['excludedFile']): string {
  if (file.state === 'missing') return 'Nothing was downloaded: the job lists no statistics/snps-excluded.txt.';
  const spent =
    file.creditsSpent === 0 ? 'no download credit (it was already here)' : `${count(file.creditsSpent)} download credit${file.creditsSpent === 1 ? '' : 's'}`;
  const left = file.creditsLeft === null ? '' : ` ${count(file.creditsLeft)} left for that file.`;
  return `statistics/snps-excluded.txt: ${spent}.${left}`;
}

/**
 * Options "Fix and impute" starts with: what the server excluded. A/T and C/G sites stay: the
 * server keeps them (it only counts them), and dropping every one of them (the server does not
 * name which it counted) would lose far more sites than it counted; the user may still tick it.
 */
export function defaultFixOptions(report: QcReport, slim: boolean): QcFixOptions {
  const f = report.fixable;
  return { alleles: f.swap + f.flip + f.flipSwap > 0, dropMismatches: f.mismatch > 0, dropAmbiguous: false, slim };
}

/** Reasons of the per-chromosome table, in the report's order of categories. */
export function chromosomeColumns(report: QcReport): Array<{ reason: string; label: string }> {
  const seen = new Set(report.perChromosome.flatMap((row) => Object.keys(row.counts)));
  const labels: Record<string, string> = {
    'allele-switch': 'Allele switch',
    'strand-flip': 'Strand flip',
    'flip-and-switch': 'Flip and switch',
    'allele-mismatch': 'Allele mismatch',
    monomorphic: 'Monomorphic',
    multiallelic: 'Multiallelic',
    'invalid-alleles': 'Invalid alleles',
    duplicate: 'Duplicated',
    filter: 'Filter flag',
    'low-call-rate': 'Call rate < 90%',
    other: 'Other',
  };
  return Object.keys(labels)
    .filter((reason) => seen.has(reason))
    .map((reason) => ({ reason, label: labels[reason]! }));
}
