// Scans one byte range of a BGZF file: walks the blocks whose start lies in [start, end), inflates
// each one (zlib.inflateRawSync) and feeds complete lines to a RecordAccumulator. The partial first
// line (for ranges after the first) and the partial last line are returned for the coordinator to
// stitch. Runs inside a worker thread, or inline for small files.
import { openSync, closeSync, fstatSync } from 'node:fs';
import { BgzfRangeReader, LineSplitter, type RangeError } from './bgzf-ranges';
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

export type { RangeError } from './bgzf-ranges';

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
  const reader = new BgzfRangeReader(fd, fileSize, task, onProgress, isCancelled, () => new ScanCancelled());
  if (!task.first) {
    const found = reader.findFirstBlock();
    if (found < 0) {
      result.stopOffset = -1;
      return result;
    }
    reader.pos = found;
  }
  result.startOffset = reader.pos;
  const lines = new LineSplitter(acc, task.first);
  for (let out = reader.nextBlock(); out; out = reader.nextBlock()) {
    lines.feed(out);
    reader.advance();
  }
  result.stopOffset = reader.finish();
  result.error = reader.error;
  result.eofBlock = reader.eofBlock;
  result.uncompressedBytes = reader.inflatedBytes;
  result.head = lines.head;
  result.tail = lines.tail;
  result.hasNewline = lines.hasNewline;
  return result;
}
