// Reading a BGZF file in byte ranges, for the VCF scan (range-scan.ts) and the results reader
// (results/bgzf-lines.ts), synchronously inside worker threads. A range starts at the first block
// that begins in it and ends with the block that crosses its end, so ranges cut anywhere cover the
// file once; the line cut at each boundary comes back as head / tail for the coordinator to join.
import { readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { BGZF_MAX_BLOCK, blockInputSize, findBlockStart, parseBlockHeader } from './bgzf';

/** Why a range could not be read to its end. */
export interface RangeError {
  kind: 'truncated' | 'bad-header' | 'inflate';
  offset: number;
  expected?: number;
  got?: number;
  detail?: string;
}

/** `detail` of an inflate error when a block inflates to another size than its ISIZE. */
export const SIZE_MISMATCH = 'size mismatch';

export interface ByteRange {
  /** The first range starts exactly at `start` (a known block start); later ones search for one. */
  start: number;
  end: number;
  first: boolean;
  /** Uncompressed bytes of the first block to drop (the header), first range only. */
  skip: number;
}

const READ_SIZE = 4 << 20;
const PROGRESS_STEP = 1 << 20;

/** The blocks of one range, one at a time: nextBlock(), use it, advance(); finish() at the end. */
export class BgzfRangeReader {
  /** Offset of the block nextBlock() reads. */
  pos: number;
  error: RangeError | null = null;
  /** The range ended with the empty block that closes a whole BGZF file. */
  eofBlock = false;
  /** Bytes inflated so far (header bytes included). */
  inflatedBytes = 0;
  // A window of compressed bytes: buf[0] is the file's byte at base.
  private buf = Buffer.allocUnsafe(READ_SIZE + BGZF_MAX_BLOCK);
  private base: number;
  private len = 0;
  private skip: number;
  private reported: number;
  private blockSize = 0;

  constructor(
    private readonly fd: number,
    private readonly fileSize: number,
    private readonly range: ByteRange,
    private readonly onProgress: (compressedBytes: number) => void,
    private readonly isCancelled: () => boolean,
    private readonly cancelled: () => Error,
  ) {
    this.pos = range.start;
    this.base = range.start;
    this.skip = range.skip;
    this.reported = range.start;
  }

  /** Makes buf hold the file from `from`, at least minBytes of it if the file has them. */
  private fill(from: number, minBytes: number): void {
    if (from < this.base || from > this.base + this.len) {
      this.base = from;
      this.len = 0;
    } else if (from > this.base) {
      this.buf.copy(this.buf, 0, from - this.base, this.len);
      this.len -= from - this.base;
      this.base = from;
    }
    const want = Math.max(minBytes, READ_SIZE);
    if (this.buf.length < want) {
      const bigger = Buffer.allocUnsafe(want + BGZF_MAX_BLOCK);
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    while (this.len < want && this.base + this.len < this.fileSize) {
      const n = readSync(this.fd, this.buf, this.len, Math.min(this.buf.length - this.len, this.fileSize - this.base - this.len), this.base + this.len);
      if (n <= 0) break;
      this.len += n;
    }
  }

  /** For ranges after the first: the first block start at or after `start`, looked for up to one block past `end`; -1 when none. */
  findFirstBlock(): number {
    let found = -1;
    let probe = this.range.start;
    const limit = Math.min(this.fileSize, this.range.end + BGZF_MAX_BLOCK);
    while (probe < limit && found < 0) {
      this.fill(probe, 2 * BGZF_MAX_BLOCK);
      if (this.len === 0) break;
      const j = findBlockStart(this.buf.subarray(0, this.len), 0);
      if (j >= 0) found = this.base + j;
      else probe = this.base + Math.max(1, this.len - 18);
    }
    return found < limit ? found : -1;
  }

  /** The text of the block at `pos` (the header bytes skipped), or null at the range's end or on a problem (`error`). */
  nextBlock(): Buffer | null {
    const pos = this.pos;
    if (pos >= this.fileSize || pos >= this.range.end) return null;
    if (pos + 18 > this.base + this.len || pos < this.base) this.fill(pos, 18);
    let h = parseBlockHeader(this.buf.subarray(0, this.len), pos - this.base);
    if (h === 'short') {
      this.fill(pos, 2 * BGZF_MAX_BLOCK);
      h = parseBlockHeader(this.buf.subarray(0, this.len), pos - this.base);
      if (h === 'short') {
        this.error = { kind: 'truncated', offset: pos, expected: 18, got: this.fileSize - pos };
        return null;
      }
    }
    if (h === null) {
      this.error = { kind: 'bad-header', offset: pos };
      return null;
    }
    if (pos - this.base + h.blockSize > this.len) {
      this.fill(pos, h.blockSize);
      if (pos - this.base + h.blockSize > this.len) {
        this.error = { kind: 'truncated', offset: pos, expected: h.blockSize, got: this.len - (pos - this.base) };
        return null;
      }
    }
    const b0 = pos - this.base;
    const isize = blockInputSize(this.buf, b0, h.blockSize);
    let out: Buffer;
    try {
      out = inflateRawSync(this.buf.subarray(b0 + h.dataOffset, b0 + h.blockSize - 8));
    } catch (error) {
      this.error = { kind: 'inflate', offset: pos, detail: (error as Error).message };
      return null;
    }
    if (out.length !== isize) {
      this.error = { kind: 'inflate', offset: pos, detail: SIZE_MISMATCH };
      return null;
    }
    this.inflatedBytes += out.length;
    if (isize === 0 && pos + h.blockSize === this.fileSize) this.eofBlock = true;
    this.blockSize = h.blockSize;
    if (this.skip > 0) {
      out = out.subarray(Math.min(this.skip, out.length));
      this.skip = 0;
    }
    return out;
  }

  /** After the block's lines are taken: moves on, stops when cancelled, reports progress. */
  advance(): void {
    this.pos += this.blockSize;
    if (this.isCancelled()) throw this.cancelled();
    if (this.pos - this.reported >= PROGRESS_STEP) {
      this.onProgress(this.pos - this.reported);
      this.reported = this.pos;
    }
  }

  /** Reports the last progress; returns the offset after the last block read (the file size after a problem). */
  finish(): number {
    if (this.pos > this.reported) this.onProgress(Math.min(this.pos, this.fileSize) - this.reported);
    return this.error ? this.fileSize : Math.min(this.pos, this.fileSize);
  }
}

export interface LineTarget {
  /** A whole line in buf[start, end), without its newline (a CR before it is kept). Valid during the call only. */
  line(buf: Uint8Array, start: number, end: number): void;
}

/**
 * Cuts a range's text into lines as blocks come. Lines are taken straight out of each block; only
 * the line that crosses a block boundary is copied. Ranges after the first start mid-line: the text
 * before their first newline is `head`; the text after the last newline is `tail`.
 */
export class LineSplitter {
  private carry: Uint8Array = new Uint8Array(0);
  private seenNewline: boolean;
  private readonly headParts: Uint8Array[] = [];

  constructor(
    private readonly target: LineTarget,
    first: boolean,
  ) {
    this.seenNewline = first;
  }

  feed(out: Uint8Array): void {
    if (out.length === 0) return;
    let s = 0;
    if (!this.seenNewline) {
      const nl = out.indexOf(10);
      if (nl < 0) {
        this.headParts.push(out);
        return;
      }
      this.headParts.push(out.subarray(0, nl));
      this.seenNewline = true;
      s = nl + 1;
    } else if (this.carry.length > 0) {
      const nl = out.indexOf(10);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, out]);
        return;
      }
      const joined = Buffer.concat([this.carry, out.subarray(0, nl)]);
      this.target.line(joined, 0, joined.length);
      this.carry = new Uint8Array(0);
      s = nl + 1;
    }
    for (;;) {
      const nl = out.indexOf(10, s);
      if (nl < 0) break;
      this.target.line(out, s, nl);
      s = nl + 1;
    }
    // A copy, so the block's buffer is not kept alive by it.
    if (s < out.length) this.carry = Buffer.from(out.subarray(s));
  }

  /** Text before the first newline (ranges after the first): the end of the previous range's last line. */
  get head(): Uint8Array {
    return this.headParts.length === 1 ? this.headParts[0] : Buffer.concat(this.headParts);
  }

  /** Text after the last newline: the start of a line the next range ends. */
  get tail(): Uint8Array {
    return this.carry;
  }

  /** False when the range held no newline (all its text is in `head`). */
  get hasNewline(): boolean {
    return this.seenNewline;
  }
}

/** The header lines (## and #CHROM) at the start of a VCF, fed block by block. */
export class HeaderLines {
  /** Without line ends. */
  readonly lines: string[] = [];
  private partial: Uint8Array[] = [];
  private atLineStart = true;
  private readonly decoder = new TextDecoder('utf-8');

  /** Takes one block's text; returns where the records start in it, or -1 when all of it is header. */
  feed(out: Uint8Array): number {
    let i = 0;
    while (i < out.length) {
      if (this.atLineStart && out[i] !== 35) return i;
      const nl = out.indexOf(10, i);
      if (nl < 0) {
        this.partial.push(out.subarray(i));
        this.atLineStart = false;
        break;
      }
      this.partial.push(out.subarray(i, nl));
      this.push();
      this.atLineStart = true;
      i = nl + 1;
    }
    return -1;
  }

  /** At the end of the file: a last header line without a newline. */
  finish(): void {
    if (this.partial.length > 0) this.push();
  }

  private push(): void {
    const line = this.decoder.decode(Buffer.concat(this.partial));
    this.lines.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    this.partial = [];
  }
}
