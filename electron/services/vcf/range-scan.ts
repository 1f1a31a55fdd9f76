// Scans one byte range of a BGZF file: walks the blocks whose start lies in [start, end), inflates
// each one (zlib.inflateRawSync) and feeds complete lines to a RecordAccumulator. The partial first
// line (for ranges after the first) and the partial last line are returned for the coordinator to
// stitch. Runs inside a worker thread, or inline for small files.
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { parseBlockHeader, blockInputSize, findBlockStart, BGZF_MAX_BLOCK } from './bgzf';
import { RecordAccumulator, type AccState } from './records';

export interface RangeTask {
  path: string;
  /** nominal range; the first range starts exactly at `start` (a known block start) */
  start: number;
  end: number;
  first: boolean;
  /** bytes of the first block's output to drop (the header part), first range only */
  skip: number;
  nSamples: number;
  chunkSizes: number[];
  /** read the whole file as one plain-gzip or text stream instead (stream-scan.ts) */
  stream?: 'gzip' | 'text';
}

export interface RangeError {
  kind: 'truncated' | 'bad-header' | 'inflate';
  offset: number;
  expected?: number;
  got?: number;
  detail?: string;
}

export interface RangeResult {
  /** file offset of the first block processed; -1 when no block start was found in the range */
  startOffset: number;
  /** offset of the first block not processed (>= end), or the file size */
  stopOffset: number;
  head: Uint8Array;
  tail: Uint8Array;
  acc: AccState;
  error: RangeError | null;
  /** the range ended with the 28-byte empty block at the very end of the file */
  eofBlock: boolean;
  /** false when the range held no '\n' at all (its text is all in `head`) */
  hasNewline: boolean;
  uncompressedBytes: number;
  /** the header lines, for a whole-file stream scan (stream-scan.ts) */
  headerLines?: string[];
}

export class ScanCancelled extends Error {
  constructor() {
    super('scan cancelled');
    this.name = 'ScanCancelled';
  }
}

const READ_SIZE = 4 << 20;
const PROGRESS_STEP = 1 << 20;

export function scanRange(task: RangeTask, onProgress: (compressedBytes: number) => void = () => {}, isCancelled: () => boolean = () => false): RangeResult {
  const fd = openSync(task.path, 'r');
  try {
    return scanRangeFd(fd, task, onProgress, isCancelled);
  } finally {
    closeSync(fd);
  }
}

function scanRangeFd(fd: number, task: RangeTask, onProgress: (n: number) => void, isCancelled: () => boolean): RangeResult {
  const fileSize = fstatSync(fd).size;
  const acc = new RecordAccumulator(task.nSamples, task.chunkSizes);
  const result: RangeResult = {
    startOffset: -1,
    stopOffset: fileSize,
    head: new Uint8Array(0),
    tail: new Uint8Array(0),
    acc: acc.state,
    error: null,
    eofBlock: false,
    hasNewline: true,
    uncompressedBytes: 0,
  };

  // compressed window: cbuf[0] is file offset cbase
  let cbuf = Buffer.allocUnsafe(READ_SIZE + BGZF_MAX_BLOCK);
  let cbase = task.start;
  let clen = 0;
  const fill = (from: number, minBytes: number): void => {
    // make cbuf hold data starting at file offset `from`, at least minBytes if the file has them
    if (from < cbase || from > cbase + clen) {
      cbase = from;
      clen = 0;
    } else if (from > cbase) {
      cbuf.copy(cbuf, 0, from - cbase, clen);
      clen -= from - cbase;
      cbase = from;
    }
    const want = Math.max(minBytes, READ_SIZE);
    if (cbuf.length < want) {
      const nb = Buffer.allocUnsafe(want + BGZF_MAX_BLOCK);
      cbuf.copy(nb, 0, 0, clen);
      cbuf = nb;
    }
    while (clen < want && cbase + clen < fileSize) {
      const n = readSync(fd, cbuf, clen, Math.min(cbuf.length - clen, fileSize - cbase - clen), cbase + clen);
      if (n <= 0) break;
      clen += n;
    }
  };

  // locate the first block
  let pos = task.start;
  if (!task.first) {
    let found = -1;
    let probe = task.start;
    const limit = Math.min(fileSize, task.end + BGZF_MAX_BLOCK);
    while (probe < limit && found < 0) {
      fill(probe, 2 * BGZF_MAX_BLOCK);
      const window = cbuf.subarray(0, clen);
      const j = findBlockStart(window, 0);
      if (j >= 0) found = cbase + j;
      else probe = cbase + Math.max(1, clen - 18);
      if (clen === 0) break;
    }
    if (found < 0 || found >= limit) {
      result.stopOffset = -1;
      return result;
    }
    pos = found;
  }
  result.startOffset = pos;

  // Lines are parsed straight out of each inflated block; only the line that crosses a block
  // boundary is copied (carry).
  let carry: Uint8Array = new Uint8Array(0);
  let seenNewline = task.first;
  const headParts: Uint8Array[] = [];
  let skip = task.skip;
  let reported = task.start;

  const feed = (out: Uint8Array): void => {
    let s = 0;
    if (!seenNewline) {
      const nl = out.indexOf(10);
      if (nl < 0) {
        headParts.push(out);
        return;
      }
      headParts.push(out.subarray(0, nl));
      seenNewline = true;
      s = nl + 1;
    } else if (carry.length > 0) {
      const nl = out.indexOf(10);
      if (nl < 0) {
        carry = Buffer.concat([carry, out]);
        return;
      }
      const joined = Buffer.concat([carry, out.subarray(0, nl)]);
      acc.line(joined, 0, joined.length);
      carry = new Uint8Array(0);
      s = nl + 1;
    }
    for (;;) {
      const nl = out.indexOf(10, s);
      if (nl < 0) break;
      acc.line(out, s, nl);
      s = nl + 1;
    }
    if (s < out.length) carry = out.subarray(s);
  };

  while (pos < fileSize) {
    if (!task.first && pos >= task.end) break;
    if (task.first && pos >= task.end) break;
    if (pos + 18 > cbase + clen || pos < cbase) fill(pos, 18);
    let h = parseBlockHeader(cbuf.subarray(0, clen), pos - cbase);
    if (h === 'short') {
      fill(pos, 2 * BGZF_MAX_BLOCK);
      h = parseBlockHeader(cbuf.subarray(0, clen), pos - cbase);
      if (h === 'short') {
        result.error = { kind: 'truncated', offset: pos, expected: 18, got: fileSize - pos };
        break;
      }
    }
    if (h === null) {
      result.error = { kind: 'bad-header', offset: pos };
      break;
    }
    if (pos - cbase + h.blockSize > clen) {
      fill(pos, h.blockSize);
      if (pos - cbase + h.blockSize > clen) {
        result.error = { kind: 'truncated', offset: pos, expected: h.blockSize, got: clen - (pos - cbase) };
        break;
      }
    }
    const b0 = pos - cbase;
    const isize = blockInputSize(cbuf, b0, h.blockSize);
    let out: Buffer;
    try {
      out = inflateRawSync(cbuf.subarray(b0 + h.dataOffset, b0 + h.blockSize - 8));
    } catch (err) {
      result.error = { kind: 'inflate', offset: pos, detail: (err as Error).message };
      break;
    }
    if (out.length !== isize) {
      result.error = { kind: 'inflate', offset: pos, detail: 'size mismatch' };
      break;
    }
    result.uncompressedBytes += out.length;
    if (skip > 0) {
      out = out.subarray(Math.min(skip, out.length));
      skip = 0;
    }
    if (out.length > 0) feed(out);
    if (isize === 0 && pos + h.blockSize === fileSize) result.eofBlock = true;
    pos += h.blockSize;
    if (isCancelled()) throw new ScanCancelled();
    if (pos - reported >= PROGRESS_STEP) {
      onProgress(pos - reported);
      reported = pos;
    }
  }
  if (pos > reported) onProgress(Math.min(pos, fileSize) - reported);
  result.stopOffset = result.error ? fileSize : Math.min(pos, fileSize);
  result.head = headParts.length === 1 ? headParts[0] : Buffer.concat(headParts);
  result.tail = carry;
  result.hasNewline = seenNewline;
  return result;
}
