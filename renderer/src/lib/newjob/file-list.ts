// The chosen input files: only *.vcf.gz, never two of one name (the server stores uploads by file
// name, so the later one would overwrite the earlier, server-apps.md submit side).
import type { ChosenFile } from '../../../../electron/ipc/contract';

export const isVcfGz = (name: string): boolean => name.toLowerCase().endsWith('.vcf.gz');

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
    if (!isVcfGz(file.name)) refused.push(`${file.name}: only bgzipped VCF files ending in .vcf.gz are accepted.`);
    else if (files.some((item) => item.name === file.name)) {
      refused.push(`${file.name}: a file with this name is already in the list; the server would overwrite one with the other.`);
    } else files.push(file);
  }
  return { files, refused };
}

export const totalSize = (files: readonly { size: number }[]): number => files.reduce((sum, file) => sum + file.size, 0);
