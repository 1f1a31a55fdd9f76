// The chosen input files, checked with the rules main applies again at submit
// (electron/shared/upload-files.ts): only *.vcf.gz, never two of one name.
import type { ChosenFile } from '../../../../electron/ipc/contract';
import { uploadFileProblem } from '../../../../electron/shared/upload-files';

export { isVcfGz } from '../../../../electron/shared/upload-files';

export interface AddResult {
  files: ChosenFile[];
  /** One sentence per refused file, naming it and saying why. */
  refused: string[];
}

export function addFiles(existing: readonly ChosenFile[], chosen: readonly ChosenFile[]): AddResult {
  const files = [...existing];
  const refused: string[] = [];
  for (const file of chosen) {
    if (files.some((item) => item.id === file.id)) continue; // the same file chosen twice: already there
    const problem = uploadFileProblem(
      file.name,
      files.map((item) => item.name),
    );
    if (problem) refused.push(problem);
    else files.push(file);
  }
  return { files, refused };
}

export const totalSize = (files: readonly { size: number }[]): number => files.reduce((sum, file) => sum + file.size, 0);
