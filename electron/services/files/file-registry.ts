// Files the user chose (dialog, in-app browser, drop) are known to main by path; the renderer
// only ever gets an opaque id for each.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError, type ChosenFile } from '../../ipc/contract';

export interface RegisteredFile extends ChosenFile {
  path: string;
}

export class FileRegistry {
  private readonly byId = new Map<string, RegisteredFile>();

  async register(paths: readonly string[]): Promise<ChosenFile[]> {
    const chosen: ChosenFile[] = [];
    for (const candidate of paths) {
      if (!path.isAbsolute(candidate)) throw new AppError('file-refused', `Not an absolute path: ${candidate}`);
      const stats = await fs.stat(candidate).catch(() => null);
      if (!stats) throw new AppError('file-refused', `${path.basename(candidate)} cannot be read.`);
      if (!stats.isFile()) throw new AppError('file-refused', `${path.basename(candidate)} is a folder, not a file.`);
      const file: RegisteredFile = {
        id: randomUUID(),
        name: path.basename(candidate),
        size: stats.size,
        mtimeMs: stats.mtimeMs,
        path: candidate,
      };
      this.byId.set(file.id, file);
      chosen.push(toChosen(file));
    }
    return chosen;
  }

  get(id: string): RegisteredFile {
    const file = this.byId.get(id);
    if (!file) throw new AppError('not-found', 'That file is no longer known to the app. Choose it again.');
    return file;
  }
}

function toChosen({ id, name, size, mtimeMs }: RegisteredFile): ChosenFile {
  return { id, name, size, mtimeMs };
}
