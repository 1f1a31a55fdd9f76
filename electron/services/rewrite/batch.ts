// One batch of the rewrite, as a worker runs it: inflate whole BGZF blocks, cut the text into
// lines, transform each complete line, compress the output into BGZF blocks. A batch starts and
// ends mid-line in general: the bytes before its first newline (head) and after its last (tail)
// go back to the coordinator, which joins tail and head of neighbouring batches into one line and
// sends it as a 'lines' task.
import { inflateRawSync } from 'node:zlib';
import { crc32 } from '../vcf/bgzf-write';
import { blockInputSize, parseBlockHeader } from '../vcf/bgzf';
import { BgzfSink } from './bgzf-sink';
import type { RecordTransform, TransformReport } from './types';

export interface BatchTask {
  seq: number;
  /** 'blocks': whole BGZF blocks; 'lines': text whose last line may lack its newline. */
  kind: 'blocks' | 'lines';
  data: Uint8Array;
  /** The data starts at the start of a line (the file's first batch, or 'lines'). */
  atLineStart: boolean;
  /** zlib level of the output blocks. */
  level: number;
}

export interface BatchResult {
  seq: number;
  head: Uint8Array;
  tail: Uint8Array;
  /** False when the batch held no newline: all of its text is in `head`. */
  hasNewline: boolean;
  out: Uint8Array;
  linesIn: number;
  headerLines: number;
  textIn: number;
  textOut: number;
  /** Input blocks with no data (the EOF marker among them). */
  emptyBlocks: number;
  counts: Record<string, number>;
  marks: string[];
  /** Change-log rows, tab-separated, each ending in a newline (FILE column first). */
  log: string;
}

/** The input is not the BGZF it claims to be; `offset` is relative to the batch. */
export class BatchError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'BatchError';
  }
}

const NEWLINE = 10;
const HASH = 35;

export function processBatch(task: BatchTask, transform: RecordTransform, fileName: string): BatchResult {
  const sink = new BgzfSink(task.level);
  const counts: Record<string, number> = {};
  const marks: string[] = [];
  const logRows: string[] = [];
  const report: TransformReport = {
    count: (name, by = 1) => void (counts[name] = (counts[name] ?? 0) + by),
    mark: (key) => void marks.push(key),
    log: (fields) => void logRows.push(`${fileName}\t${fields.join('\t')}\n`),
  };
  const result: BatchResult = {
    seq: task.seq,
    head: new Uint8Array(0),
    tail: new Uint8Array(0),
    hasNewline: task.atLineStart,
    out: new Uint8Array(0),
    linesIn: 0,
    headerLines: 0,
    textIn: 0,
    textOut: 0,
    emptyBlocks: 0,
    counts,
    marks,
    log: '',
  };

  const line = (buf: Uint8Array, start: number, end: number): void => {
    if (end > start && buf[end - 1] === 13) end--; // CRLF: the CR is not part of the last column
    if (end === start) return;
    if (buf[start] === HASH) {
      result.headerLines++;
      const text = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8');
      const kept = transform.header(text, report);
      if (kept !== null) sink.text(`${kept}\n`);
      return;
    }
    result.linesIn++;
    transform.record(buf, start, end, sink, report);
  };

  const headParts: Uint8Array[] = [];
  let carry: Uint8Array[] = [];
  let seenNewline = task.atLineStart;
  const feed = (text: Uint8Array): void => {
    result.textIn += text.length;
    let s = 0;
    if (!seenNewline) {
      const nl = text.indexOf(NEWLINE);
      if (nl < 0) {
        headParts.push(text);
        return;
      }
      headParts.push(text.subarray(0, nl));
      seenNewline = true;
      s = nl + 1;
    } else if (carry.length > 0) {
      const nl = text.indexOf(NEWLINE);
      if (nl < 0) {
        carry.push(text);
        return;
      }
      carry.push(text.subarray(0, nl));
      const joined = Buffer.concat(carry);
      carry = [];
      line(joined, 0, joined.length);
      s = nl + 1;
    }
    for (;;) {
      const nl = text.indexOf(NEWLINE, s);
      if (nl < 0) break;
      line(text, s, nl);
      s = nl + 1;
    }
    if (s < text.length) carry.push(text.subarray(s));
  };

  if (task.kind === 'lines') {
    feed(task.data);
    if (carry.length > 0) {
      const joined = Buffer.concat(carry);
      carry = [];
      line(joined, 0, joined.length);
    }
  } else {
    const data = task.data;
    let pos = 0;
    while (pos < data.length) {
      const header = parseBlockHeader(data, pos);
      if (header === null || header === 'short') throw new BatchError('not a BGZF block', pos);
      if (pos + header.blockSize > data.length) throw new BatchError('a BGZF block is cut short', pos);
      const size = blockInputSize(data, pos, header.blockSize);
      let text: Buffer;
      try {
        text = inflateRawSync(data.subarray(pos + header.dataOffset, pos + header.blockSize - 8));
      } catch (error) {
        throw new BatchError(`a BGZF block does not inflate (${(error as Error).message})`, pos);
      }
      const crc =
        (data[pos + header.blockSize - 8] | (data[pos + header.blockSize - 7] << 8) | (data[pos + header.blockSize - 6] << 16)) +
        data[pos + header.blockSize - 5] * 0x1000000;
      if (text.length !== size || crc32(text) !== crc) throw new BatchError('a BGZF block fails its checksum', pos);
      if (text.length === 0) result.emptyBlocks++;
      else feed(text);
      pos += header.blockSize;
    }
  }

  result.hasNewline = seenNewline;
  result.head = headParts.length === 1 ? headParts[0] : Buffer.concat(headParts);
  result.tail = carry.length === 0 ? new Uint8Array(0) : carry.length === 1 ? carry[0] : Buffer.concat(carry);
  result.out = sink.finish();
  result.textOut = sink.textBytes;
  result.log = logRows.join('');
  return result;
}
