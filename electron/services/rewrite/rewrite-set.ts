// Rewrites a set of files into one folder, under their own names, with one change log: refuses
// before the first byte when the disk is too small for the estimate, reports progress with a rate
// and the time left, stops on cancel, and leaves nothing half-written behind after a failure.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../ipc/contract';
import { formatBytes } from '../../shared/format-bytes';
import { statfsFreeBytes, type FreeSpaceProbe } from '../downloads/disk-space';
import { etaSeconds, RateMeter } from '../downloads/rate-meter';
import { RewritePool } from './pool';
import { RewriteInputError, rewriteFile } from './rewrite-file';
import { NOT_BGZF } from './sample-estimate';
import { CHANGE_LOG_COLUMNS, type RewriteStats, type TransformSpec } from './types';

export interface RewriteSource {
  path: string;
  /** The output's file name (the user's own name, kept). */
  name: string;
  size: number;
}

export interface RewriteProgress {
  /** The file being written (0-based) and its name. */
  fileIndex: number;
  fileName: string;
  /** Compressed input bytes done, over all files. */
  bytesDone: number;
  bytesTotal: number;
  /** Smoothed input bytes per second. */
  rate: number;
  etaSeconds: number | null;
}

export interface RewriteSetOptions {
  sources: RewriteSource[];
  folder: string;
  spec: TransformSpec;
  /** Name of the change log in the folder (tab-separated), or null for none. */
  changeLog: string | null;
  /** Expected output bytes (estimateOutput); the disk must hold this plus a margin. */
  expectedBytes: number;
  signal?: AbortSignal;
  onProgress?: (progress: RewriteProgress) => void;
  /** Shortest time between two progress reports. */
  progressIntervalMs?: number;
  workers?: number;
  level?: number;
  /** Compressed bytes per batch (rewrite-file.ts). */
  batchBytes?: number;
  freeSpace?: FreeSpaceProbe;
  now?: () => number;
}

export interface RewrittenFile {
  name: string;
  path: string;
  size: number;
  stats: RewriteStats;
}

export interface RewriteSetResult {
  files: RewrittenFile[];
  changeLog: string | null;
  /** Counts summed over the files. */
  counts: Record<string, number>;
  marks: string[];
}

/** The disk must keep this much free besides the copies (a full disk breaks everything else). */
const SPARE_BYTES = 64 * 1024 * 1024;

/** Throws a disk-full AppError when `folder`'s file system cannot take `bytes` more (with a margin). */
export async function assertRoomFor(folder: string, bytes: number, probe: FreeSpaceProbe = statfsFreeBytes): Promise<void> {
  const needed = Math.ceil(bytes * 1.1) + SPARE_BYTES;
  const free = await probe(folder);
  if (free < needed) {
    throw new AppError(
      'disk-full',
      `Not enough free space for the copies in ${folder}: they need about ${formatBytes(needed)}, and ${formatBytes(free)} is free. Free some space or choose another results folder; nothing was written.`,
    );
  }
}

export async function rewriteSet(options: RewriteSetOptions): Promise<RewriteSetResult> {
  const now = options.now ?? Date.now;
  await assertRoomFor(options.folder, options.expectedBytes, options.freeSpace);
  const createdFolder = !(await exists(options.folder));
  await fs.mkdir(options.folder, { recursive: true });
  const written: string[] = [];
  const logPath = options.changeLog ? path.join(options.folder, options.changeLog) : null;
  let log: fs.FileHandle | null = null;
  const pool = new RewritePool(options.workers);
  const bytesTotal = options.sources.reduce((sum, source) => sum + source.size, 0);
  const meter = new RateMeter();
  let lastReport = Number.NEGATIVE_INFINITY;
  const report = (fileIndex: number, bytesDone: number, force = false): void => {
    const at = now();
    const rate = meter.sample(bytesDone, at);
    if (!force && at - lastReport < (options.progressIntervalMs ?? 250)) return;
    lastReport = at;
    options.onProgress?.({
      fileIndex,
      fileName: options.sources[fileIndex]?.name ?? '',
      bytesDone,
      bytesTotal,
      rate,
      etaSeconds: etaSeconds(bytesTotal - bytesDone, rate),
    });
  };
  try {
    if (logPath) {
      log = await fs.open(`${logPath}.part`, 'w');
      await log.write(`FILE\t${CHANGE_LOG_COLUMNS.join('\t')}\n`);
    }
    const files: RewrittenFile[] = [];
    const counts: Record<string, number> = {};
    const marks: string[] = [];
    let before = 0;
    for (const [index, source] of options.sources.entries()) {
      const output = path.join(options.folder, source.name);
      if (path.resolve(output) === path.resolve(source.path))
        throw new AppError('bad-request', `${source.name} would overwrite itself: choose another folder for the copies.`);
      report(index, before, true);
      written.push(output);
      const handle = log;
      const stats = await rewriteFile({
        input: source.path,
        output,
        fileName: source.name,
        spec: options.spec,
        pool,
        level: options.level,
        batchBytes: options.batchBytes,
        signal: options.signal,
        onProgress: (done) => report(index, before + done),
        onLog: handle ? async (rows) => void (await handle.write(rows)) : undefined,
      });
      before += source.size;
      files.push({ name: source.name, path: output, size: (await fs.stat(output)).size, stats });
      for (const [name, n] of Object.entries(stats.counts)) counts[name] = (counts[name] ?? 0) + n;
      marks.push(...stats.marks);
    }
    report(options.sources.length - 1, bytesTotal, true);
    if (log && logPath) {
      await log.close();
      log = null;
      await fs.rename(`${logPath}.part`, logPath);
    }
    return { files, changeLog: logPath, counts, marks };
  } catch (error) {
    // nothing half-done stays: the copies of this run, the log, and the folder if it was ours
    if (log) await log.close().catch(() => undefined);
    for (const file of written) await fs.rm(file, { force: true });
    if (logPath) {
      await fs.rm(`${logPath}.part`, { force: true });
      await fs.rm(logPath, { force: true });
    }
    if (createdFolder) await fs.rmdir(options.folder).catch(() => undefined);
    throw error;
  } finally {
    await pool.close();
  }
}

/** Expected output bytes of rewriting `sources` with `spec` (a few samples of each file, on a worker). */
export async function estimateOutput(
  sources: RewriteSource[],
  spec: TransformSpec,
  options: { level?: number; windowBytes?: number; windows?: number } = {},
): Promise<{ inputBytes: number; outputBytes: number }> {
  const pool = new RewritePool(1);
  try {
    let inputBytes = 0;
    let outputBytes = 0;
    for (const source of sources) {
      const result = await pool
        .estimate({ path: source.path, spec, windowBytes: options.windowBytes ?? 512 * 1024, windows: options.windows ?? 4, level: options.level ?? 5 })
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          throw new RewriteInputError(
            message === NOT_BGZF ? `${source.name} is not compressed with bgzip (BGZF), so no copy can be made of it.` : `${source.name}: ${message}`,
          );
        });
      inputBytes += result.inputBytes;
      outputBytes += result.estimatedBytes;
    }
    return { inputBytes, outputBytes };
  } finally {
    await pool.close();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then(
    () => true,
    () => false,
  );
}
