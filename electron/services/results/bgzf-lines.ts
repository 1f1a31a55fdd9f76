// Lines of a BGZF file, read synchronously from a file descriptor (inside a worker thread): the
// header, and the records of one byte range. A range starts at the first block that begins in it
// and ends with the block that crosses its end, so ranges cut on block boundaries cover the file
// once; the line cut at each boundary comes back as `head` / `tail` for the coordinator to join.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { BGZF_MAX_BLOCK, blockInputSize, findBlockStart, parseBlockHeader } from '../vcf/bgzf';

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
    const head: VcfHead = { lines: [], recordsBlock: size, recordsSkip: 0, error: null };
    const decoder = new TextDecoder('utf-8');
    let partial: Uint8Array[] = [];
    let atLineStart = true;
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
      let i = 0;
      while (i < out.length) {
        if (atLineStart && out[i] !== 35) {
          head.recordsBlock = off;
          head.recordsSkip = i;
          return head;
        }
        const nl = out.indexOf(10, i);
        if (nl < 0) {
          partial.push(out.subarray(i));
          atLineStart = false;
          break;
        }
        partial.push(out.subarray(i, nl));
        head.lines.push(stripCr(decoder.decode(Buffer.concat(partial))));
        partial = [];
        atLineStart = true;
        i = nl + 1;
      }
      off += h.blockSize;
    }
    if (partial.length > 0) head.lines.push(stripCr(decoder.decode(Buffer.concat(partial))));
    return head;
  } finally {
    closeSync(fd);
  }
}

const stripCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);

export interface RangeSpec {
  path: string;
  /** The first range starts exactly at `start` (a known block start); later ones search for one. */
  start: number;
  end: number;
  first: boolean;
  /** Uncompressed bytes of the first block to drop (the header), first range only. */
  skip: number;
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

const READ_SIZE = 4 << 20;
const PROGRESS_STEP = 1 << 20;

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
  // A window of compressed bytes: cbuf[0] is the file's byte at cbase.
  let cbuf = Buffer.allocUnsafe(READ_SIZE + BGZF_MAX_BLOCK);
  let cbase = spec.start;
  let clen = 0;
  const fill = (from: number, minBytes: number): void => {
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
      const bigger = Buffer.allocUnsafe(want + BGZF_MAX_BLOCK);
      cbuf.copy(bigger, 0, 0, clen);
      cbuf = bigger;
    }
    while (clen < want && cbase + clen < fileSize) {
      const n = readSync(fd, cbuf, clen, Math.min(cbuf.length - clen, fileSize - cbase - clen), cbase + clen);
      if (n <= 0) break;
      clen += n;
    }
  };

  let pos = spec.start;
  if (!spec.first) {
    let found = -1;
    let probe = spec.start;
    const limit = Math.min(fileSize, spec.end + BGZF_MAX_BLOCK);
    while (probe < limit && found < 0) {
      fill(probe, 2 * BGZF_MAX_BLOCK);
      if (clen === 0) break;
      const j = findBlockStart(cbuf.subarray(0, clen), 0);
      if (j >= 0) found = cbase + j;
      else probe = cbase + Math.max(1, clen - 18);
    }
    if (found < 0 || found >= spec.end) {
      result.startOffset = -1;
      result.stopOffset = -1;
      return result;
    }
    pos = found;
  }
  result.startOffset = pos;

  let carry: Uint8Array = new Uint8Array(0);
  let seenNewline = spec.first;
  const headParts: Uint8Array[] = [];
  let skip = spec.skip;
  let reported = spec.start;

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
      sink.line(joined, 0, lineEnd(joined, 0, joined.length));
      carry = new Uint8Array(0);
      s = nl + 1;
    }
    for (;;) {
      const nl = out.indexOf(10, s);
      if (nl < 0) break;
      sink.line(out, s, lineEnd(out, s, nl));
      s = nl + 1;
    }
    // Keep a copy: the block's buffer is not kept alive beyond this block otherwise.
    if (s < out.length) carry = Buffer.from(out.subarray(s));
  };

  while (pos < fileSize && pos < spec.end) {
    if (pos + 18 > cbase + clen || pos < cbase) fill(pos, 18);
    let h = parseBlockHeader(cbuf.subarray(0, clen), pos - cbase);
    if (h === 'short') {
      fill(pos, 2 * BGZF_MAX_BLOCK);
      h = parseBlockHeader(cbuf.subarray(0, clen), pos - cbase);
      if (h === 'short') {
        result.error = `the file ends inside a block at byte ${pos}`;
        break;
      }
    }
    if (h === null) {
      result.error = `bytes at ${pos} are not a BGZF block`;
      break;
    }
    if (pos - cbase + h.blockSize > clen) {
      fill(pos, h.blockSize);
      if (pos - cbase + h.blockSize > clen) {
        result.error = `the file ends inside a block at byte ${pos}`;
        break;
      }
    }
    const b0 = pos - cbase;
    const isize = blockInputSize(cbuf, b0, h.blockSize);
    let out: Buffer;
    try {
      out = inflateRawSync(cbuf.subarray(b0 + h.dataOffset, b0 + h.blockSize - 8));
    } catch (error) {
      result.error = `the block at byte ${pos} is damaged (${(error as Error).message})`;
      break;
    }
    if (out.length !== isize) {
      result.error = `the block at byte ${pos} is damaged (wrong size)`;
      break;
    }
    if (skip > 0) {
      out = out.subarray(Math.min(skip, out.length));
      skip = 0;
    }
    if (out.length > 0) feed(out);
    sink.blockDone?.();
    if (isize === 0 && pos + h.blockSize === fileSize) result.eofBlock = true;
    pos += h.blockSize;
    if (isCancelled()) throw new ReadCancelled();
    if (pos - reported >= PROGRESS_STEP) {
      onProgress(pos - reported);
      reported = pos;
    }
    yield;
  }
  if (pos > reported) onProgress(Math.min(pos, fileSize) - reported);
  result.stopOffset = result.error ? fileSize : Math.min(pos, fileSize);
  result.head = headParts.length === 1 ? headParts[0] : Buffer.concat(headParts);
  result.tail = carry;
  result.hasNewline = seenNewline;
  return result;
}

/** A line's end without a trailing CR. */
function lineEnd(buf: Uint8Array, start: number, end: number): number {
  return end > start && buf[end - 1] === 13 ? end - 1 : end;
}
