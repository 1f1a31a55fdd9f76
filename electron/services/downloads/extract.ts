// Opens the password-protected `chr_N.zip` results (ZipCrypto, or AES-256 when the job asked for
// it; docs/server-behaviour.md#output-files) into the job's folder, entry by entry, streaming from disk to disk.
import { randomBytes } from 'node:crypto';
import { openAsBlob, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  BlobReader,
  ERR_ABORTED,
  ERR_ENCRYPTED,
  ERR_INVALID_COMPRESSED_DATA,
  ERR_INVALID_CRC32,
  ERR_INVALID_PASSWORD,
  ERR_INVALID_UNCOMPRESSED_SIZE,
  ERR_UNSAFE_FILENAME,
  ZipReader,
  type Entry,
  type FileEntry,
} from '@zip.js/zip.js';
import { statfsFreeBytes, type FreeSpaceProbe } from './disk-space';
import { DownloadError, isDownloadError } from './errors';
import { formatBytes } from '../../shared/format-bytes';
import { caseCollisions, resolveResultPath } from './safe-path';

export interface ExtractProgress {
  doneBytes: number;
  totalBytes: number;
  entry: string;
}

/** What an archive may unpack to. Real results (bgzipped VCFs in a zip) barely compress. */
export interface ExtractLimits {
  /** Largest ratio of unpacked to packed bytes for an entry of more than `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
  /** Largest total an archive may unpack to. */
  maxTotalBytes: number;
  /** Free space left over after unpacking. */
  reserveBytes: number;
}

export const DEFAULT_EXTRACT_LIMITS: ExtractLimits = {
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
  maxTotalBytes: 1024 ** 4,
  reserveBytes: 64 * 1024 * 1024,
};

export interface ExtractOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExtractProgress) => void;
  limits?: Partial<ExtractLimits>;
  /** Free bytes where the files land (tests hand in a fixed figure). */
  freeBytes?: FreeSpaceProbe;
}

export interface ExtractResult {
  /** Absolute paths of the files written. */
  files: string[];
  bytes: number;
}

export async function extractZip(zipPath: string, destDir: string, password: string | null, options: ExtractOptions = {}): Promise<ExtractResult> {
  const zipName = path.basename(zipPath);
  let reader: ZipReader<unknown>;
  let entries: Entry[];
  try {
    // openAsBlob reads lazily: only the central directory and then each entry's bytes are read.
    reader = new ZipReader(new BlobReader(await openAsBlob(zipPath)), { useWebWorkers: false });
    entries = await reader.getEntries();
  } catch (error) {
    if ((error as Error)?.message === ERR_UNSAFE_FILENAME) {
      const name = String((error as { filename?: unknown }).filename ?? '');
      throw new DownloadError('unsafe-name', { cause: error, detail: `the entry "${name}" in ${zipName} would be written outside the folder` });
    }
    throw new DownloadError('bad-zip', { cause: error, detail: zipName });
  }

  const created: string[] = [];
  const createdDirs: string[] = [];
  let currentPart: string | null = null;
  try {
    const plan = planEntries(entries, destDir, zipName);
    const totalBytes = plan.reduce((sum, { entry }) => sum + (entry.directory ? 0 : entry.uncompressedSize), 0);
    const secret = await findPassword(plan, password, zipName);
    if (await alreadyUnpacked(plan, zipName)) return { files: [], bytes: 0 };
    await checkSizes(plan, totalBytes, destDir, zipName, { ...DEFAULT_EXTRACT_LIMITS, ...options.limits }, options.freeBytes ?? statfsFreeBytes);
    let doneBytes = 0;

    for (const { entry, target } of plan) {
      options.signal?.throwIfAborted();
      if (entry.directory) {
        await makeDir(target, createdDirs);
        continue;
      }
      await makeDir(path.dirname(target), createdDirs);
      // A name of its own ('wx'): an earlier run's leftover or any other file is never written into.
      currentPart = `${target}.${randomBytes(4).toString('hex')}.part`;
      const handle = await fs.open(currentPart, 'wx');
      // zip.js stops an entry that outgrows its declared size (what the free space was checked against).
      const sink = new WritableStream<Uint8Array>({
        async write(chunk) {
          let offset = 0;
          while (offset < chunk.length) offset += (await handle.write(chunk, offset, chunk.length - offset)).bytesWritten;
          doneBytes += chunk.length;
          options.onProgress?.({ doneBytes, totalBytes, entry: entry.filename });
        },
        close: () => handle.close(),
        abort: () => handle.close(),
      });
      try {
        await (entry as FileEntry).getData(sink, {
          password: entry.encrypted ? (secret ?? undefined) : undefined,
          checkCrc32: true,
          signal: options.signal,
          useWebWorkers: false,
        });
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw mapEntryError(error, entry, zipName, options.signal);
      }
      await placeWithoutReplacing(currentPart, target, zipName);
      currentPart = null;
      created.push(target);
    }
    return { files: created, bytes: doneBytes };
  } catch (error) {
    // Partial output is removed: a half-extracted chromosome must not look like a result.
    if (currentPart) await fs.rm(currentPart, { force: true });
    for (const file of created) await fs.rm(file, { force: true });
    for (const dir of createdDirs.reverse()) await fs.rmdir(dir).catch(() => undefined);
    if (isDownloadError(error)) throw error;
    throw mapEntryError(error, null, zipName, options.signal);
  } finally {
    await reader.close().catch(() => undefined);
  }
}

interface PlannedEntry {
  entry: Entry;
  target: string;
}

/** Every entry name goes through the same rules as result file names, before anything is written. */
function planEntries(entries: Entry[], destDir: string, zipName: string): PlannedEntry[] {
  const plan = entries.map((entry) => {
    const name = entry.directory ? entry.filename.replace(/\/+$/, '') : entry.filename;
    const resolved = resolveResultPath(destDir, name);
    if (!resolved.ok) throw new DownloadError('unsafe-name', { detail: `${resolved.reason} (in ${zipName})` });
    return { entry, target: resolved.path };
  });
  const clash = caseCollisions(plan.filter(({ entry }) => !entry.directory).map(({ entry }) => entry.filename))
    .values()
    .next();
  if (!clash.done) throw new DownloadError('unsafe-name', { detail: `${clash.value} (in ${zipName})` });
  return plan;
}

/** Declared sizes against the limits and the free space, before anything is written. */
async function checkSizes(plan: PlannedEntry[], totalBytes: number, destDir: string, zipName: string, limits: ExtractLimits, freeBytes: FreeSpaceProbe) {
  for (const { entry } of plan) {
    if (entry.directory || entry.uncompressedSize <= limits.ratioFloorBytes) continue;
    if (entry.uncompressedSize > Math.max(entry.compressedSize, 1) * limits.maxRatio) {
      throw new DownloadError('bad-zip', {
        detail: `${zipName}: ${entry.filename} would unpack to ${formatBytes(entry.uncompressedSize)} from ${formatBytes(entry.compressedSize)}, more than results ever do; it was not unpacked`,
      });
    }
  }
  if (totalBytes > limits.maxTotalBytes) {
    throw new DownloadError('bad-zip', {
      detail: `${zipName} would unpack to ${formatBytes(totalBytes)}, more than the ${formatBytes(limits.maxTotalBytes)} allowed`,
    });
  }
  let free: number;
  try {
    free = await freeBytes(destDir);
  } catch {
    return; // unknown free space: the write itself reports a full disk
  }
  if (totalBytes + limits.reserveBytes > free) {
    throw new DownloadError('disk-full', {
      detail: `unpacking ${zipName} needs ${formatBytes(totalBytes)}, ${formatBytes(free)} is free in ${destDir}. Free some space and unpack again`,
    });
  }
}

/**
 * An existing file (the downloaded QC report, another archive, an .md5) is never replaced. True
 * when every file of the archive is there already with its size: unpacked before, nothing to do.
 */
async function alreadyUnpacked(plan: PlannedEntry[], zipName: string): Promise<boolean> {
  const files = plan.filter(({ entry }) => !entry.directory);
  const existing = await Promise.all(files.map(({ target }) => fs.lstat(target).catch(() => null)));
  if (files.length > 0 && existing.every((stats, i) => stats?.isFile() && stats.size === files[i]!.entry.uncompressedSize)) return true;
  const taken = existing.findIndex((stats) => stats !== null);
  if (taken >= 0) throw alreadyThere(files[taken]!.target, zipName);
  return false;
}

function alreadyThere(target: string, zipName: string): DownloadError {
  return new DownloadError('io', {
    detail: `${path.basename(target)} is already in ${path.dirname(target)}; the app never replaces a file. Move it elsewhere to unpack ${zipName} again`,
  });
}

/** Moves the finished part into place unless something took the name meanwhile (a hard link fails then). */
async function placeWithoutReplacing(part: string, target: string, zipName: string): Promise<void> {
  try {
    await fs.link(part, target);
    await fs.rm(part, { force: true });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw alreadyThere(target, zipName);
    // File systems without hard links (FAT, some network shares): check, then rename.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK', 'EACCES'].includes(code ?? '')) throw error;
  }
  if (await fs.lstat(target).catch(() => null)) throw alreadyThere(target, zipName);
  await fs.rename(part, target);
}

/**
 * The password that opens the zip. Cloudgene HTML-escapes the submitted password before using it
 * (docs/server-behaviour.md#escaped-values), so a typed `a&b` opens a zip made with `a&amp;b`: both are tried.
 */
async function findPassword(plan: PlannedEntry[], password: string | null, zipName: string): Promise<string | null> {
  const encrypted = plan.find(({ entry }) => entry.encrypted && !entry.directory)?.entry as FileEntry | undefined;
  if (!encrypted) return null;
  if (!password) throw new DownloadError('wrong-password', { detail: `${zipName} needs the job's password` });
  for (const candidate of passwordCandidates(password)) {
    try {
      await encrypted.getData(new WritableStream(), { password: candidate, checkPasswordOnly: true, useWebWorkers: false });
      return candidate;
    } catch (error) {
      if ((error as Error)?.message !== ERR_INVALID_PASSWORD) throw error;
    }
  }
  throw new DownloadError('wrong-password', { detail: zipName });
}

export function passwordCandidates(password: string): string[] {
  const escaped = password
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[^\x00-\x7f]/g, (char) => `&#${char.charCodeAt(0)};`); // eslint-disable-line no-control-regex
  return escaped === password ? [password] : [password, escaped];
}

function mapEntryError(error: unknown, entry: Entry | null, zipName: string, signal: AbortSignal | undefined): DownloadError {
  if (isDownloadError(error)) return error;
  const message = (error as Error)?.message;
  if (signal?.aborted || message === ERR_ABORTED || (error as Error)?.name === 'AbortError') {
    return new DownloadError('aborted', { cause: error });
  }
  if (message === ERR_INVALID_PASSWORD || message === ERR_ENCRYPTED) {
    return new DownloadError('wrong-password', { cause: error, detail: zipName });
  }
  // ZipCrypto checks a password on one byte only: one wrong password in 256 passes that check and
  // then fails as bad data, which cannot be told from a damaged entry.
  const badData = message === ERR_INVALID_CRC32 || message === ERR_INVALID_COMPRESSED_DATA || message === ERR_INVALID_UNCOMPRESSED_SIZE;
  if (badData && entry?.encrypted && entry.zipCrypto) {
    return new DownloadError('wrong-password', { cause: error, detail: `${zipName}: the password is wrong or the file is damaged` });
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC') return new DownloadError('disk-full', { cause: error });
  if (typeof code === 'string' && (error as NodeJS.ErrnoException).syscall) {
    return new DownloadError('io', { cause: error, detail: `${code} while extracting ${zipName}` });
  }
  return new DownloadError('bad-zip', { cause: error, detail: entry ? `${zipName}: ${entry.filename}` : zipName });
}

async function makeDir(dir: string, createdDirs: string[]): Promise<void> {
  // Remember which folders this extraction made, so a failure removes them again.
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    try {
      await fs.stat(current);
      break;
    } catch {
      missing.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  await fs.mkdir(dir, { recursive: true });
  createdDirs.push(...missing.reverse());
}
