// A file to upload is described by the size and modification time seen when it was chosen (and
// checked locally); the upload refuses to send anything else.
import { stat } from 'node:fs/promises';

export interface UploadFile {
  path: string;
  /** The name the server stores it under (it must end in .vcf.gz for imputationserver2). */
  name: string;
  size: number;
  mtimeMs: number;
}

export class FileChangedError extends Error {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`${fileName} ${reason}`);
    this.name = 'FileChangedError';
  }
}

/** Throws FileChangedError when the file is gone or its size or modification time moved. */
export async function assertUnchanged(file: UploadFile): Promise<void> {
  let info;
  try {
    info = await stat(file.path);
  } catch {
    throw new FileChangedError(file.name, 'can no longer be read');
  }
  if (!info.isFile()) throw new FileChangedError(file.name, 'is no longer a file');
  if (info.size !== file.size) {
    throw new FileChangedError(file.name, `changed size (${file.size} bytes when chosen, ${info.size} now)`);
  }
  // Some file systems round mtime; a difference below a millisecond is not a change.
  if (Math.abs(info.mtimeMs - file.mtimeMs) >= 1) throw new FileChangedError(file.name, 'was modified after it was chosen');
}

/** Size and modification time as the upload expects them, read now. */
export async function snapshotFile(path: string, name: string): Promise<UploadFile> {
  const info = await stat(path);
  return { path, name, size: info.size, mtimeMs: info.mtimeMs };
}
