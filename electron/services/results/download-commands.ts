// "Copy download commands": one `curl --fail -o` line per result file, for users who fetch results
// on a cluster. Every run of a line spends one of the file's download credits, also a run that
// fails or is stopped (docs/server-behaviour.md#downloads-and-credits), so the script says how
// many are left and leaves out files with none.
import type { DownloadCommands } from '../../ipc/contract';
import { resultFilesOfJob, type JobOutputsLike } from '../downloads/job-files';
import { shellQuote } from './export-plan';

const creditsText = (credits: number | null): string => (credits === null ? 'unlimited downloads' : `${credits} download${credits === 1 ? '' : 's'} left`);

export function downloadCommands(job: JobOutputsLike & { name: string }, serverUrl: string, serverId: string, now: Date): DownloadCommands {
  const files = resultFilesOfJob(job, serverUrl, serverId).map((file) => ({ ...file, credits: file.credits < 0 ? null : file.credits }));
  const usable = files.filter((file) => file.credits !== 0);
  const lines = usable.map((file) => ({
    name: file.name,
    credits: file.credits,
    // --fail: an error answer is not saved as the file; --create-dirs for names with a folder.
    command: `curl --fail${file.name.includes('/') ? ' --create-dirs' : ''} -o ${shellQuote(file.name)} '${file.url.replace(/'/g, `'\\''`)}'`,
  }));
  const warning =
    'Each run of a line spends one of that file’s download credits on the server, also a run that fails or is stopped. ' +
    'The links work without a login: keep them as private as the results.';
  const script = [
    '#!/bin/sh',
    `# Results of ${job.id} (${job.name}), listed ${now.toISOString()}.`,
    `# ${warning}`,
    ...lines.flatMap((line) => [`# ${line.name}: ${creditsText(line.credits)}`, line.command]),
  ].join('\n');
  return { script: `${script}\n`, files: lines, exhausted: files.filter((file) => file.credits === 0).map((file) => file.name), warning };
}
