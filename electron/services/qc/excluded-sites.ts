// statistics/snps-excluded.txt as the QC step writes it (docs/server-behaviour.md#output-files,
// #qc-messages): a header `ID CHROM POS REF ALT INFO`, then one tab-separated row per excluded
// site with the study's alleles as uploaded, and in INFO the reason and, for allele problems,
// the panel's alleles (`Allele switch. Reference Panel: A/G`).

export type ExclusionReason =
  | 'allele-switch'
  | 'strand-flip'
  | 'flip-and-switch'
  | 'allele-mismatch'
  | 'monomorphic'
  | 'multiallelic'
  | 'invalid-alleles'
  | 'duplicate'
  | 'filter'
  | 'low-call-rate'
  | 'other';

export interface ExcludedSite {
  id: string;
  chrom: string;
  pos: number;
  ref: string;
  alt: string;
  reason: ExclusionReason;
  /** The panel's alleles, where the server names them. */
  panel: { ref: string; alt: string } | null;
  /** INFO as the server wrote it. */
  info: string;
}

export interface ExcludedSites {
  sites: ExcludedSite[];
  /** Rows that could not be read (line number and why), at most a few. */
  problems: string[];
  unreadableRows: number;
}

const REASONS: Array<[RegExp, ExclusionReason]> = [
  // "Strand flip and Allele switch" first: it also starts with "Strand flip"
  [/^Strand flip and Allele switch\b/i, 'flip-and-switch'],
  [/^Allele switch\b/i, 'allele-switch'],
  [/^Strand flip\b/i, 'strand-flip'],
  [/^Allele mismatch\b/i, 'allele-mismatch'],
  [/^Monomorphic\b/i, 'monomorphic'],
  [/^Multiallelic\b/i, 'multiallelic'],
  [/^Invalid Alleles?\b/i, 'invalid-alleles'],
  [/^Filter Duplicate\b/i, 'duplicate'],
  [/^Filter\b/i, 'filter'],
  [/^Low call rate\b/i, 'low-call-rate'],
];

const PANEL = /Reference Panel:\s*([A-Za-z*.-]+)\/([A-Za-z*.-]+)/;

export function reasonOf(info: string): ExclusionReason {
  const text = info.trim();
  for (const [pattern, reason] of REASONS) if (pattern.test(text)) return reason;
  return 'other';
}

export function parseExcludedSites(text: string): ExcludedSites {
  const sites: ExcludedSite[] = [];
  const problems: string[] = [];
  let unreadableRows = 0;
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const fields = line.split('\t');
    if (index === 0 && fields[0] === 'ID' && fields[1] === 'CHROM') continue;
    const pos = Number(fields[2]);
    if (fields.length < 6 || !Number.isInteger(pos) || pos < 1) {
      unreadableRows++;
      if (problems.length < 5) problems.push(`line ${index + 1}: ${fields.length < 6 ? 'fewer than 6 columns' : `position "${fields[2]}" is not a number`}`);
      continue;
    }
    const info = fields.slice(5).join('\t');
    const panel = PANEL.exec(info);
    sites.push({
      id: fields[0]!,
      chrom: fields[1]!,
      pos,
      ref: fields[3]!,
      alt: fields[4]!,
      reason: reasonOf(info),
      panel: panel ? { ref: panel[1]!, alt: panel[2]! } : null,
      info,
    });
  }
  return { sites, problems, unreadableRows };
}
