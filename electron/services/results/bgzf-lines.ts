// Lines of a BGZF file, read synchronously from a file descriptor (inside a worker thread): the
// header, and the records of one byte range. A range starts at the first block that begins in it
// and ends with the block that crosses its end, so ranges cut on block boundaries cover the file
// once; the line cut at each boundary comes back as `head` / `tail` for the coordinator to join.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { parseBlockHeader } from '../vcf/bgzf';
import { BgzfRangeReader, HeaderLines, LineSplitter, SIZE_MISMATCH, type ByteRange, type RangeError } from '../vcf/bgzf-ranges';

export class ReadCancelled extends Error {
  constructor() {
    super('read cancelled');
    this.name = 'ReadCancelled';
  }
}

export interface VcfHead {
  /** Header lines (## and #CHROM), without line ends. */
  lines: string[];
  /** Offset of the block where records start (the file size when there are none)... */
  recordsBlock: number;
  /** ...and how many of its uncompressed bytes belong to the header. */
  recordsSkip: number;
  /** Why the header could not be read whole, or null. */
  error: string | null;
}

/** Reads blocks from the start until the first line that is not a header line. */
export function readHeadSync(path: string): VcfHead {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const lines = new HeaderLines();
    const head: VcfHead = { lines: lines.lines, recordsBlock: size, recordsSkip: 0, error: null };
    let off = 0;
    const header = Buffer.allocUnsafe(18);
    while (off < size) {
      const got = readSync(fd, header, 0, 18, off);
      const h = parseBlockHeader(header.subarray(0, got), 0);
      if (h === null || h === 'short') {
        head.error = h === null ? `not a BGZF file (bytes at ${off} are not a block header)` : `the file ends inside a block at ${off}`;
        return head;
      }
      const block = Buffer.allocUnsafe(h.blockSize);
      if (readSync(fd, block, 0, h.blockSize, off) < h.blockSize) {
        head.error = `the file ends inside a block at ${off}`;
        return head;
      }
      let out: Buffer;
      try {
        out = inflateRawSync(block.subarray(h.dataOffset, h.blockSize - 8));
      } catch (error) {
        head.error = `a block at ${off} is damaged (${(error as Error).message})`;
        return head;
      }
      const recordsAt = lines.feed(out);
      if (recordsAt >= 0) {
        head.recordsBlock = off;
        head.recordsSkip = recordsAt;
        return head;
      }
      off += h.blockSize;
    }
    lines.finish();
    return head;
  } finally {
    closeSync(fd);
  }
}

export interface RangeSpec extends ByteRange {
  path: string;
}

export interface RangeLines {
  /** Offset of the first block read; -1 when no block starts in the range. */
  startOffset: number;
  /** Offset after the last block read. */
  stopOffset: number;
  /** Bytes before the first newline (ranges after the first): the end of the previous range's last line. */
  head: Uint8Array;
  /** Bytes after the last newline: the start of a line the next range ends. */
  tail: Uint8Array;
  /** False when the range held no newline (all its text is in `head`). */
  hasNewline: boolean;
  error: string | null;
  /** The range ended with the empty block that closes a whole BGZF file. */
  eofBlock: boolean;
}

export interface LineSink {
  /** A whole line in buf[start, end), without its newline. The bytes are valid during the call only. */
  line(buf: Uint8Array, start: number, end: number): void;
  /** After each block's lines (a good moment to write out). */
  blockDone?(): void;
}

/** Reads the blocks of one range and hands every whole line to `sink`. */
export function readRangeLines(spec: RangeSpec, sink: LineSink, onProgress: (compressedBytes: number) => void, isCancelled: () => boolean): RangeLines {
  const blocks = rangeBlocks(spec, sink, onProgress, isCancelled);
  for (;;) {
    const step = blocks.next();
    if (step.done) return step.value;
  }
}

/**
 * The same, one block per step: a caller that writes what it reads can wait for its output
 * between blocks (the generator's return value is the range's result).
 */
export function* rangeBlocks(
  spec: RangeSpec,
  sink: LineSink,
  onProgress: (compressedBytes: number) => void,
  isCancelled: () => boolean,
): Generator<void, RangeLines, void> {
  const fd = openSync(spec.path, 'r');
  try {
    return yield* readRangeFd(fd, spec, sink, onProgress, isCancelled);
  } finally {
    closeSync(fd);
  }
}

function* readRangeFd(
  fd: number,
  spec: RangeSpec,
  sink: LineSink,
  onProgress: (n: number) => void,
  isCancelled: () => boolean,
): Generator<void, RangeLines, void> {
  const fileSize = fstatSync(fd).size;
  const result: RangeLines = {
    startOffset: -1,
    stopOffset: fileSize,
    head: new Uint8Array(0),
    tail: new Uint8Array(0),
    hasNewline: true,
    error: null,
    eofBlock: false,
  };
  const reader = new BgzfRangeReader(fd, fileSize, spec, onProgress, isCancelled, () => new ReadCancelled());
  if (!spec.first) {
    const found = reader.findFirstBlock();
    if (found < 0 || found >= spec.end) {
      result.startOffset = -1;
      result.stopOffset = -1;
      return result;
    }
    reader.pos = found;
  }
  result.startOffset = reader.pos;
  const lines = new LineSplitter({ line: (buf, start, end) => sink.line(buf, start, lineEnd(buf, start, end)) }, spec.first);
  for (let out = reader.nextBlock(); out; out = reader.nextBlock()) {
    lines.feed(out);
    sink.blockDone?.();
    reader.advance();
    yield;
  }
  result.stopOffset = reader.finish();
  result.error = reader.error && describe(reader.error);
  result.eofBlock = reader.eofBlock;
  result.head = lines.head;
  result.tail = lines.tail;
  result.hasNewline = lines.hasNewline;
  return result;
}

function describe(error: RangeError): string {
  if (error.kind === 'truncated') return `the file ends inside a block at byte ${error.offset}`;
  if (error.kind === 'bad-header') return `bytes at ${error.offset} are not a BGZF block`;
  return `the block at byte ${error.offset} is damaged (${error.detail === SIZE_MISMATCH ? 'wrong size' : error.detail})`;
}

/** A line's end without a trailing CR. */
function lineEnd(buf: Uint8Array, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
