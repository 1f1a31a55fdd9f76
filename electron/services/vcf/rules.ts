// The server's "Input Validation" and the chunk part of "Quality Control", in the server's own order
// (imputation pipeline main.nf -> tabix loop -> imputationserver-utils InputValidationCommand, files
// sorted by name). The same function backs the emulator (stop at the first failure, like the server)
// and the pre-flight check (collect every failure).
import * as M from './messages';
import type { ChunkStat, StepOutcome, SubmitOptions, ValidationLimits, VcfFileSummary } from './types';

export interface RuleFailure {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  path?: string;
  /** for fix texts */
  detail?: Record<string, string | number>;
}

// VcfFileUtil.validChromosomes after the 'chr' prefix is stripped
const VALID_CHROMOSOMES = new Set([...Array.from({ length: 23 }, (_, i) => String(i + 1)), 'X', 'MT']);

export function isValidChromosome(chromosome: string): boolean {
  return VALID_CHROMOSOMES.has(chromosome);
}

export function chunksFor(file: VcfFileSummary, sizeBp: number): ChunkStat[] {
  return file.chunkSets?.[String(sizeBp)] ?? file.chunks;
}

function hasChrPrefix(file: VcfFileSummary): boolean {
  const raws = file.rawChromosomes ?? file.chromosomes;
  return raws.some((c) => c.startsWith('chr'));
}

function rawChromosome(file: VcfFileSummary): string {
  return (file.rawChromosomes ?? file.chromosomes)[0] ?? '';
}

function chromosomeRank(c: string): number {
  if (/^\d+$/.test(c)) return Number(c);
  return c === 'X' ? 23 : c === 'Y' ? 24 : c === 'MT' ? 25 : 100;
}

export interface ValidationResult {
  failures: RuleFailure[];
  /** the success summary lines (only meaningful when there are no errors) */
  summary: string[];
}

/**
 * Runs the validation rules. With `all: false` it stops at the first error exactly like the server;
 * with `all: true` it keeps going so the pre-flight check can show every problem at once.
 */
export function evaluateValidation(files: VcfFileSummary[], options: SubmitOptions, limits: ValidationLimits, all = false): ValidationResult {
  const failures: RuleFailure[] = [];
  const flavour = limits.flavour;
  const fail = (f: RuleFailure): boolean => {
    failures.push(f);
    return !all;
  };
  const result = (): ValidationResult => ({ failures, summary: [] });

  // main.nf checks the phasing engine before anything runs
  if (!limits.allowedPhasing.includes(options.phasing)) {
    if (fail({ rule: 'phasing-option', severity: 'error', message: M.phasingOptions(flavour), detail: { phasing: options.phasing } })) return result();
  }
  // the pipeline globs *.vcf.gz; anything else is not even looked at
  const vcfs = files.filter((f) => f.name.endsWith('.vcf.gz'));
  if (all) {
    for (const f of files) {
      if (!f.name.endsWith('.vcf.gz')) failures.push({ rule: 'file-extension', severity: 'error', message: '', path: f.path, detail: { name: f.name } });
    }
  }
  if (vcfs.length === 0) {
    fail({ rule: 'no-vcf-files', severity: 'error', message: M.NO_VCF_GZ });
    return result();
  }
  // tabix -p vcf runs on every file, in upload order, before the validator
  for (const f of vcfs) {
    if (f.fatal && f.fatalStage !== 'validate') {
      if (fail({ rule: f.fatalRule ?? 'malformed', severity: 'error', message: f.fatal, path: f.path, detail: { name: f.name, format: f.format ?? '' } }))
        return result();
    }
  }
  // InputValidationCommand: Collections.sort(files) (UTF-16 order, like JS)
  const sorted = [...vcfs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let noSamples = 0;
  let snps = 0;
  let chunks = 0;
  let phased = true;
  const chromosomes: string[] = [];
  const fileOfChromosome = new Map<string, string>();
  let valid = 0;
  for (const f of sorted) {
    if (f.fatal) {
      if (f.fatalStage === 'validate' && fail({ rule: f.fatalRule ?? 'invalid', severity: 'error', message: f.fatal, path: f.path, detail: { name: f.name } }))
        return result();
      continue;
    }
    const chromosome = f.chromosomes[0] ?? '';
    const filePhased = f.phased || chromosome === 'MT';
    if (!isValidChromosome(chromosome)) {
      if (fail({ rule: 'invalid-chromosome', severity: 'error', message: M.invalidChromosome(chromosome), path: f.path, detail: { name: f.name, chromosome } }))
        return result();
      continue;
    }
    valid++;
    chromosomes.push(chromosome);
    if (flavour === 'topmed') {
      // statgen imputationserver-utils (server-apps.md §6.4); place in the sequence inferred
      const other = fileOfChromosome.get(chromosome);
      if (other !== undefined) {
        if (
          fail({
            rule: 'one-file-per-chromosome',
            severity: 'error',
            message: M.onePerChromosome(chromosome, other, f.name),
            path: f.path,
            detail: { chromosome, a: other, b: f.name },
          })
        )
          return result();
      } else fileOfChromosome.set(chromosome, f.name);
    }
    if (noSamples !== 0 && noSamples !== f.samples) {
      if (
        fail({
          rule: 'sample-count-mismatch',
          severity: 'error',
          message: M.sampleCountMismatch(f.samples, noSamples),
          path: f.path,
          detail: { name: f.name, a: f.samples, b: noSamples },
        })
      )
        return result();
    }
    noSamples = f.samples;
    snps += f.variants;
    chunks += chunksFor(f, limits.chunkSizeBp).length;
    phased = phased && filePhased;
    if (noSamples < limits.minSamples && limits.minSamples !== 0) {
      if (
        fail({
          rule: 'too-few-samples',
          severity: 'error',
          message: M.tooFewSamples(flavour, limits.minSamples, noSamples),
          path: f.path,
          detail: { n: noSamples, min: limits.minSamples },
        })
      )
        return result();
    }
    if (noSamples > limits.maxSamples && limits.maxSamples !== 0) {
      const msg = M.tooManySamples(flavour, limits.maxSamples, noSamples, limits.contactName ?? 'Admin', limits.contactEmail ?? 'admin@localhost');
      if (fail({ rule: 'too-many-samples', severity: 'error', message: msg, path: f.path, detail: { n: noSamples, max: limits.maxSamples } })) return result();
    }
    const prefixed = hasChrPrefix(f);
    if (options.build === 'hg19' && prefixed) {
      if (
        fail({
          rule: 'build-prefix',
          severity: 'error',
          message: M.wrongBuild('hg19', rawChromosome(f), chromosome),
          path: f.path,
          detail: { name: f.name, build: 'hg19', raw: rawChromosome(f), chromosome },
        })
      )
        return result();
    }
    if (options.build === 'hg38' && !prefixed) {
      if (
        fail({
          rule: 'build-prefix',
          severity: 'error',
          message: M.wrongBuild('hg38', rawChromosome(f), chromosome),
          path: f.path,
          detail: { name: f.name, build: 'hg38', raw: rawChromosome(f), chromosome },
        })
      )
        return result();
    }
  }
  if (valid === 0 && failures.length === 0) {
    fail({ rule: 'not-vcf-files', severity: 'error', message: M.notVcfFiles(flavour) });
    return result();
  }
  if (limits.maxAvgSnpsPerChunk !== null && chunks > 0 && snps / chunks > limits.maxAvgSnpsPerChunk) {
    if (fail({ rule: 'snp-density', severity: 'error', message: M.snpDensity(snps, chunks), detail: { snps, chunks, max: limits.maxAvgSnpsPerChunk } }))
      return result();
  }
  if (!phased && (!options.phasing || options.phasing === 'no_phasing')) {
    if (fail({ rule: 'unphased-no-phasing', severity: 'error', message: M.UNPHASED_NO_PHASING })) return result();
  }

  const shown = flavour === 'topmed' ? [...chromosomes].sort((a, b) => chromosomeRank(a) - chromosomeRank(b)) : chromosomes;
  const summary = [
    `${valid} valid VCF file(s) found.`,
    `Samples: ${noSamples}`,
    `Chromosomes: ${shown.join(' ')}`,
    `SNPs: ${snps}`,
    `Chunks: ${chunks}`,
    `Datatype: ${phased ? 'phased' : 'unphased'}`,
    `Build: ${options.build || 'hg19'}`,
    `Reference Panel: ${options.refpanelId} (${options.refpanelBuild})`,
    `Population: ${options.population || 'off'}`,
    `Phasing: ${options.phasing}`,
    `Mode: ${options.mode}`,
  ];
  const r2 = options.r2Filter ?? '';
  // Only for a non-zero filter: the statgen fork prints it whenever set (§6.4), but the verified
  // TOPMed output of Oct 2025 (§6.2) has no such line, so both flavours follow genepi here.
  if (r2 !== '' && r2 !== '0') summary.push(`Rsq filter: ${r2}`);
  return { failures, summary };
}

/** The "Input Validation" step exactly as the server would show it (one message either way). */
export function validateInput(files: VcfFileSummary[], options: SubmitOptions, limits: ValidationLimits): StepOutcome {
  const { failures, summary } = evaluateValidation(files, options, limits, false);
  const error = failures.find((f) => f.severity === 'error');
  if (error) return { ok: false, messages: [{ type: 1, text: error.message }] };
  return { ok: true, messages: [{ type: 0, text: summary.join('\n') }] };
}

export interface ChunkQcResult {
  lines: string[];
  failed: boolean;
  excludedLowSnps: number;
  excludedCallRate: number;
  remaining: number;
  total: number;
}

/** Chunk exclusion as QualityControlCommand/StatisticsTask decide it (overlap with the panel is not known locally). */
export function chunkQcLines(files: VcfFileSummary[], limits: ValidationLimits): ChunkQcResult {
  let total = 0,
    lowSnps = 0,
    lowCall = 0;
  for (const f of files) {
    if (f.fatal) continue;
    for (const c of chunksFor(f, limits.chunkSizeBp)) {
      total++;
      if (c.snps < limits.minSnpsPerChunk) lowSnps++;
      else if (c.lowCallRateSamples > 0) lowCall++;
    }
  }
  const remaining = total - lowSnps - lowCall;
  const lines: string[] = [];
  if (lowSnps > 0) lines.push(M.chunksExcludedSnps(lowSnps, limits.minSnpsPerChunk));
  if (lowCall > 0) lines.push(M.chunksExcludedCallRate(lowCall));
  lines.push(M.remainingChunks(remaining));
  if (remaining === 0) lines.push(M.NO_CHUNKS_PASSED);
  return { lines, failed: remaining === 0, excludedLowSnps: lowSnps, excludedCallRate: lowCall, remaining, total };
}

/** The chunk-level part of the "Quality Control" step (server-apps.md §6.3). */
export function chunkQualityControl(files: VcfFileSummary[], _options: SubmitOptions, limits: ValidationLimits): StepOutcome {
  const qc = chunkQcLines(files, limits);
  const type = qc.failed ? 1 : qc.excludedLowSnps + qc.excludedCallRate > 0 ? 2 : 0;
  return { ok: !qc.failed, messages: [{ type, text: qc.lines.join('\n') }] };
}
