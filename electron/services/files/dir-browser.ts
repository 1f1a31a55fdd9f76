// The in-app file browser of the browser preview: lists one folder at a time.
import { promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import { AppError, type DirEntry, type DirListing } from '../../ipc/contract';

export async function listDirectory(requested: string | undefined, homeDir: string): Promise<DirListing> {
  const dir = path.resolve(requested && requested.length > 0 ? requested : homeDir);
  let names: Dirent[];
  try {
    names = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be opened (no permission)' : 'cannot be read';
    throw new AppError('not-found', `The folder ${dir} ${reason}.`);
  }
  const entries: DirEntry[] = [];
  for (const entry of names) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const stats = await fs.stat(full).catch(() => null); // follows symlinks; broken ones are skipped
    if (!stats || !(stats.isDirectory() || stats.isFile())) continue;
    entries.push({
      name: entry.name,
      kind: stats.isDirectory() ? 'dir' : 'file',
      size: stats.isFile() ? stats.size : 0,
      mtimeMs: stats.mtimeMs,
    });
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const parent = path.dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, entries };
}
