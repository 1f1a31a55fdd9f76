// `.md5` companions: a server can publish `chr_N.zip.md5` next to each zip (an operator setting,
// docs/server-behaviour.md#output-files). When a job has them, each file is downloaded with its
// companion and checked once both are on disk.
import type { DownloadFile, DownloadItem } from './types';

export interface WantedFile {
  file: DownloadFile;
  /** This item is the `.md5` of the named file. */
  md5Of: string | null;
  /** This file has a `.md5` companion among the job's files. */
  hasMd5: boolean;
}

/** The files asked for plus, for each, its `.md5` companion when the job has one. */
export function withMd5Companions(files: DownloadFile[], jobFiles: DownloadFile[]): WantedFile[] {
  const all = new Map<string, DownloadFile>();
  for (const file of [...jobFiles, ...files]) all.set(file.name, file);
  const out = new Map<string, WantedFile>();
  for (const file of files) {
    const md5Name = `${file.name}.md5`;
    const companion = all.get(md5Name);
    if (companion && !out.has(md5Name)) out.set(md5Name, { file: companion, md5Of: file.name, hasMd5: false });
    const isMd5 = file.name.endsWith('.md5') && all.has(file.name.slice(0, -4));
    if (!out.has(file.name)) out.set(file.name, { file, md5Of: isMd5 ? file.name.slice(0, -4) : null, hasMd5: !!companion });
  }
  return [...out.values()];
}

/** The newest item of the same job and folder with this name. */
export function findSibling(items: Iterable<DownloadItem>, of: DownloadItem, name: string): DownloadItem | null {
  let found: DownloadItem | null = null;
  for (const item of items) {
    if (item.serverId === of.serverId && item.jobId === of.jobId && item.destDir === of.destDir && item.name === name) {
      if (!found || item.createdAt >= found.createdAt) found = item;
    }
  }
  return found;
}

/** The file and its `.md5`, once both have arrived and the file is still to be checked; else null. */
type OnDisk = DownloadItem & { path: string };

export function pairReadyToCheck(items: Iterable<DownloadItem>, finished: DownloadItem): { target: OnDisk; md5Item: OnDisk } | null {
  const list = [...items];
  const target = findSibling(list, finished, finished.md5Of ?? finished.name);
  const md5Item = finished.md5Of ? finished : findSibling(list, finished, `${finished.name}.md5`);
  if (!target || !md5Item || target.state !== 'completed' || md5Item.state !== 'completed') return null;
  if (target.checksum !== 'pending' || !target.path || !md5Item.path) return null;
  return { target: target as OnDisk, md5Item: md5Item as OnDisk };
}
