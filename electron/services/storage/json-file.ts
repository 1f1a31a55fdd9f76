// Small JSON documents in the user-data folder, written atomically (temporary file + rename) and
// one write at a time, so a crash or two quick saves never leave half a file.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, `${JSON.stringify(value, null, 1)}\n`, { mode: 0o600 });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** The parsed file, `null` when it does not exist; a corrupt file is moved aside and reported as missing. */
export async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    await fs.rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
    return null;
  }
}

export interface LoadResult<T> {
  value: T;
  /** Set when the file existed but could not be read or parsed; the bad copy was moved here. */
  corruptCopy: string | null;
}

/** Reads and validates a document; a missing file gives the fallback, a broken one is kept aside. */
export async function loadJsonFile<T>(file: string, fallback: () => T, parse: (raw: unknown) => T): Promise<LoadResult<T>> {
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

/** Saves the latest value of a document; saves asked for while one runs are merged into one. */
export class JsonFileWriter {
  private running: Promise<void> | null = null;
  private pending = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => unknown,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  save(): Promise<void> {
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.pending = false;
        try {
          await writeJsonAtomic(this.file, this.snapshot());
        } catch (error) {
          this.onError(error);
        }
      } while (this.pending);
      this.running = null;
    })();
    return this.running;
  }

  /** Resolves once everything asked for so far is on disk. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }
}
