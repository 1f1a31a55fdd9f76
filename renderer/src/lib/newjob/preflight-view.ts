// What the pre-flight report says, per file and overall, in the form's words.
import type { Finding, PreflightReport } from '../../../../electron/ipc/contract';
import { formatCount } from './upload-format';

export type PreflightFile = PreflightReport['files'][number];

export function allFindings(report: PreflightReport): Finding[] {
  return [...report.files.flatMap((file) => file.findings), ...report.crossFile];
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number } {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return { errors, warnings: findings.length - errors };
}

export const FIRST_STOP_LABEL = 'The server would stop here first';

/** The line above a finding: what the server would do with it. */
export function findingHeading(finding: Finding): string {
  if (finding.severity === 'error') return `Error: the server would fail the job${finding.serverMessage ? ' with' : ''}`;
  return finding.serverMessage ? 'Warning: the server would say' : 'Warning';
}

/** The one-line verdict under the file list. */
export function verdictText({ errors, warnings }: { errors: number; warnings: number }): string {
  if (errors === 0 && warnings === 0) return 'The files pass the server’s input checks.';
  const parts = [errors > 0 ? `${errors} error${errors === 1 ? '' : 's'}` : '', warnings > 0 ? `${warnings} warning${warnings === 1 ? '' : 's'}` : ''].filter(
    Boolean,
  );
  const found = `The check found ${parts.join(' and ')}`;
  if (errors === 0) return `${found}.`;
  if (errors === 1) return `${found}: the server would stop this job. See each file above.`;
  // the server reports one error per run; the check lists them all so they can be fixed at once
  return `${found}: the server would stop this job at the one marked “${FIRST_STOP_LABEL}” and report the others one run at a time. See each file above.`;
}

/** Under a file with several fixes: each command reads the original file and writes its own output. */
export function severalFixesNote(findings: readonly Finding[]): string | null {
  const fixes = findings.filter((finding) => finding.fix.trim() !== '').length;
  return fixes > 1 ? 'Each fix reads this file as it is: run one, add the file it writes instead of this one, and the check shows what is left.' : null;
}

const plural = (count: number, word: string): string => `${formatCount(count)} ${word}${count === 1 ? '' : 's'}`;

/** One short fact per item: samples, chromosome, variants, chunks, phasing, positions, build hint. */
export function fileFacts(file: PreflightFile): string[] {
  const facts = [plural(file.samples, 'sample')];
  if (file.chromosomes.length === 1) facts.push(`chromosome ${file.chromosomes[0]}`);
  else if (file.chromosomes.length > 1) facts.push(`chromosomes ${file.chromosomes.join(', ')}`);
  facts.push(plural(file.variants, 'variant'), plural(file.chunks, 'chunk'), file.phased ? 'phased' : 'unphased');
  if (file.firstPosition !== null && file.lastPosition !== null) {
    facts.push(`positions ${formatCount(file.firstPosition)}–${formatCount(file.lastPosition)}`);
  }
  if (file.suggestedBuild) {
    facts.push(file.suggestedBuild === 'hg38' ? "'chr' prefix: looks like hg38" : "no 'chr' prefix: looks like hg19");
  }
  return facts;
}

export type CheckPhase = 'idle' | 'running' | 'done' | 'failed';

export interface SubmitGate {
  formReady: boolean;
  blocker: string | null;
  fileCount: number;
  missingTerms: string[];
  passwordProblem: string | null;
  check: CheckPhase;
  checkErrors: number;
  /** "Submit anyway": the user lets the server judge. */
  overridden: boolean;
  submitting: boolean;
}

/** Why the submit button is off, in the order a user would fix things; empty = ready. */
export function submitBlockers(gate: SubmitGate): string[] {
  if (!gate.formReady) return ['The form is still loading.'];
  const reasons: string[] = [];
  if (gate.blocker) reasons.push(gate.blocker);
  if (gate.fileCount === 0) reasons.push('Add at least one .vcf.gz file.');
  if (gate.fileCount > 0 && !gate.overridden) {
    if (gate.check === 'running' || gate.check === 'idle') reasons.push('Wait for the file check to finish.');
    else if (gate.check === 'failed') reasons.push('The file check could not run: try again, or choose “Submit anyway”.');
    else if (gate.checkErrors > 0) {
      reasons.push(`Fix the ${gate.checkErrors === 1 ? 'problem' : `${gate.checkErrors} problems`} the file check found, or choose “Submit anyway”.`);
    }
  }
  for (const label of gate.missingTerms) reasons.push(`Accept: ${label}`);
  if (gate.passwordProblem) reasons.push(gate.passwordProblem);
  if (gate.submitting) reasons.push('Submitting…');
  return reasons;
}
