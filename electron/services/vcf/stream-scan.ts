// Reads a file the server's tabix refuses (plain gzip, or uncompressed text named .vcf.gz) from
// start to end, so the pre-flight check can still report everything else the server would find
// once the file is bgzipped: samples, chromosomes, sorting, phasing. One sequential pass (plain
// gzip cannot be cut into independent ranges); runs in a scan worker for large files.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { RecordAccumulator, newAccState } from './records';
import { ScanCancelled, type RangeResult } from './range-scan';

export interface StreamTask {
  path: string;
  format: 'gzip' | 'text';
  chunkSizes: number[];
}

const decoder = new TextDecoder('utf-8');

/** Sample IDs of a #CHROM line as the server reads them (Java's split drops trailing empties). */
export function sampleIdsOf(chromLine: string | undefined): string[] {
  const tiles = chromLine ? chromLine.split('\t') : [];
  while (tiles.length > 0 && tiles[tiles.length - 1] === '') tiles.pop();
  return tiles.length > 9 ? tiles.slice(9) : [];
}

export async function scanStream(
  task: StreamTask,
  onProgress: (compressedBytes: number) => void = () => {},
  isCancelled: () => boolean = () => false,
): Promise<RangeResult> {
  const file = createReadStream(task.path, { highWaterMark: 1 << 20 });
  let compressed = 0;
  const counted = (n: number): void => {
    compressed += n;
    onProgress(n);
  };
  let source: AsyncIterable<Buffer> = file;
  if (task.format === 'gzip') {
    // pipe() reads in flowing mode, so counting 'data' here sees every byte once
    file.on('data', (chunk) => counted(chunk.length));
    const gunzip = createGunzip();
    file.on('error', (err) => gunzip.destroy(err));
    source = file.pipe(gunzip);
  }

  const headerLines: string[] = [];
  let acc: RecordAccumulator | null = null;
  let carry: Buffer = Buffer.alloc(0);
  let uncompressed = 0;
  let error: RangeResult['error'] = null;

  const line = (buf: Buffer, s: number, e: number): void => {
    if (acc === null) {
      if (e > s && buf[s] === 35) {
        let text = decoder.decode(buf.subarray(s, e));
        if (text.endsWith('\r')) text = text.slice(0, -1);
        headerLines.push(text);
        return;
      }
      const chromLine = headerLines.find((l) => l.startsWith('#CHROM'));
      acc = new RecordAccumulator(sampleIdsOf(chromLine).length, task.chunkSizes);
    }
    acc.line(buf, s, e);
  };

  try {
    for await (const chunk of source) {
      if (isCancelled()) throw new ScanCancelled();
      if (task.format === 'text') counted(chunk.length);
      uncompressed += chunk.length;
      const buf = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      let s = 0;
      for (;;) {
        const nl = buf.indexOf(10, s);
        if (nl < 0) break;
        line(buf, s, nl);
        s = nl + 1;
      }
      carry = s < buf.length ? Buffer.from(buf.subarray(s)) : Buffer.alloc(0);
    }
  } catch (err) {
    if (err instanceof ScanCancelled) {
      file.destroy();
      throw err;
    }
    // a broken or cut-short gzip stream: what was read so far still counts
    error = { kind: 'inflate', offset: compressed, detail: (err as Error).message };
  } finally {
    file.destroy();
  }
  if (carry.length > 0) line(carry, 0, carry.length);
  return {
    startOffset: 0,
    stopOffset: compressed,
    head: new Uint8Array(0),
    tail: new Uint8Array(0),
    acc: (acc as RecordAccumulator | null)?.state ?? newAccState(),
    error,
    eofBlock: false,
    hasNewline: true,
    uncompressedBytes: uncompressed,
    headerLines,
  };
}
