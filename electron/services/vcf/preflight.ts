// Pre-flight check: scans the chosen files (cached by path + size + mtime), runs the server's rules
// with every failure collected, and attaches what each one means and how to fix it.
import { stat } from 'node:fs/promises';
import { scanVcfFile } from './scanner';
import { fileNameProblem, suggestFileName } from '../../shared/file-name-rules';
import { evaluateValidation, validateInput, chunkQualityControl, chunkQcLines, chunksFor, policyWarnings, sameChromosomeWarnings } from './rules';
import { adviceFor } from './fixes';
import * as M from './messages';
import type { RuleFailure } from './rules';
import type { Finding, ScanOptions, StepOutcome, SubmitOptions, ValidationLimits, VcfFileSummary } from './types';

export interface PreflightFileResult {
  summary: VcfFileSummary;
  findings: Finding[];
}

export interface PreflightReport {
  files: PreflightFileResult[];
  /** findings about the set of files (sample counts, chromosomes, density, options) */
  crossFile: Finding[];
  /** false when any error finding exists */
  ok: boolean;
  /** what the server's steps would show (first failure only, like the server) */
  validation: StepOutcome;
  qc: StepOutcome;
}

export interface PreflightOptions {
  signal?: AbortSignal;
  /** bytes read over all files */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** passed to the scanner (0 = no worker threads) */
  workers?: number;
}

type Scan = (path: string, options?: ScanOptions) => Promise<VcfFileSummary>;

// rules about the job as a whole (the sample limits count per job, not per file)
const CROSS_FILE_RULES = new Set([
  'sample-count-mismatch',
  'too-few-samples',
  'too-many-samples',
  'duplicate-chromosome',
  'policy-max-samples',
  'policy-snp-density',
  'unphased-no-phasing',
  'phasing-option',
  'no-vcf-files',
  'not-vcf-files',
]);

function toFinding(f: RuleFailure): Finding {
  const advice = adviceFor(f);
  const finding: Finding = { rule: f.rule, severity: f.severity, serverMessage: f.message, explanation: advice.explanation, fix: advice.fix };
  if (f.path) finding.path = f.path;
  if (f.firstStop) finding.firstStop = true;
  return finding;
}

export class PreflightChecker {
  private readonly cache = new Map<string, Promise<VcfFileSummary>>();
  private readonly scan: Scan;
  private readonly maxEntries: number;
  /** scans actually run (not served from the cache) */
  scansRun = 0;

  constructor(options: { scan?: Scan; maxEntries?: number } = {}) {
    this.scan = options.scan ?? scanVcfFile;
    this.maxEntries = options.maxEntries ?? 256;
  }

  clear(): void {
    this.cache.clear();
  }

  /** Scans one file, or returns the cached summary when path, size and modification time are unchanged. */
  async scanFile(path: string, options: ScanOptions = {}): Promise<VcfFileSummary> {
    let key: string;
    try {
      const st = await stat(path);
      key = `${path}\u0000${st.size}\u0000${st.mtimeMs}`;
    } catch {
      return this.scan(path, options); // the scanner reports unreadable files
    }
    const hit = this.cache.get(key);
    if (hit) {
      const summary = await hit;
      options.onProgress?.(summary.bytes, summary.bytes);
      return summary;
    }
    for (const k of this.cache.keys()) if (k.startsWith(`${path}\u0000`)) this.cache.delete(k);
    this.scansRun++;
    const pending = this.scan(path, options);
    this.cache.set(key, pending);
    if (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value as string);
    try {
      return await pending;
    } catch (err) {
      this.cache.delete(key); // cancelled or failed: scan again next time
      throw err;
    }
  }

  /** Scans every file (one after another; each scan is parallel inside) and evaluates all rules. */
  async check(paths: string[], submit: SubmitOptions, limits: ValidationLimits, options: PreflightOptions = {}): Promise<PreflightReport> {
    const sizes = await Promise.all(
      paths.map(async (p) => {
        try {
          return (await stat(p)).size;
        } catch {
          return 0;
        }
      }),
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    let before = 0;
    const summaries: VcfFileSummary[] = [];
    for (let i = 0; i < paths.length; i++) {
      const base = before;
      summaries.push(
        await this.scanFile(paths[i], {
          signal: options.signal,
          workers: options.workers,
          chunkSizes: [...new Set([10_000_000, 20_000_000, limits.chunkSizeBp])],
          onProgress: (done) => options.onProgress?.(base + done, total),
        }),
      );
      before += sizes[i];
    }
    return this.evaluate(summaries, submit, limits);
  }

  /** Rules only, for summaries already at hand. */
  evaluate(summaries: VcfFileSummary[], submit: SubmitOptions, limits: ValidationLimits): PreflightReport {
    const files: PreflightFileResult[] = summaries.map((s) => ({ summary: { ...s, chunks: chunksFor(s, limits.chunkSizeBp) }, findings: [] }));
    const byPath = new Map(files.map((f) => [f.summary.path, f]));
    const crossFile: Finding[] = [];
    const add = (f: RuleFailure): void => {
      const target = f.path && !CROSS_FILE_RULES.has(f.rule) ? byPath.get(f.path) : undefined;
      (target ? target.findings : crossFile).push(toFinding(f));
    };

    // The pipeline's scripts use the names unquoted (docs/server-behaviour.md#emulator-checklist, item 24): the app refuses
    // such names, so they come before anything the server itself would say.
    for (const s of summaries) {
      const problem = fileNameProblem(s.name);
      if (problem)
        add({ rule: 'file-name', severity: 'error', message: '', path: s.path, detail: { name: s.name, problem, suggestion: suggestFileName(s.name) } });
    }
    for (const failure of evaluateValidation(summaries, submit, limits, true).failures) add(failure);

    for (const file of files) {
      const s = file.summary;
      if (!s.name.endsWith('.vcf.gz')) continue; // ignored by the server
      if (s.format === 'bgzf' && s.eofBlock === false && s.fatalStage !== 'index') {
        add({ rule: 'bgzf-eof', severity: 'warning', message: '', path: s.path, detail: { name: s.name } });
      }
      if (s.missingGT && !s.fatal) add({ rule: 'no-gt', severity: 'warning', message: '', path: s.path, detail: { name: s.name } });
      if (!s.fatal) {
        const qc = chunkQcLines([s], limits);
        const contigs = s.contigs;
        const noContig = contigs ? (s.rawChromosomes ?? []).filter((c) => !contigs.includes(c)).join('\n') : '';
        if (qc.excludedLowSnps > 0) {
          add({
            rule: 'chunk-low-snps',
            severity: 'warning',
            message: M.chunksExcludedSnps(qc.excludedLowSnps, limits.minSnpsPerChunk),
            path: s.path,
            detail: { n: qc.excludedLowSnps, min: limits.minSnpsPerChunk, name: s.name },
          });
        }
        if (qc.excludedCallRate > 0) {
          add({
            rule: 'chunk-low-call-rate',
            severity: 'warning',
            message: M.chunksExcludedCallRate(qc.excludedCallRate),
            path: s.path,
            detail: { n: qc.excludedCallRate, name: s.name, chunkSize: limits.chunkSizeBp, noContig },
          });
        }
      }
    }
    for (const warning of sameChromosomeWarnings(summaries, submit)) add(warning);
    for (const warning of policyWarnings(summaries, limits)) add(warning);
    const validation = validateInput(summaries, submit, limits);
    const qc = chunkQualityControl(summaries, submit, limits);
    // QC runs only after validation passed, so then this is where the server stops
    if (validation.ok && !qc.ok) add({ rule: 'no-chunks-passed', severity: 'error', message: M.NO_CHUNKS_PASSED, firstStop: true });
    const ok = [...crossFile, ...files.flatMap((f) => f.findings)].every((f) => f.severity !== 'error');
    return { files, crossFile, ok, validation, qc };
  }
}
