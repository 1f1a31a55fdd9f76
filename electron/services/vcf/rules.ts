// The server's "Input Validation" and the chunk part of "Quality Control", in the server's own order
// (imputation pipeline main.nf -> tabix loop -> imputationserver-utils InputValidationCommand, files
// sorted by name). The same function backs the emulator (stop at the first failure, like the server)
// and the pre-flight check (collect every failure).
import * as M from './messages';
import type { ChunkStat, FileProblem, StepOutcome, SubmitOptions, ValidationLimits, VcfFileSummary } from './types';

export interface RuleFailure {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  path?: string;
  /** for fix texts */
  detail?: Record<string, string | number>;
  /** the server would stop at this failure first */
  firstStop?: boolean;
}

// VcfFileUtil.validChromosomes after the 'chr' prefix is stripped
const VALID_CHROMOSOMES = new Set([...Array.from({ length: 23 }, (_, i) => String(i + 1)), 'X', 'MT']);

export function isValidChromosome(chromosome: string): boolean {
  return VALID_CHROMOSOMES.has(chromosome);
}

export function chunksFor(file: VcfFileSummary, sizeBp: number): ChunkStat[] {
  return file.chunkSets?.[String(sizeBp)] ?? file.chunks;
}

function rawChromosomes(file: VcfFileSummary): string[] {
  return file.rawChromosomes ?? file.chromosomes;
}

function hasChrPrefix(file: VcfFileSummary): boolean {
  return rawChromosomes(file).some((c) => c.startsWith('chr'));
}

function rawChromosome(file: VcfFileSummary): string {
  return rawChromosomes(file)[0] ?? '';
}

/** What the fix texts need to know about a file (lists are joined with '\n'). */
function fileDetail(file: VcfFileSummary, options: SubmitOptions): Record<string, string | number> {
  const raws = rawChromosomes(file);
  const contigs = file.contigs;
  const strip = (c: string): string => c.replaceAll('chr', '');
  return {
    name: file.name,
    format: file.format ?? '',
    build: options.build || 'hg19',
    raws: raws.join('\n'),
    // raw names of the chromosomes the server accepts, in file order
    keep: raws.filter((c) => isValidChromosome(strip(c))).join('\n'),
    // CHROM values without a ##contig line (bcftools refuses to sort or subset those)
    noContig: contigs ? raws.filter((c) => !contigs.includes(c)).join('\n') : '',
    contigs: (contigs ?? []).join('\n'),
    // the same chromosome written two ways (20 and chr20)
    namingMix: new Set(raws.map(strip)).size < raws.length ? 1 : 0,
  };
}

export interface ValidationResult {
  failures: RuleFailure[];
  /** the success summary lines (only meaningful when there are no errors) */
  summary: string[];
}

/** Problems of a file in the server's order (summaries from before `problems` existed carry only `fatal`). */
function problemsOf(file: VcfFileSummary): FileProblem[] {
  if (file.problems) return file.problems;
  if (!file.fatal) return [];
  const stage = file.fatalStage === 'validate' ? 'validate' : 'index';
  return [{ rule: file.fatalRule ?? (stage === 'validate' ? 'invalid' : 'malformed'), stage, message: file.fatal }];
}

/**
 * Runs the validation rules. With `all: false` it stops at the first error exactly like the server;
 * with `all: true` it keeps going so the pre-flight check can show every problem at once, reading
 * on past a file's problems wherever its data could be read, and marks the failure the server
 * would stop at (`firstStop`).
 */
export function evaluateValidation(files: VcfFileSummary[], options: SubmitOptions, limits: ValidationLimits, all = false): ValidationResult {
  const result = walk(files, options, limits, all);
  const stop = all ? walk(files, options, limits, false).failures.find((f) => f.severity === 'error') : result.failures.find((f) => f.severity === 'error');
  if (stop) {
    const same = result.failures.find((f) => f.rule === stop.rule && f.path === stop.path && f.message === stop.message);
    if (same) same.firstStop = true;
  }
  return result;
}

function walk(files: VcfFileSummary[], options: SubmitOptions, limits: ValidationLimits, all: boolean): ValidationResult {
  const failures: RuleFailure[] = [];
  const fail = (f: RuleFailure): boolean => {
    failures.push(f);
    return !all;
  };
  const result = (): ValidationResult => ({ failures, summary: [] });
  // the files whose samples can be read (the sample fixes loop over them)
  const names = files.filter((f) => f.name.endsWith('.vcf.gz') && (problemsOf(f).length === 0 || f.sampleLine === true)).map((f) => f.name);

  // main.nf checks the phasing engine before anything runs
  if (!limits.allowedPhasing.includes(options.phasing)) {
    if (fail({ rule: 'phasing-option', severity: 'error', message: M.PHASING_OPTIONS, detail: { phasing: options.phasing } })) return result();
  }
  // the pipeline globs *.vcf.gz; anything else is not even looked at
  const vcfs = files.filter((f) => f.name.endsWith('.vcf.gz'));
  if (all) {
    for (const f of files) {
      if (!f.name.endsWith('.vcf.gz')) failures.push({ rule: 'file-extension', severity: 'error', message: '', path: f.path, detail: fileDetail(f, options) });
    }
  }
  if (vcfs.length === 0) {
    fail({ rule: 'no-vcf-files', severity: 'error', message: M.NO_VCF_GZ });
    return result();
  }
  // tabix -p vcf runs on every file, in upload order, before the validator
  for (const f of vcfs) {
    for (const p of problemsOf(f)) {
      if (p.stage !== 'index') continue;
      if (fail({ rule: p.rule, severity: 'error', message: p.message, path: f.path, detail: { ...fileDetail(f, options), ...p.detail } })) return result();
    }
  }
  // InputValidationCommand: Collections.sort(files) (UTF-16 order, like JS)
  const sorted = [...vcfs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let noSamples = 0;
  let snps = 0;
  let chunks = 0;
  let phased = true;
  const chromosomes: string[] = [];
  let valid = 0;
  // with `all`, a job-wide rule is reported once
  const reported = new Set<string>();
  const once = (key: string): boolean => {
    if (reported.has(key)) return false;
    reported.add(key);
    return true;
  };
  for (const f of sorted) {
    const problems = problemsOf(f);
    for (const p of problems) {
      if (p.stage !== 'validate') continue;
      if (fail({ rule: p.rule, severity: 'error', message: p.message, path: f.path, detail: { ...fileDetail(f, options), ...p.detail } })) return result();
    }
    // Past this point only with `all`: the server stopped at the file's first problem, but what
    // could still be read shows what it would say once that is fixed.
    const readAnyway = problems.length === 0 || f.problems !== undefined;
    if (!readAnyway) continue;
    const hasRecords = f.chromosomes.length > 0;
    const hasSamples = problems.length === 0 || f.sampleLine === true;
    const chromosome = f.chromosomes[0] ?? '';
    if (hasRecords) {
      if (!isValidChromosome(chromosome)) {
        const message = M.invalidChromosome(chromosome, limits.utilsVersion);
        if (fail({ rule: 'invalid-chromosome', severity: 'error', message, path: f.path, detail: { ...fileDetail(f, options), chromosome } })) return result();
        continue;
      }
      valid++;
      chromosomes.push(chromosome);
    }
    if (hasSamples) {
      if (noSamples !== 0 && noSamples !== f.samples && once('sample-count-mismatch')) {
        if (
          fail({
            rule: 'sample-count-mismatch',
            severity: 'error',
            message: M.sampleCountMismatch(f.samples, noSamples),
            path: f.path,
            detail: { name: f.name, a: f.samples, b: noSamples, names: names.join('\n'), noContig: noContigFiles(vcfs) },
          })
        )
          return result();
      }
      noSamples = f.samples;
    }
    if (hasRecords) {
      snps += f.variants;
      chunks += chunksFor(f, limits.chunkSizeBp).length;
      phased = phased && (f.phased || chromosome === 'MT');
    }
    if (hasSamples) {
      const detail = { n: noSamples, name: f.name, names: names.join('\n'), noContig: noContigFiles(vcfs) };
      if (noSamples < limits.minSamples && limits.minSamples !== 0 && once('too-few-samples')) {
        if (
          fail({
            rule: 'too-few-samples',
            severity: 'error',
            message: M.tooFewSamples(limits.minSamples),
            path: f.path,
            detail: { ...detail, min: limits.minSamples },
          })
        )
          return result();
      }
      if (noSamples > limits.maxSamples && limits.maxSamples !== 0 && once('too-many-samples')) {
        const msg = M.tooManySamples(limits.maxSamples, limits.contactName ?? 'Admin', limits.contactEmail ?? 'admin@localhost');
        if (fail({ rule: 'too-many-samples', severity: 'error', message: msg, path: f.path, detail: { ...detail, max: limits.maxSamples } })) return result();
      }
    }
    if (hasRecords) {
      const prefixed = hasChrPrefix(f);
      for (const build of ['hg19', 'hg38'] as const) {
        if (options.build !== build || prefixed === (build === 'hg38')) continue;
        const message = M.wrongBuild(build, rawChromosome(f), chromosome);
        if (
          fail({
            rule: 'build-prefix',
            severity: 'error',
            message,
            path: f.path,
            detail: { ...fileDetail(f, options), build, raw: rawChromosome(f), chromosome },
          })
        )
          return result();
      }
    }
  }
  if (valid === 0 && failures.length === 0) {
    fail({ rule: 'not-vcf-files', severity: 'error', message: M.NOT_VCF_FILES });
    return result();
  }
  if (!phased && (!options.phasing || options.phasing === 'no_phasing')) {
    if (fail({ rule: 'unphased-no-phasing', severity: 'error', message: M.UNPHASED_NO_PHASING })) return result();
  }

  // genepi utils list the chromosomes in sorted file-name order on both servers
  const summary = [
    `${valid} valid VCF file(s) found.`,
    `Samples: ${noSamples}`,
    `Chromosomes: ${chromosomes.join(' ')}`,
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
  // Only for a non-zero filter (genepi v1.5.2 and v1.5.3 alike).
  if (r2 !== '' && r2 !== '0') summary.push(`Rsq filter: ${r2}`);
  return { failures, summary };
}

/** Names of the files with CHROM values that have no ##contig line ('\n'-joined). */
function noContigFiles(files: VcfFileSummary[]): string {
  return files
    .filter((f) => f.contigs !== undefined && rawChromosomes(f).some((c) => !f.contigs!.includes(c)))
    .map((f) => f.name)
    .join('\n');
}

/**
 * The service's documented policy, which its pipeline does not enforce: warnings that cite it
 * (docs/server-behaviour.md#topmed-texts). Counted over the files the validator would read.
 */
export function policyWarnings(files: VcfFileSummary[], limits: ValidationLimits): RuleFailure[] {
  const policy = limits.policy;
  if (!policy) return [];
  const vcfs = files.filter((f) => f.name.endsWith('.vcf.gz') && (problemsOf(f).length === 0 || f.problems !== undefined));
  const warnings: RuleFailure[] = [];
  const names = vcfs.map((f) => f.name).join('\n');
  const samples = Math.max(0, ...vcfs.filter((f) => problemsOf(f).length === 0 || f.sampleLine).map((f) => f.samples));
  if (policy.maxSamples !== undefined && samples > policy.maxSamples) {
    warnings.push({
      rule: 'policy-max-samples',
      severity: 'warning',
      message: '',
      detail: { n: samples, max: policy.maxSamples, source: policy.source, names, noContig: noContigFiles(vcfs) },
    });
  }
  if (policy.maxAvgSnpsPerChunk !== undefined) {
    const size = policy.chunkSizeBp ?? limits.chunkSizeBp;
    const withRecords = vcfs.filter((f) => f.chromosomes.length > 0);
    const snps = withRecords.reduce((n, f) => n + f.variants, 0);
    const chunks = withRecords.reduce((n, f) => n + chunksFor(f, size).length, 0);
    if (chunks > 0 && snps / chunks > policy.maxAvgSnpsPerChunk) {
      warnings.push({
        rule: 'policy-snp-density',
        severity: 'warning',
        message: '',
        detail: { snps, chunks, max: policy.maxAvgSnpsPerChunk, sizeMb: size / 1_000_000, source: policy.source },
      });
    }
  }
  return warnings;
}

/**
 * One chromosome in several files: both validators accept it (no rule against it in genepi
 * v1.5.2/v1.5.3), but the chunks of that chromosome are then imputed once per file.
 */
export function sameChromosomeWarnings(files: VcfFileSummary[], options: SubmitOptions): RuleFailure[] {
  const byChromosome = new Map<string, VcfFileSummary[]>();
  const vcfs = files.filter((f) => f.name.endsWith('.vcf.gz') && f.chromosomes.length > 0 && (problemsOf(f).length === 0 || f.problems !== undefined));
  for (const f of [...vcfs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const c = f.chromosomes[0];
    byChromosome.set(c, [...(byChromosome.get(c) ?? []), f]);
  }
  const warnings: RuleFailure[] = [];
  for (const [chromosome, group] of byChromosome) {
    if (group.length < 2) continue;
    const ids = group.map((f) => f.sampleIds.join('\t'));
    const sets = group.map((f) => new Set(f.sampleIds));
    const sameSamples = ids.every((x) => x === ids[0]);
    const disjoint = sets.every((a, i) => sets.every((b, j) => i === j || [...a].every((x) => !b.has(x))));
    const inOrder = [...group].sort((a, b) => (a.firstPosition ?? 0) - (b.firstPosition ?? 0));
    const wantChr = (options.build || 'hg19') === 'hg38';
    warnings.push({
      rule: 'duplicate-chromosome',
      severity: 'warning',
      message: '',
      detail: {
        chromosome,
        build: options.build || 'hg19',
        a: group[0].name,
        b: group[1].name,
        // files by first position, so a plain concatenation is already nearly sorted
        names: inOrder.map((f) => f.name).join('\n'),
        relation: sameSamples ? 'same-samples' : disjoint ? 'different-samples' : 'overlapping-samples',
        rename: inOrder
          .filter((f) => hasChrPrefix(f) !== wantChr || new Set(rawChromosomes(f)).size > 1)
          .map((f) => f.name)
          .join('\n'),
        noContig: noContigFiles(inOrder),
        // the header the combined file keeps is the first file's
        contigs: (inOrder[0].contigs ?? []).join('\n'),
      },
    });
  }
  return warnings;
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

/** The chunk-level part of the "Quality Control" step (docs/server-behaviour.md#qc-messages). */
export function chunkQualityControl(files: VcfFileSummary[], _options: SubmitOptions, limits: ValidationLimits): StepOutcome {
  const qc = chunkQcLines(files, limits);
  const type = qc.failed ? 1 : qc.excludedLowSnps + qc.excludedCallRate > 0 ? 2 : 0;
  return { ok: !qc.failed, messages: [{ type, text: qc.lines.join('\n') }] };
}
