// Allele fixes, site by site: swap REF and ALT and recode every genotype (allele switch), take the
// complementary bases (strand flip), both, or drop the site (allele mismatch; optionally every
// A/T or C/G site, whose strand the alleles cannot tell). Each change is one change-log row.
// After a swap, INFO and FORMAT fields other than GT would describe the old allele order, so a
// swapped record keeps GT only (the servers read nothing else).
import type { ByteSink, RecordTransform, SiteEdit, TransformReport } from '../types';
import { keepsHeaderLine, writeSlimAfterFilter, writeSlimRecord } from './slim-gt';
import { formatKeyIndex, latin1, NEWLINE, normalizeChromosome, parseUint, TAB, tabOffsets, writeSwappedGenotypes } from './vcf-bytes';

export interface SiteEditOptions {
  edits: SiteEdit[];
  matchBy: 'position' | 'id';
  dropAmbiguous: boolean;
  slim: boolean;
  headerLine?: string;
}

export const AMBIGUOUS_REASON = 'A/T or C/G site: its strand cannot be told from the alleles';

/** The key an applied edit is marked with (see RewriteStats.marks). */
export function editKey(edit: Pick<SiteEdit, 'chromosome' | 'pos' | 'id' | 'ref' | 'alt'>, matchBy: 'position' | 'id'): string {
  return matchBy === 'id' ? `id:${edit.id}:${edit.ref}:${edit.alt}` : `${edit.chromosome}:${edit.pos}:${edit.ref}:${edit.alt}`;
}

const A = 65;
const C = 67;
const G = 71;
const T = 84;

/** One base each, and an A/T or C/G pair. */
function ambiguousPair(line: Uint8Array, refStart: number, refEnd: number, altStart: number, altEnd: number): boolean {
  if (refEnd - refStart !== 1 || altEnd - altStart !== 1) return false;
  const r = line[refStart] & 0xdf; // upper case
  const a = line[altStart] & 0xdf;
  return (r === A && a === T) || (r === T && a === A) || (r === C && a === G) || (r === G && a === C);
}

function sameText(line: Uint8Array, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (line[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

const DOT_GT = Buffer.from('\t.\tGT', 'latin1');

export function siteEdits(options: SiteEditOptions): RecordTransform {
  const byPos = new Map<number, SiteEdit[]>();
  const byId = new Map<string, SiteEdit[]>();
  for (const edit of options.edits) {
    if (options.matchBy === 'id') byId.set(edit.id, [...(byId.get(edit.id) ?? []), edit]);
    else byPos.set(edit.pos, [...(byPos.get(edit.pos) ?? []), edit]);
  }
  const tabs = new Int32Array(9);

  const find = (line: Uint8Array, start: number): SiteEdit | null => {
    const refStart = tabs[2] + 1;
    const altStart = tabs[3] + 1;
    let candidates: SiteEdit[] | undefined;
    if (options.matchBy === 'id') candidates = byId.get(latin1(line, tabs[1] + 1, tabs[2]));
    else candidates = byPos.get(parseUint(line, tabs[0] + 1, tabs[1]));
    if (!candidates) return null;
    let chromosome: string | null = null;
    for (const edit of candidates) {
      if (!sameText(line, refStart, tabs[3], edit.ref) || !sameText(line, altStart, tabs[4], edit.alt)) continue;
      if (options.matchBy === 'position') {
        chromosome ??= normalizeChromosome(latin1(line, start, tabs[0]));
        if (chromosome !== edit.chromosome) continue;
      }
      return edit;
    }
    return null;
  };

  const logRow = (line: Uint8Array, start: number, report: TransformReport, newRef: string, newAlt: string, action: string, reason: string): void => {
    report.log([
      latin1(line, start, tabs[0]),
      latin1(line, tabs[0] + 1, tabs[1]),
      latin1(line, tabs[1] + 1, tabs[2]),
      latin1(line, tabs[2] + 1, tabs[3]),
      latin1(line, tabs[3] + 1, tabs[4]),
      newRef,
      newAlt,
      action,
      reason,
    ]);
  };

  const writeRest = (line: Uint8Array, start: number, end: number, out: ByteSink): void => {
    // the record as it is (or slim), from the start
    if (options.slim) writeSlimRecord(line, start, end, tabs, out);
    else {
      out.write(line, start, end);
      out.byte(NEWLINE);
    }
  };

  return {
    header(line: string): string | null {
      if (options.slim && !keepsHeaderLine(line)) return null;
      if (line.startsWith('#CHROM') && options.headerLine) return `${options.headerLine}\n${line}`;
      return line;
    },
    record(line: Uint8Array, start: number, end: number, out: ByteSink, report: TransformReport): void {
      tabOffsets(line, start, end, 9, tabs);
      if (tabs[4] < 0) {
        report.count('unreadable');
        out.write(line, start, end);
        out.byte(NEWLINE);
        return;
      }
      const edit = find(line, start);
      if (!edit) {
        if (options.dropAmbiguous && ambiguousPair(line, tabs[2] + 1, tabs[3], tabs[3] + 1, tabs[4])) {
          report.count('drop-ambiguous');
          logRow(line, start, report, '', '', 'drop', AMBIGUOUS_REASON);
          return;
        }
        if (tabs[6] < 0) {
          out.write(line, start, end);
          out.byte(NEWLINE);
        } else writeRest(line, start, end, out);
        return;
      }
      report.mark(editKey(edit, options.matchBy));
      report.count(edit.action);
      if (edit.action === 'drop') {
        logRow(line, start, report, '', '', 'drop', edit.reason);
        return;
      }
      logRow(line, start, report, edit.newRef, edit.newAlt, edit.action, edit.reason);
      // CHROM POS ID, the new alleles, then QUAL and FILTER as they were
      out.write(line, start, tabs[2] + 1);
      out.text(edit.newRef);
      out.byte(TAB);
      out.text(edit.newAlt);
      if (edit.action === 'flip') {
        // the allele order is unchanged: the rest of the record stays valid
        if (options.slim && tabs[6] >= 0) {
          out.write(line, tabs[4], tabs[6]);
          writeSlimAfterFilter(line, end, tabs, out);
        } else {
          out.write(line, tabs[4], end);
          out.byte(NEWLINE);
        }
        return;
      }
      // swapped: QUAL FILTER, INFO '.', FORMAT GT, every genotype recoded
      const filterEnd = tabs[6] >= 0 ? tabs[6] : end;
      out.write(line, tabs[4], filterEnd);
      if (tabs[7] < 0 || tabs[8] < 0) {
        out.write(DOT_GT, 0, 2); // sites only: INFO '.'
        out.byte(NEWLINE);
        return;
      }
      const gt = formatKeyIndex(line, tabs[7] + 1, tabs[8], 'GT');
      out.write(DOT_GT, 0, DOT_GT.length);
      out.byte(TAB);
      if (gt < 0) report.count('swap-without-gt');
      writeSwappedGenotypes(line, tabs[8] + 1, end, Math.max(0, gt), out);
      out.byte(NEWLINE);
    },
  };
}
