// Opens the password-protected `chr_N.zip` results (ZipCrypto, or AES-256 when the job asked for
// it; cloudgene-api.md 4.5) into the job's folder, entry by entry, streaming from disk to disk.
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
import { DownloadError, isDownloadError } from './errors';
import { resolveResultPath } from './safe-path';

export interface ExtractProgress {
  doneBytes: number;
  totalBytes: number;
  entry: string;
}

export interface ExtractOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ExtractProgress) => void;
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
    const secret = await findPassword(plan, password, zipName);
    const totalBytes = plan.reduce((sum, { entry }) => sum + (entry.directory ? 0 : entry.uncompressedSize), 0);
    let doneBytes = 0;

    for (const { entry, target } of plan) {
      options.signal?.throwIfAborted();
      if (entry.directory) {
        await makeDir(target, createdDirs);
        continue;
      }
      await makeDir(path.dirname(target), createdDirs);
      currentPart = `${target}.part`;
      const handle = await fs.open(currentPart, 'w');
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
      await fs.rename(currentPart, target);
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
  return entries.map((entry) => {
    const name = entry.directory ? entry.filename.replace(/\/+$/, '') : entry.filename;
    const resolved = resolveResultPath(destDir, name);
    if (!resolved.ok) throw new DownloadError('unsafe-name', { detail: `${resolved.reason} (in ${zipName})` });
    return { entry, target: resolved.path };
  });
}

/**
 * The password that opens the zip. Cloudgene HTML-escapes the submitted password before using it
 * (cloudgene-api.md 5.2 rule 4), so a typed `a&b` opens a zip made with `a&amp;b`: both are tried.
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
