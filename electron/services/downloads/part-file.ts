// The `.part` file a download writes to, opened without following a link planted at its path
// (issue 15): whoever can write to the download folder must not make the app write a result over
// another file. A new transfer creates the file exclusively (`wx`); a resume opens the existing
// file only when it is a regular file of its own (O_NOFOLLOW, one link). Windows has no
// O_NOFOLLOW: there the lstat check and the exclusive create remain.
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { DownloadError } from './errors';

const NO_FOLLOW: number = constants.O_NOFOLLOW ?? 0;

export function partPathOf(finalPath: string): string {
  return `${finalPath}.part`;
}

/**
 * Opens `partPath` for writing from `offset`: 0 starts a new file (an old one is removed first),
 * more keeps the first `offset` bytes and appends after them. Throws a DownloadError('io') that
 * names the problem, or the file system's error.
 */
export async function openPartFile(partPath: string, offset: number): Promise<FileHandle> {
  await refuseLink(partPath);
  if (offset > 0) {
    const file = await fs.open(partPath, constants.O_WRONLY | constants.O_APPEND | NO_FOLLOW).catch((error: NodeJS.ErrnoException) => {
      throw linkRefusal(error, partPath);
    });
    try {
      const stat = await file.stat();
      if (!stat.isFile() || stat.nlink > 1) throw notOwnFile(partPath);
      await file.truncate(offset);
      return file;
    } catch (error) {
      await file.close().catch(() => undefined);
      throw error;
    }
  }
  // An earlier attempt's bytes that cannot be continued: the link itself goes, never a target.
  await fs.unlink(partPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  return fs.open(partPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NO_FOLLOW).catch((error: NodeJS.ErrnoException) => {
    // EEXIST: something appeared at the path since the check above.
    throw error.code === 'EEXIST' ? notOwnFile(partPath) : linkRefusal(error, partPath);
  });
}

/** Bytes of a regular `.part` file already on disk (0 for none, a link or anything else). */
export async function partBytesOnDisk(partPath: string): Promise<number> {
  try {
    const stat = await fs.lstat(partPath);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0;
  }
}

async function refuseLink(partPath: string): Promise<void> {
  const stat = await fs.lstat(partPath).catch(() => null);
  if (stat?.isSymbolicLink()) throw symlinkError(partPath);
}

function linkRefusal(error: NodeJS.ErrnoException, partPath: string): unknown {
  // O_NOFOLLOW on a link fails with ELOOP (Linux, macOS) or EMLINK (BSD).
  return error.code === 'ELOOP' || error.code === 'EMLINK' ? symlinkError(partPath) : error;
}

function symlinkError(partPath: string): DownloadError {
  return new DownloadError('io', { detail: `${path.basename(partPath)} is a symbolic link; the download does not write through it and left it alone` });
}

function notOwnFile(partPath: string): DownloadError {
  return new DownloadError('io', { detail: `${path.basename(partPath)} is not a file of this download; it was left alone` });
}
