// How big a rewritten copy will be, from a few samples of the file (start, middle, end): each
// sample is a run of whole BGZF blocks, rewritten and compressed as the real run would, and the
// ratio of output to input bytes is applied to the whole file. Small files are rewritten whole
// (then the figure is exact). Runs in a worker (it inflates and deflates several MB).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { BGZF_MAX_BLOCK_SIZE } from '../vcf/bgzf-write';
import { findBlockStart, parseBlockHeader } from '../vcf/bgzf';
import { processBatch } from './batch';
import { createTransform } from './transforms/index';
import type { TransformSpec } from './types';

/** The start of the file is not a BGZF block. */
export const NOT_BGZF = 'not compressed with bgzip (BGZF)';

export interface EstimateRequest {
  path: string;
  spec: TransformSpec;
  /** Compressed bytes per sample. */
  windowBytes: number;
  windows: number;
  level: number;
}

export interface EstimateResult {
  inputBytes: number;
  estimatedBytes: number;
  /** Compressed input bytes the estimate read. */
  sampledBytes: number;
  exact: boolean;
}

/** Whole blocks starting at the first block at or after `from`, about `bytes` long. */
function blocksAt(fd: number, fileSize: number, from: number, bytes: number): { data: Uint8Array; start: number } | null {
  const want = Math.min(fileSize - from, bytes + 2 * BGZF_MAX_BLOCK_SIZE);
  if (want <= 0) return null;
  const buf = Buffer.allocUnsafe(want);
  const n = readSync(fd, buf, 0, want, from);
  const window = buf.subarray(0, n);
  if (from === 0 && parseBlockHeader(window, 0) === null) throw new Error(NOT_BGZF);
  const first = from === 0 ? 0 : findBlockStart(window, 0);
  if (first < 0) return null;
  let end = first;
  while (end - first < bytes) {
    const header = parseBlockHeader(window, end);
    if (header === null || header === 'short' || end + header.blockSize > window.length) break;
    end += header.blockSize;
  }
  return end > first ? { data: window.subarray(first, end), start: from + first } : null;
}

export function estimateRewrite(request: EstimateRequest): EstimateResult {
  const fd = openSync(request.path, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const transform = createTransform(request.spec);
    const whole = fileSize <= request.windowBytes * request.windows;
    const starts = whole
      ? [0]
      : Array.from({ length: request.windows }, (_, i) => Math.floor(((fileSize - request.windowBytes) * i) / Math.max(1, request.windows - 1)));
    let sampledIn = 0;
    let sampledOut = 0;
    for (const start of starts) {
      const blocks = blocksAt(fd, fileSize, start, whole ? fileSize : request.windowBytes);
      if (!blocks) continue;
      const result = processBatch({ seq: 0, kind: 'blocks', data: blocks.data, atLineStart: blocks.start === 0, level: request.level }, transform, '');
      if (!result.hasNewline || (result.linesIn === 0 && result.headerLines === 0)) continue; // one line longer than the sample
      // Only the complete lines were rewritten: count the input they came from, in proportion.
      const usedText = result.textIn - result.head.length - result.tail.length;
      sampledIn += blocks.data.length * (usedText / Math.max(1, result.textIn));
      sampledOut += result.out.length;
      if (whole && result.tail.length > 0) {
        const last = processBatch({ seq: 1, kind: 'lines', data: result.tail, atLineStart: true, level: request.level }, transform, '');
        sampledOut += last.out.length;
        sampledIn += blocks.data.length * (result.tail.length / Math.max(1, result.textIn));
      }
    }
    if (sampledIn <= 0) return { inputBytes: fileSize, estimatedBytes: fileSize, sampledBytes: 0, exact: false };
    return {
      inputBytes: fileSize,
      estimatedBytes: Math.round((fileSize * sampledOut) / sampledIn),
      sampledBytes: Math.round(sampledIn),
      exact: whole,
    };
  } finally {
    closeSync(fd);
  }
}
