// scanVcfFile(): reads one .vcf.gz the way the server's validation does, never throwing for bad
// input. The header is read here (a few blocks); the body is cut into byte ranges on BGZF block
// boundaries and inflated/parsed in parallel by the worker pool, then merged in file order.
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parseBlockHeader, isGzipMagic, BGZF_EOF } from './bgzf';
import { HeaderLines } from './bgzf-ranges';
import { RecordAccumulator, mergeAcc, newAccState, type AccState } from './records';
import { scanRange, ScanCancelled, type RangeResult, type RangeTask, type RangeError } from './range-scan';
import { scanStream, sampleIdsOf } from './stream-scan';
import { sharedPool } from './worker-pool';
import { abortError, defaultWorkerCount } from '../workers/task-pool';
import { DEFAULT_CHUNK_SIZES } from './limits';
import { escapeHtml } from './html';
import * as M from './messages';
import type { ChunkStat, DetectedFormat, FileProblem, ScanOptions, VcfFileSummary } from './types';
import type { FileHandle } from 'node:fs/promises';

const INLINE_LIMIT = 8 << 20;
const MIN_RANGE = 1 << 20;

export function emptySummary(path: string): VcfFileSummary {
  return {
    path,
    name: basename(path),
    fatal: null,
    samples: 0,
    sampleIds: [],
    chromosomes: [],
    variants: 0,
    phased: false,
    firstPosition: null,
    lastPosition: null,
    suggestedBuild: null,
    chunks: [],
    bytes: 0,
  };
}

interface HeaderInfo {
  lines: string[];
  /** block offset where records start (file size when there are none) and bytes to skip in it */
  recordsBlock: number;
  recordsSkip: number;
  bytesRead: number;
  uncompressed: number;
  error: RangeError | null;
  bcf: boolean;
}

async function readHeader(fh: FileHandle, size: number, signal?: AbortSignal): Promise<HeaderInfo> {
  const lines = new HeaderLines();
  const info: HeaderInfo = { lines: lines.lines, recordsBlock: size, recordsSkip: 0, bytesRead: 0, uncompressed: 0, error: null, bcf: false };
  let off = 0;
  const head = Buffer.allocUnsafe(18);
  while (off < size) {
    if (signal?.aborted) throw abortError();
    const { bytesRead } = await fh.read(head, 0, 18, off);
    const h = parseBlockHeader(head.subarray(0, bytesRead), 0);
    if (h === 'short') {
      info.error = { kind: 'truncated', offset: off, expected: 18, got: bytesRead };
      return info;
    }
    if (h === null) {
      info.error = { kind: 'bad-header', offset: off };
      return info;
    }
    const block = Buffer.allocUnsafe(h.blockSize);
    const r = await fh.read(block, 0, h.blockSize, off);
    if (r.bytesRead < h.blockSize) {
      info.error = { kind: 'truncated', offset: off, expected: h.blockSize, got: r.bytesRead };
      return info;
    }
    let out: Buffer;
    try {
      out = inflateRawSync(block.subarray(h.dataOffset, h.blockSize - 8));
    } catch (err) {
      info.error = { kind: 'inflate', offset: off, detail: (err as Error).message };
      return info;
    }
    info.uncompressed += out.length;
    if (off === 0 && out.length >= 4 && out[0] === 66 && out[1] === 67 && out[2] === 70 && out[3] === 2) {
      info.bcf = true;
      return info;
    }
    const recordsAt = lines.feed(out);
    if (recordsAt >= 0) {
      info.recordsBlock = off;
      info.recordsSkip = recordsAt;
      info.bytesRead = off;
      return info;
    }
    off += h.blockSize;
    info.bytesRead = off;
  }
  lines.finish();
  info.recordsBlock = size;
  return info;
}

function detectFormat(first: Buffer): DetectedFormat {
  if (first.length === 0) return 'empty';
  if (isGzipMagic(first)) {
    const h = parseBlockHeader(first, 0);
    return h && h !== 'short' ? 'bgzf' : 'gzip';
  }
  if (first[0] === 66 && first[1] === 67 && first[2] === 70) return 'bcf'; // uncompressed BCF
  const sample = first.subarray(0, Math.min(first.length, 4096));
  let binary = 0;
  for (const c of sample) if (c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) binary++;
  return binary > 0 ? 'binary' : 'text';
}

function rangeErrorText(err: RangeError, name: string): string {
  // htslib counts the bytes after the 18-byte block header
  if (err.kind === 'truncated') return M.tabixTruncated(err.offset, Math.max(0, (err.expected ?? 18) - 18), Math.max(0, (err.got ?? 0) - 18), name);
  if (err.kind === 'bad-header') return M.tabixBadBlock(err.offset, name);
  return M.tabixInflate(err.offset, err.detail ?? 'invalid data', name);
}

async function runRanges(
  path: string,
  header: HeaderInfo,
  size: number,
  nSamples: number,
  chunkSizes: number[],
  workers: number,
  options: ScanOptions,
  progress: (n: number) => void,
): Promise<RangeResult[]> {
  const start = header.recordsBlock;
  const body = size - start;
  const base: Omit<RangeTask, 'start' | 'end' | 'first' | 'skip'> = { path, nSamples, chunkSizes };
  const whole: RangeTask = { ...base, start, end: size, first: true, skip: header.recordsSkip };
  if (workers <= 0) {
    try {
      return [scanRange(whole, progress, () => options.signal?.aborted === true)];
    } catch (err) {
      if (err instanceof ScanCancelled) throw abortError();
      throw err;
    }
  }
  const pool = sharedPool();
  const n = Math.max(1, Math.min(workers, Math.floor(body / (options.minRangeBytes ?? MIN_RANGE))));
  const tasks: RangeTask[] = [];
  for (let i = 0; i < n; i++) {
    const s = i === 0 ? start : start + Math.floor((body * i) / n);
    const e = i === n - 1 ? size : start + Math.floor((body * (i + 1)) / n);
    tasks.push({ ...base, start: s, end: e, first: i === 0, skip: i === 0 ? header.recordsSkip : 0 });
  }
  const results = await Promise.all(tasks.map((t) => pool.run(t, progress, options.signal)));
  // block boundaries found independently must line up; otherwise read the body in one piece
  for (let i = 0; i + 1 < results.length; i++) {
    if (results[i].error) break;
    if (results[i].stopOffset !== results[i + 1].startOffset) return [await pool.run(whole, () => {}, options.signal)];
  }
  return results;
}

/** Merges range results in file order, stitching the line cut at each range boundary. */
function mergeResults(
  results: RangeResult[],
  nSamples: number,
  chunkSizes: number[],
): { acc: AccState; error: RangeError | null; eof: boolean; uncompressed: number } {
  const acc = newAccState();
  for (const size of chunkSizes) acc.chunks[String(size)] = {};
  let frag: Uint8Array[] = [];
  let error: RangeError | null = null;
  let uncompressed = 0;
  const lineOf = (parts: Uint8Array[]): void => {
    const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    const one = new RecordAccumulator(nSamples, chunkSizes);
    one.line(buf, 0, buf.length);
    mergeAcc(acc, one.state);
  };
  results.forEach((r, i) => {
    if (error) return;
    uncompressed += r.uncompressedBytes;
    if (i > 0) {
      frag.push(r.head);
      if (!r.hasNewline) {
        if (r.error) error = r.error;
        return;
      } // the line goes on into the next range
      lineOf(frag);
      frag = [];
    }
    mergeAcc(acc, r.acc);
    frag.push(r.tail);
    if (r.error) error = r.error;
  });
  if (!error && frag.some((f) => f.length > 0)) lineOf(frag);
  const last = results[results.length - 1];
  return { acc, error, eof: !!last?.eofBlock, uncompressed };
}

function chunkStats(acc: AccState, size: number, chromosome: string, callRate: number): ChunkStat[] {
  const table = acc.chunks[String(size)] ?? {};
  return Object.keys(table)
    .map(Number)
    .sort((a, b) => a - b)
    .map((idx) => {
      const c = table[String(idx)];
      let low = 0;
      if (c.snps > 0) for (let i = 0; i < c.missing.length; i++) if ((c.snps - c.missing[i]) / c.snps < callRate) low++;
      const start = idx * size + 1;
      return { chromosome, start, end: start + size - 1, snps: c.snps, lowCallRateSamples: low, records: c.records };
    });
}

/** Body of a file that is not BGZF, read in one pass (in a worker when large). */
async function runStream(
  path: string,
  format: 'gzip' | 'text',
  size: number,
  chunkSizes: number[],
  options: ScanOptions,
  progress: (n: number) => void,
): Promise<RangeResult> {
  const workers = options.workers ?? (size < INLINE_LIMIT ? 0 : 1);
  if (workers <= 0) {
    try {
      return await scanStream({ path, format, chunkSizes }, progress, () => options.signal?.aborted === true);
    } catch (err) {
      if (err instanceof ScanCancelled) throw abortError();
      throw err;
    }
  }
  const task: RangeTask = { path, start: 0, end: size, first: true, skip: 0, nSamples: 0, chunkSizes, stream: format };
  return sharedPool().run(task, progress, options.signal);
}

/**
 * Streams one .vcf.gz (BGZF), parallel across worker threads; never throws for bad input. Every
 * problem the server would stop at goes into `problems` in the server's order (the first is also
 * `fatal`); the scan reads on past a problem wherever the data can still be read, so a plain-gzip
 * file still tells its chromosome, samples and phasing.
 */
export async function scanVcfFile(path: string, options: ScanOptions = {}): Promise<VcfFileSummary> {
  const summary = emptySummary(path);
  const name = summary.name;
  const chunkSizes = options.chunkSizes?.length ? [...options.chunkSizes] : DEFAULT_CHUNK_SIZES;
  if (options.signal?.aborted) throw abortError();
  const problems: FileProblem[] = [];
  const finish = (): VcfFileSummary => {
    summary.problems = problems;
    const first = problems[0];
    if (first) {
      summary.fatal = first.message;
      summary.fatalStage = first.stage;
      summary.fatalRule = first.rule;
    }
    return summary;
  };
  const unreadable = (err: unknown): VcfFileSummary => {
    summary.format = 'missing';
    problems.push({ rule: 'unreadable', stage: 'index', message: `Could not read ${name}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return finish();
  };
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch (err) {
    return unreadable(err);
  }
  summary.bytes = size;
  let done = 0;
  const progress = (n: number): void => {
    done = Math.min(size, done + n);
    options.onProgress?.(done, size);
  };
  const indexProblem = (rule: string, tabixOutput: string, detail?: FileProblem['detail']): void => {
    problems.push({ rule, stage: 'index', message: M.malformed(tabixOutput), ...(detail ? { detail } : {}) });
  };
  const validateProblem = (rule: string, message: string, detail?: FileProblem['detail']): void => {
    problems.push({ rule, stage: 'validate', message: escapeHtml(message), ...(detail ? { detail } : {}) });
  };

  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    return unreadable(err);
  }
  let header: HeaderInfo | null = null;
  try {
    const first = Buffer.alloc(Math.min(size, 65536));
    if (first.length > 0) await fh.read(first, 0, first.length, 0);
    summary.format = detectFormat(first);
    if (size >= 28) {
      const tail = Buffer.alloc(28);
      await fh.read(tail, 0, 28, size - 28);
      summary.eofBlock = tail.equals(BGZF_EOF);
    } else summary.eofBlock = false;
    if (summary.format === 'bgzf') header = await readHeader(fh, size, options.signal);
  } finally {
    await fh.close();
  }
  const format = summary.format;
  // tabix: plain text, plain gzip, empty or binary files all fail the same way
  if (format !== 'bgzf') indexProblem('not-bgzf', M.tabixNotBgzf(name));
  if (format !== 'bgzf' && format !== 'gzip' && format !== 'text') {
    options.onProgress?.(size, size);
    return finish(); // nothing more can be read
  }
  if (header?.bcf) {
    // tabix only logs the unparsable lines; the validator's VCF reader then finds no VCF header
    summary.format = 'bcf';
    options.onProgress?.(size, size);
    validateProblem('bcf', M.headerError(M.NO_VERSION_LINE, name));
    return finish();
  }

  // ---- header and body
  let headerLines: string[];
  let merged: ReturnType<typeof mergeResults>;
  if (header === null) {
    const result = await runStream(path, format === 'gzip' ? 'gzip' : 'text', size, chunkSizes, options, progress);
    headerLines = result.headerLines ?? [];
    merged = { acc: result.acc, error: result.error, eof: false, uncompressed: result.uncompressedBytes };
  } else {
    progress(header.bytesRead);
    headerLines = header.lines;
    const nSamples = sampleIdsOf(headerLines.find((l) => l.startsWith('#CHROM'))).length;
    if (header.error) {
      merged = { acc: newAccState(), error: header.error, eof: false, uncompressed: header.uncompressed };
    } else if (header.recordsBlock >= size) {
      merged = { acc: newAccState(), error: null, eof: summary.eofBlock ?? false, uncompressed: header.uncompressed };
    } else {
      const body = size - header.recordsBlock;
      const workers = options.workers ?? (body < INLINE_LIMIT ? 0 : defaultWorkerCount());
      const results = await runRanges(path, header, size, nSamples, chunkSizes, workers, options, progress);
      merged = mergeResults(results, nSamples, chunkSizes);
      merged.uncompressed += header.uncompressed;
    }
  }
  options.onProgress?.(size, size);
  const acc = merged.acc;

  summary.fileformat = headerLines[0]?.startsWith('##fileformat=') ? headerLines[0].slice('##fileformat='.length) : null;
  const chromLine = headerLines.find((l) => l.startsWith('#CHROM'));
  summary.sampleLine = chromLine !== undefined;
  summary.sampleIds = sampleIdsOf(chromLine);
  summary.samples = summary.sampleIds.length;
  summary.contigs = headerLines.flatMap((l) => {
    const m = /^##contig=<ID=([^,>]*)/.exec(l);
    return m ? [m[1]] : [];
  });
  summary.uncompressedBytes = merged.uncompressed;
  summary.crlf = acc.crlf;
  summary.missingGT = acc.noGT !== null;
  summary.variants = acc.lines;
  summary.rawChromosomes = acc.runs.map((r) => r.chrom);
  summary.chromosomes = [...new Set(summary.rawChromosomes.map((c) => c.replaceAll('chr', '')))];
  summary.firstPosition = acc.firstChrom !== null ? acc.firstPos : null;
  summary.lastPosition = acc.firstChrom !== null ? acc.lastPos : null;
  summary.suggestedBuild = acc.firstChrom === null ? null : acc.hasChrPrefix ? 'hg38' : 'hg19';
  const stripped = acc.firstStripped ?? '';
  summary.phased = acc.firstSlash < 0 || stripped === 'MT';
  const callRate = 0.5;
  summary.chunkSets = Object.fromEntries(chunkSizes.map((s) => [String(s), chunkStats(acc, s, acc.firstChrom ?? '', callRate)]));
  summary.chunks = summary.chunkSets[String(chunkSizes.includes(20_000_000) ? 20_000_000 : chunkSizes[0])];

  // ---- index stage (tabix runs first on every file and stops at its first problem, in file order)
  const tabixEvents: { line: number; text: string; rule: string }[] = [];
  if (acc.unsorted) {
    const tid = acc.runs.findIndex((r) => r.chrom === acc.unsorted!.chrom) + 1;
    tabixEvents.push({ line: acc.unsorted.line, rule: 'unsorted', text: M.tabixUnsorted(tid, acc.unsorted.last, acc.unsorted.pos, name) });
  }
  if (acc.reappear) tabixEvents.push({ line: acc.reappear.line, rule: 'chromosome-blocks', text: M.tabixNotContinuous(name) });
  tabixEvents.sort((a, b) => a.line - b.line);
  for (const event of tabixEvents) indexProblem(event.rule, event.text);
  if (merged.error) {
    const rule = merged.error.kind === 'truncated' ? 'truncated' : 'corrupt';
    // tabix never gets this far into a plain-gzip file, so the server would not word it
    if (format === 'bgzf') indexProblem(rule, rangeErrorText(merged.error, name));
    else problems.push({ rule, stage: 'index', message: '', detail: { offset: merged.error.offset } });
  }

  // ---- validation stage (imputationserver-utils VcfFileUtil.load): header, samples, records
  // (a file that breaks off before its header ends says nothing about the header)
  const headerCut = merged.error !== null && acc.lines === 0;
  if (headerCut) {
    /* nothing to judge */
  } else if (summary.fileformat === null) validateProblem('vcf-header', M.headerError(M.NO_VERSION_LINE, name), { missing: 'fileformat' });
  else if (!chromLine) validateProblem('vcf-header', M.headerError(M.NO_CHROM_LINE, name), { missing: 'chrom' });
  const tiles = chromLine ? chromLine.split('\t') : [];
  const seen = new Set<string>();
  for (const t of tiles) {
    if (seen.has(t)) {
      validateProblem('duplicate-sample', M.duplicateSample(t));
      break;
    }
    seen.add(t);
  }
  const recordEvents: { line: number; prio: number; rule: string; text: string }[] = [];
  if (acc.notTab) recordEvents.push({ line: acc.notTab.line, prio: 0, rule: 'not-tab-delimited', text: M.NOT_TAB_DELIMITED });
  if (acc.badPos) recordEvents.push({ line: acc.badPos.line, prio: 1, rule: 'bad-position', text: M.numberFormat(acc.badPos.text) });
  // the server reads column 10 only while no '/' has been seen (its phasing check)
  const shortBeforeSlash = acc.firstShort && (acc.firstSlash < 0 || acc.firstShort.line < acc.firstSlash);
  if (acc.firstShort && shortBeforeSlash)
    recordEvents.push({ line: acc.firstShort.line, prio: 2, rule: 'too-few-columns', text: M.indexOutOfBounds(9, acc.firstShort.fields) });
  if (acc.chromDiff) recordEvents.push({ line: acc.chromDiff.line, prio: 3, rule: 'multiple-chromosomes', text: M.MORE_THAN_ONE_CHROMOSOME });
  if (acc.firstVeryShort && !(shortBeforeSlash && acc.firstShort!.line <= acc.firstVeryShort.line)) {
    recordEvents.push({
      line: acc.firstVeryShort.line,
      prio: 4,
      rule: 'too-few-columns',
      text: M.indexOutOfBounds(acc.firstVeryShort.fields, acc.firstVeryShort.fields),
    });
  }
  if (acc.refAlt)
    recordEvents.push({ line: acc.refAlt.line, prio: 5, rule: 'ref-equals-alt', text: M.refEqualsAlt(acc.refAlt.id, acc.refAlt.ref, acc.refAlt.alt) });
  recordEvents.sort((a, b) => a.line - b.line || a.prio - b.prio);
  const rulesSeen = new Set<string>();
  for (const event of recordEvents) {
    if (rulesSeen.has(event.rule)) continue; // the first of each kind is enough
    rulesSeen.add(event.rule);
    validateProblem(event.rule, event.text);
  }
  if (acc.lines === 0 && !headerCut) validateProblem('header-only', M.HEADER_ONLY);
  return finish();
}
