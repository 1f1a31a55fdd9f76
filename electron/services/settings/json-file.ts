// A JSON document in the user-data folder: atomic writes, and a corrupt file is kept aside, not fatal.
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface LoadResult<T> {
  value: T;
  /** Set when the file existed but could not be read; the bad copy was moved to this path. */
  corruptCopy: string | null;
}

export async function loadJsonFile<T>(
  file: string,
  fallback: () => T,
  parse: (raw: unknown) => T,
): Promise<LoadResult<T>> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: fallback(), corruptCopy: null };
    throw error;
  }
  try {
    return { value: parse(JSON.parse(text)), corruptCopy: null };
  } catch {
    const corruptCopy = `${file}.corrupt-${Date.now()}`;
    await fs.rename(file, corruptCopy);
    return { value: fallback(), corruptCopy };
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
export async function saveJsonFile(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temp, file);
}
