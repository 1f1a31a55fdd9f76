// The files a filtered export writes, and the same work as bcftools and tabix commands for users
// who prefer them (the export is checked against exactly this filter in tests/results).
import path from 'node:path';
import type { ExportOptions, ExportPlan } from '../../ipc/contract';
import { byChromosome, doseName } from './job-results';

export const EXPORT_FOLDER = 'filtered';

/** The bcftools expression of the export's filter. */
export function filterExpression(minR2: number, minMaf: number): string {
  return `INFO/R2>=${minR2} && INFO/MAF>=${minMaf}`;
}

/** POSIX shell single quotes: safe for any path. */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

const tag = (options: Pick<ExportOptions, 'minR2' | 'minMaf'>) => `R2-${options.minR2}_MAF-${options.minMaf}`;

function joinedName(chromosomes: string[]): string {
  if (chromosomes.length <= 4) return `chr${chromosomes.join('_')}`;
  return `chr${chromosomes[0]}-${chromosomes[chromosomes.length - 1]}_${chromosomes.length}-chromosomes`;
}

export function exportPlan(folder: string, options: Pick<ExportOptions, 'minR2' | 'minMaf' | 'chromosomes' | 'concatenate'>): ExportPlan {
  const chromosomes = [...new Set(options.chromosomes)].sort(byChromosome);
  const expression = filterExpression(options.minR2, options.minMaf);
  const out = (base: string) => path.join(folder, EXPORT_FOLDER, `${base}.dose.${tag(options)}.vcf.gz`);
  const outputs = options.concatenate
    ? [{ path: out(joinedName(chromosomes)), inputs: chromosomes.map((c) => path.join(folder, doseName(c))) }]
    : chromosomes.map((c) => ({ path: out(`chr${c}`), inputs: [path.join(folder, doseName(c))] }));
  const rel = (file: string) => shellQuote(path.relative(folder, file).split(path.sep).join('/'));
  const filter = `-i ${shellQuote(expression)}`;
  const lines = [`cd ${shellQuote(folder)}`, `mkdir -p ${EXPORT_FOLDER}`];
  for (const output of outputs) {
    if (output.inputs.length === 1) lines.push(`bcftools view ${filter} -Oz -o ${rel(output.path)} ${rel(output.inputs[0])}`);
    else lines.push(`bcftools concat -Ou ${output.inputs.map(rel).join(' ')} | bcftools view ${filter} -Oz -o ${rel(output.path)}`);
    lines.push(`tabix -p vcf ${rel(output.path)}`);
  }
  return { outputs, command: lines.join('\n'), expression };
}

/** The header line written into each exported file, so the file says how it was made (unstructured, like bcftools' own). */
export function provenanceLine(appName: string, appVersion: string, expression: string, inputs: string[], when: Date): string {
  const names = inputs.map((input) => path.basename(input)).join(' ');
  return `##imputationDesktop_filterCommand=view -i '${expression}' ${names}; Version=${appName} ${appVersion}; Date=${when.toISOString()}`;
}
