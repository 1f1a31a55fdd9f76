// One byte range of an info file into quality counts (runs in a worker thread).
import { readRangeLines, type RangeLines, type RangeSpec } from './bgzf-lines';
import { emptyInfo, readInfo } from './info-fields';
import { addSite, newAcc, type QualityAcc } from './quality-accumulator';

export interface SummaryRangeResult {
  lines: RangeLines;
  acc: QualityAcc;
}

/** Adds one record line to `acc` (header lines and lines with fewer than 8 columns are not records). */
export function countLine(acc: QualityAcc, buf: Uint8Array, start: number, end: number, info = emptyInfo()): void {
  if (end <= start || buf[start] === 35) return;
  if (readInfo(buf, start, end, info)) addSite(acc, info);
}

export function summarizeRange(spec: RangeSpec, onProgress: (bytes: number) => void, isCancelled: () => boolean): SummaryRangeResult {
  const acc = newAcc();
  const info = emptyInfo();
  const lines = readRangeLines(spec, { line: (buf, start, end) => countLine(acc, buf, start, end, info) }, onProgress, isCancelled);
  return { lines, acc };
}
