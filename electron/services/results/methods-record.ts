// The methods record of a job: what a methods section needs (server, app and pipeline versions,
// panel, build, phasing, population, filter, dates, inputs with SHA-256, preparation steps, QC
// counts, outputs with MD5, citations), as JSON next to the results and as a paragraph to paste.
import type { MethodsRecord, QualitySummary, ResultsQc } from '../../ipc/contract';
import { citationsFor } from './citations';
import type { SubmissionRecord } from './submission-records';

export const METHODS_FILE = 'methods-record.json';

export interface MethodsInput {
  now: Date;
  app: { name: string; version: string };
  server: { label: string; url: string; kind: string; name: string | null };
  job: {
    id: string;
    name: string;
    application: string;
    submittedOn: number;
    endTime: number;
    facts: Array<{ label: string; value: string }>;
  };
  submission: SubmissionRecord | null;
  /** From the dose VCF header (##mis_pipeline, ##mis_panel). */
  header: { pipeline: string | null; panel: string | null };
  qc: ResultsQc;
  outputs: MethodsRecord['outputs'];
  summary: QualitySummary | null;
}

const iso = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

/** `apps@hrc-r1.1@2.0.0` -> { id: 'hrc-r1.1', version: '2.0.0' } (docs/server-behaviour.md#app-form). */
export function parsePanelKey(key: string | undefined): { id: string; version: string | null } | null {
  if (!key) return null;
  const parts = key.split('@');
  if (parts.length === 3 && parts[0] === 'apps') return { id: parts[1], version: parts[2] || null };
  return { id: key, version: null };
}

function settingsOf(input: MethodsInput): MethodsRecord['settings'] {
  const fact = (label: string) => input.job.facts.find((f) => f.label.toLowerCase() === label.toLowerCase())?.value ?? null;
  const fields = input.submission?.fields ?? {};
  const sources: string[] = [];
  if (input.job.facts.length > 0) sources.push("the job's Input Validation summary");
  if (input.submission) sources.push("the app's record of what it submitted");
  // "Reference Panel: hrc-r1.1 (hg19)" in the validation summary (docs/server-behaviour.md#form-inputs)
  const panelFact = fact('Reference Panel');
  const panelFromFact = panelFact ? panelFact.replace(/\s*\([^)]*\)\s*$/, '') : null;
  const key = parsePanelKey(fields.refpanel);
  const panel = panelFromFact ?? key?.id ?? input.header.panel;
  if (!panelFromFact && !key && input.header.panel) sources.push('the header of the dose files');
  const r2 = fact('Rsq filter') ?? (input.job.facts.length > 0 ? '0' : (fields.r2Filter ?? null));
  return {
    referencePanel: panel,
    referencePanelVersion: key && key.id === panel ? key.version : null,
    build: fact('Build') ?? fields.build ?? null,
    phasing: fact('Phasing') ?? fields.phasing ?? null,
    population: fact('Population') ?? fields.population ?? null,
    r2Filter: r2,
    mode: fact('Mode') ?? fields.mode ?? null,
    sources,
  };
}

export function buildMethodsRecord(input: MethodsInput): MethodsRecord {
  const settings = settingsOf(input);
  const s = input.summary?.overall ?? null;
  const withR2 = s ? s.variants - s.missingR2 : 0;
  return {
    schema: 'imputation-desktop/methods-record@1',
    createdAt: input.now.toISOString(),
    app: input.app,
    server: input.server,
    application: input.job.application,
    pipelineVersion: input.header.pipeline,
    job: { id: input.job.id, name: input.job.name, submittedAt: iso(input.job.submittedOn), completedAt: iso(input.job.endTime) },
    settings,
    inputs: (input.submission?.inputs ?? []).map((file) => ({
      name: file.name,
      bytes: file.bytes,
      digest: file.sha256,
      ...(file.note ? { note: file.note } : {}),
    })),
    inputsNote: input.submission
      ? null
      : 'This job was not submitted from this app on this computer, so its input files and their checksums are not known here.',
    preparation: input.submission?.preparation ?? [],
    qc: {
      statistics: input.qc.statistics,
      excludedByReason: input.qc.excludedByReason.map(({ reason, count }) => ({ reason, count })),
      excludedChunks: input.qc.excludedChunks?.length ?? null,
      typedOnly: input.qc.typedOnly,
    },
    outputs: input.outputs,
    quality: s
      ? {
          variants: s.variants,
          meanR2: withR2 > 0 ? s.r2Sum / withR2 : null,
          pass: [0.3, 0.8].map((threshold, i) => ({ threshold, count: s.pass[i] ?? 0 })),
        }
      : null,
    citations: citationsFor(input.server.kind, input.server.url, settings.phasing),
  };
}

const PHASING_WORDS: Record<string, string> = {
  eagle: 'Eagle v2.4',
  beagle: 'Beagle 5.4',
  no_phasing: 'no phasing (the input was already phased)',
};

const count = (n: number): string => n.toLocaleString('en-US');
const day = (isoText: string | null): string | null => (isoText ? isoText.slice(0, 10) : null);

/** The record as a paragraph ready to paste into a methods section. */
export function methodsParagraph(record: MethodsRecord): string {
  const s = record.settings;
  const parts: string[] = [];
  const where =
    record.server.kind === 'demo' ? `the built-in demo server of ${record.app.name}` : `${record.server.name ?? record.server.label} (${record.server.url})`;
  const versions = [record.application, record.pipelineVersion ? `pipeline ${record.pipelineVersion}` : null].filter(Boolean).join(', ');
  const panel = s.referencePanel
    ? `the ${s.referencePanel}${s.referencePanelVersion ? ` (version ${s.referencePanelVersion})` : ''} reference panel`
    : 'a reference panel';
  parts.push(`Genotypes were imputed on ${where}${versions ? ` (${versions})` : ''} with ${panel}${s.build ? `, input build ${s.build}` : ''}.`);
  const phasing = s.phasing ? (PHASING_WORDS[s.phasing] ?? s.phasing) : null;
  const options = [
    phasing ? `phasing: ${phasing}` : null,
    s.population ? `population: ${s.population}` : null,
    s.r2Filter ? `R2 filter: ${s.r2Filter === '0' ? 'off' : s.r2Filter}` : null,
    s.mode ? `mode: ${s.mode}` : null,
  ].filter(Boolean);
  if (options.length > 0) parts.push(`Settings were ${options.join('; ')}.`);
  const submitted = day(record.job.submittedAt);
  const completed = day(record.job.completedAt);
  if (submitted) parts.push(`The job (${record.job.id}) was submitted on ${submitted}${completed ? ` and completed on ${completed}` : ''}.`);
  if (record.inputs.length > 0) {
    parts.push(`Input files: ${record.inputs.map((file) => `${file.name}${file.digest ? ` (SHA-256 ${file.digest})` : ''}`).join(', ')}.`);
  }
  for (const step of record.preparation) parts.push(`Before upload, ${step.output}: ${step.description.replace(/\.$/, '')}.`);
  const excluded = record.qc.excludedByReason.reduce((sum, r) => sum + r.count, 0);
  const qcBits: string[] = [];
  if (record.qc.excludedByReason.length > 0)
    qcBits.push(`excluded ${count(excluded)} variants (${record.qc.excludedByReason.map((r) => `${r.reason.toLowerCase()}: ${count(r.count)}`).join(', ')})`);
  else if (record.qc.statistics.length > 0) qcBits.push('excluded no variants');
  if (record.qc.excludedChunks) qcBits.push(`${count(record.qc.excludedChunks)} chunk${record.qc.excludedChunks === 1 ? '' : 's'}`);
  if (record.qc.typedOnly) qcBits.push(`kept ${count(record.qc.typedOnly)} typed-only variants not in the panel`);
  if (qcBits.length > 0) parts.push(`The server's quality control ${qcBits.join(', ')}.`);
  if (record.quality && record.quality.variants > 0) {
    const q = record.quality;
    const pct = (n: number) => `${((100 * n) / q.variants).toFixed(1)} %`;
    const pass = q.pass.map((p) => `${count(p.count)} (${pct(p.count)}) had R2 ≥ ${p.threshold}`).join(' and ');
    parts.push(`Of ${count(q.variants)} variants in the results${q.meanR2 !== null ? ` (mean R2 ${q.meanR2.toFixed(3)})` : ''}, ${pass}.`);
  }
  parts.push(`This record was made with ${record.app.name} ${record.app.version} on ${day(record.createdAt)}.`);
  if (record.citations.length > 0) parts.push(`Please cite: ${record.citations.map((c) => c.text).join(' ')}`);
  return parts.join(' ');
}
