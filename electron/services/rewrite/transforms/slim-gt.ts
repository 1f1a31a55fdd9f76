// Slim copies: the imputation servers read only the genotypes (GT), so a record keeps CHROM to
// FILTER, an empty INFO ('.') and FORMAT 'GT' with each sample's GT; the header loses the ##INFO and
// ##FORMAT lines it no longer needs (as `bcftools annotate -x INFO,^FORMAT/GT` does).
import type { ByteSink, RecordTransform, TransformReport } from '../types';
import { formatKeyIndex, NEWLINE, TAB, tabOffsets, writeSubfield } from './vcf-bytes';

const GT_ONLY = Buffer.from('\t.\tGT\t', 'latin1');
const INFO_EMPTY = Buffer.from('\t.', 'latin1');

/** Header lines a slim copy keeps (everything but INFO and FORMAT definitions other than GT). */
export function keepsHeaderLine(line: string): boolean {
  if (line.startsWith('##INFO=')) return false;
  if (line.startsWith('##FORMAT=')) return /^##FORMAT=<ID=GT,/.test(line);
  return true;
}

/** Writes the slim form of one record (columns as parsed by the caller); answers false for a broken line. */
export function writeSlimRecord(line: Uint8Array, start: number, end: number, tabs: Int32Array, out: ByteSink): boolean {
  // tabs[0..8]: the tabs after CHROM, POS, ID, REF, ALT, QUAL, FILTER, INFO, FORMAT
  if (tabs[6] < 0) return false;
  out.write(line, start, tabs[6]);
  writeSlimAfterFilter(line, end, tabs, out);
  return true;
}

/** From the tab that ends FILTER: INFO '.', FORMAT 'GT' and each sample's GT, then the newline. */
export function writeSlimAfterFilter(line: Uint8Array, end: number, tabs: Int32Array, out: ByteSink): void {
  const infoEnd = tabs[7];
  if (infoEnd < 0) {
    // sites only: no FORMAT, no samples
    out.write(INFO_EMPTY, 0, INFO_EMPTY.length);
    out.byte(NEWLINE);
    return;
  }
  const formatEnd = tabs[8];
  const formatStart = infoEnd + 1;
  const formatStop = formatEnd < 0 ? end : formatEnd;
  out.write(GT_ONLY, 0, formatEnd < 0 ? GT_ONLY.length - 1 : GT_ONLY.length);
  if (formatEnd < 0) {
    out.byte(NEWLINE);
    return;
  }
  const samplesStart = formatEnd + 1;
  if (formatStop - formatStart === 2 && line[formatStart] === 71 && line[formatStart + 1] === 84) {
    out.write(line, samplesStart, end); // FORMAT is already GT only
  } else {
    const gt = formatKeyIndex(line, formatStart, formatStop, 'GT');
    if (gt < 0) {
      // no genotypes: every sample becomes missing
      let first = true;
      for (let p = samplesStart; p <= end;) {
        if (!first) out.byte(TAB);
        first = false;
        out.byte(46);
        const tab = line.indexOf(TAB, p);
        if (tab < 0 || tab >= end) break;
        p = tab + 1;
      }
    } else writeSubfield(line, samplesStart, end, gt, out);
  }
  out.byte(NEWLINE);
}

export function slimGt(headerLine?: string): RecordTransform {
  const tabs = new Int32Array(9);
  return {
    header(line: string): string | null {
      if (line.startsWith('#CHROM') && headerLine) return `${headerLine}\n${line}`;
      return keepsHeaderLine(line) ? line : null;
    },
    record(line: Uint8Array, start: number, end: number, out: ByteSink, report: TransformReport): void {
      tabOffsets(line, start, end, 9, tabs);
      if (!writeSlimRecord(line, start, end, tabs, out)) {
        // not a VCF record (fewer than 8 columns): kept as it was, for the server to judge
        report.count('unreadable');
        out.write(line, start, end);
        out.byte(NEWLINE);
      }
    },
  };
}
