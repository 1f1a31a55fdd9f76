// Free space where a download will land, read before the transfer starts (the API gives only
// rounded size labels, so this is an estimate with a margin, not a guarantee).
import { promises as fs } from 'node:fs';
import path from 'node:path';

export type FreeSpaceProbe = (dir: string) => Promise<number>;

/** Bytes available to this user in the file system holding `dir` (or its nearest existing parent). */
export const statfsFreeBytes: FreeSpaceProbe = async (dir) => {
  let current = path.resolve(dir);
  for (;;) {
    try {
      const stats = await fs.statfs(current);
      return stats.bavail * stats.bsize;
    } catch (error) {
      const parent = path.dirname(current);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === current) throw error;
      current = parent;
    }
  }
};
