// Texts of the imputationserver2 steps (server-apps.md §6).

/** Groovy prints a division like 25.0 or 33.333333333333336. */
function percent(part: number, total: number): string {
  const v = total === 0 ? 0 : (part * 100) / total;
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/** Nextflow progress-bar view, updated in place: `<b>Imputation (3/10)</b><br><div class="progress" ...`. */
export function progressBar(label: string, done: number, total: number, failed = 0): string {
  const rest = Math.max(0, total - done - failed);
  return (
    `<b>${label} (${done}/${total})</b><br><div class="progress" style="width: 100%; margin-top: 15px;">` +
    `\t<div class="progress-bar bg-success" style="width: ${percent(done, total)}%;"></div>` +
    `\t<div class="progress-bar bg-primary" style="width: ${percent(failed, total)}%;"></div>` +
    `\t<div class="progress-bar bg-light" style="width: ${percent(rest, total)}%;"></div></div>`
  );
}

export const STATUS_RUNNING = 'Processing data...';
export const STATUS_KILLED = 'Data processing failed.';

const us = (n: number): string => n.toLocaleString('en-US');

export interface QcNumbers {
  altAfSites: number;
  overlapPercent: number;
  match: number;
  monomorphic: number;
  alleleMismatch: number;
  excluded: number;
  typedOnly: number;
}

export function statisticsMessage(q: QcNumbers): string {
  return [
    '<b>Statistics:</b>',
    `Alternative allele frequency > 0.5 sites: ${us(q.altAfSites)}`,
    `Reference Overlap: ${q.overlapPercent.toFixed(2)} %`,
    `Match: ${us(q.match)}`,
    'Allele switch: 0',
    'Strand flip: 0',
    'Strand flip and allele switch: 0',
    'A/T, C/G genotypes: 0',
    '<b>Filtered sites:</b>',
    'Filter flag set: 0',
    'Invalid alleles: 0',
    'Multiallelic sites: 0',
    'Duplicated sites: 0',
    'NonSNP sites: 0',
    `Monomorphic sites: ${us(q.monomorphic)}`,
    `Allele mismatch: ${us(q.alleleMismatch)}`,
    'SNPs call rate < 90%: 0',
  ].join('\n');
}

/** The excluded-sites group; chunk warnings/errors from the QC rules are appended (blank lines dropped). */
export function excludedSitesMessage(q: QcNumbers, chunkLines: string[]): string {
  const lines = [`Excluded sites in total: ${us(q.excluded)}`, `Remaining sites in total: ${us(q.match)}`];
  if (q.excluded > 0) lines.push('See snps-excluded.txt for details');
  lines.push(`Typed only sites: ${us(q.typedOnly)}`);
  if (q.typedOnly > 0) lines.push('See typed-only.txt for details');
  for (const line of chunkLines) if (line.trim() !== '') lines.push(line);
  return lines.join('\n');
}

export function populationNotSupported(population: string, panelId: string, available: string[]): string {
  return [`Population '${population}' is not supported by reference panel '${panelId}'.`, 'Available populations:', ...available.map((p) => ` - ${p}`)].join(
    '\n',
  );
}

export function exportedMessage(mail: string | null, password: string | null): string {
  if (mail) return `Data have been exported successfully. We have sent a notification email to <b>${mail}</b>`;
  if (password) return `Data have been exported successfully. We encrypted the results with the following password: <b>${password}</b>`;
  return 'Data have been exported successfully.';
}
