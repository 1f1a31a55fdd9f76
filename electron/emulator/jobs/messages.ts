// Texts of the imputationserver2 steps (docs/server-behaviour.md#pipeline-messages). The QC report's texts are in qc-report.ts.

/** Java's Double.toString for the template's `(completed/(double)total)*100`: 25.0, 33.33333333333333. */
function javaPercent(part: number, total: number): string {
  const v = total === 0 ? Number.NaN : (part / total) * 100;
  if (Number.isNaN(v)) return 'NaN';
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

/**
 * Nextflow progress-bar view (cloudgene3 templates/progressbar.html), updated in place; Cloudgene
 * removes the template's newlines and keeps its tabs.
 */
export function progressBar(label: string, done: number, total: number, failed = 0): string {
  const running = Math.max(0, total - done - failed);
  return (
    `<b>${label} (${done}/${total})</b><br><div class="progress" style="width: 100%; margin-top: 15px;">` +
    `\t<div class="progress-bar bg-success" style="width: ${javaPercent(done, total)}%;"></div>` +
    `\t<div class="progress-bar bg-primary" style="width: ${javaPercent(failed, total)}%;"></div>` +
    `\t<div class="progress-bar bg-light" style="width: ${javaPercent(running, total)}%;"></div></div>`
  );
}

export const STATUS_RUNNING = 'Processing data...';
export const STATUS_KILLED = 'Data processing failed.';

// main.nf's own checks, before any process runs (docs/server-behaviour.md#submitting-a-job.6); the same texts on TOPMed.
export const PHASING_OPTIONS = "For phasing, only options 'eagle', 'beagle' or 'no_phasing' are allowed.";
export const NO_VCF_GZ = 'No vcf.gz input files detected.';
export const PHASING_ENGINES = ['eagle', 'beagle', 'no_phasing'];

export const PIPELINE_FAILED = 'Pipeline execution failed.';
export const PIPELINE_CANCELED = 'Pipeline execution canceled.';
export const JOB_FAILED = 'Imputation job failed.';
export const JOB_CANCELED = 'Imputation job canceled.';

export function populationNotSupported(population: string, panelId: string, available: string[]): string {
  return [`Population '${population}' is not supported by reference panel '${panelId}'.`, 'Available populations:', ...available.map((p) => ` - ${p}`)].join(
    '\n',
  );
}

/** main.nf onComplete: the e-mail variant when the server sends mail, else the password itself. */
export function exportedMessage(mail: string | null, password: string): string {
  if (mail) return `Data have been exported successfully. We have sent a notification email to <b>${mail}</b>`;
  return `Data have been exported successfully. We encrypted the results with the following password: <b>${password}</b>`;
}
