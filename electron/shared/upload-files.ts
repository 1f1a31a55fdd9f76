// Which chosen files a job may upload. The pipeline reads only *.vcf.gz, and the server stores
// uploads by file name, so a second file of one name overwrites the first
// (docs/server-behaviour.md#form-parsing). Pure: main checks, the window explains.
import { fileNameProblem } from './file-name-rules';

export const isVcfGz = (name: string): boolean => name.toLowerCase().endsWith('.vcf.gz');

export const NOT_VCF_GZ = 'only bgzipped VCF files ending in .vcf.gz are accepted.';

/** Why this file cannot be uploaded with the others, or null. */
export function uploadFileProblem(name: string, otherNames: readonly string[]): string | null {
  if (!isVcfGz(name)) return `${name}: ${NOT_VCF_GZ}`;
  if (otherNames.includes(name)) return `${name}: another chosen file has this name; the server would keep only one of them.`;
  return null;
}

/**
 * The first problem of a whole selection at submit, or null: besides the rules above, names the
 * pipeline's unquoted shell loops cannot take (the pre-flight check shows those as findings).
 */
export function uploadSelectionProblem(names: readonly string[]): string | null {
  for (let index = 0; index < names.length; index += 1) {
    const name = names[index]!;
    const problem = uploadFileProblem(name, names.slice(0, index)) ?? prefixed(name, fileNameProblem(name));
    if (problem) return problem;
  }
  return null;
}

const prefixed = (name: string, problem: string | null): string | null => (problem ? `${name}: ${problem}` : null);
