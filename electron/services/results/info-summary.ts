// The quality counts of one chrN.info.gz: the file is cut into byte ranges, each read by a worker
// (inflate + INFO fields), and the counts merged in file order with the line cut at each range
// boundary joined here. Header lines are skipped by their '#'.
import { stat } from 'node:fs/promises';
import type { ChromosomeQuality } from '../../ipc/contract';
import type { RangeSpec } from './bgzf-lines';
import { finishAcc, mergeAcc, newAcc } from './quality-accumulator';
import { countLine, type SummaryRangeResult } from './summary-range';
import type { ResultsWorkerPool } from './worker-pool';

/** Below this, one worker reads the whole file: starting a range costs more than it saves. */
const MIN_RANGE_BYTES = 4 << 20;

export interface InfoSummaryOptions {
  signal?: AbortSignal;
  /** Compressed bytes read since the last call. */
  onProgress?: (bytes: number) => void;
  /** For tests: cut even small files into ranges of this size. */
  minRangeBytes?: number;
}

export interface InfoSummary {
  quality: ChromosomeQuality;
  /** Why the file could not be read whole (what could be read is counted), or null. */
  problem: string | null;
}

async function readRanges(pool: ResultsWorkerPool, path: string, size: number, options: InfoSummaryOptions): Promise<SummaryRangeResult[]> {
  const n = Math.max(1, Math.min(pool.size, Math.floor(size / (options.minRangeBytes ?? MIN_RANGE_BYTES))));
  const progress = options.onProgress ?? (() => undefined);
  const run = (range: RangeSpec) =>
    pool.run({ kind: 'summary-range', range }, progress, options.signal).then((answer) => (answer as { result: SummaryRangeResult }).result);
  const specs: RangeSpec[] = [];
  for (let i = 0; i < n; i++) {
    specs.push({ path, start: Math.floor((size * i) / n), end: i === n - 1 ? size : Math.floor((size * (i + 1)) / n), first: i === 0, skip: 0 });
  }
  const results = (await Promise.all(specs.map(run))).filter((result) => result.lines.startOffset >= 0);
  // Block starts found independently must chain; if one was a false match, read the file whole.
  for (let i = 0; i + 1 < results.length; i++) {
    if (results[i].lines.error) break;
    if (results[i].lines.stopOffset !== results[i + 1].lines.startOffset) return [await run({ path, start: 0, end: size, first: true, skip: 0 })];
  }
  return results;
}

export async function summarizeInfoFile(pool: ResultsWorkerPool, path: string, chromosome: string, options: InfoSummaryOptions = {}): Promise<InfoSummary> {
  const size = (await stat(path)).size;
  const results = await readRanges(pool, path, size, options);
  const acc = newAcc();
  let frag: Uint8Array[] = [];
  let problem: string | null = null;
  const lineOf = (parts: Uint8Array[]): void => {
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 13) end--;
    countLine(acc, buf, 0, end);
  };
  for (let i = 0; i < results.length && problem === null; i++) {
    const { lines, acc: part } = results[i];
    if (i > 0) {
      frag.push(lines.head);
      if (!lines.hasNewline) {
        problem = lines.error;
        continue; // the line goes on into the next range
      }
      lineOf(frag);
      frag = [];
    }
    mergeAcc(acc, part);
    frag.push(lines.tail);
    problem = lines.error;
  }
  if (problem === null && frag.some((part) => part.length > 0)) lineOf(frag);
  const last = results[results.length - 1];
  if (problem === null && size > 0 && !last?.lines.eofBlock) problem = 'the file has no BGZF end-of-file block, so it may be cut short';
  return { quality: finishAcc(acc, chromosome), problem };
}
