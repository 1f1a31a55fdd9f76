// The downloadable files of a finished job, from its JSON (docs/server-behaviour.md#output-files), as the
// download manager takes them. The manager itself never calls the job API.
import type { DownloadFile } from './types';

export interface JobOutputsLike {
  id: string;
  outputParams?: { files?: { name: string; hash: string; count: number; size: string | null }[] | null }[] | null;
}

/**
 * `serverRoot` is the server's base URL with any context path but without `/api/v2`
 * (download links live outside the API: `/share/results/<hash>/<name>`, docs/server-behaviour.md#base-url and #downloads-and-credits).
 */
export function resultFilesOfJob(job: JobOutputsLike, serverRoot: string, serverId: string): DownloadFile[] {
  const root = serverRoot.replace(/\/+$/, '').replace(/\/api\/v2$/, '');
  const files: DownloadFile[] = [];
  for (const output of job.outputParams ?? []) {
    for (const file of output.files ?? []) {
      files.push({
        jobId: job.id,
        serverId,
        url: `${root}/share/results/${encodeURIComponent(file.hash)}/${file.name.split('/').map(encodeURIComponent).join('/')}`,
        name: file.name,
        sizeLabel: file.size ?? null,
        credits: file.count,
      });
    }
  }
  return files;
}
