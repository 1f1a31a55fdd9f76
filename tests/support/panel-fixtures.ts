// Study VCFs made from the emulator's panel model with chosen QC problems injected (allele
// switches, strand flips, both, A/T-C/G sites, mismatches, typed-only and monomorphic sites); the
// cohort's `expected` says what the server's QC must report for it.
import { writeFile } from 'node:fs/promises';
import { panelCohort, type PanelCohort, type PanelCohortSpec } from '../../electron/emulator/panel/panel-cohort';
import { bgzfCompress } from '../../electron/services/vcf/bgzf-write';

export { panelCohort, type PanelCohort, type PanelCohortSpec, type CohortInjections } from '../../electron/emulator/panel/panel-cohort';

/** Writes the cohort as BGZF (with the EOF block) and returns it. */
export async function writePanelCohort(path: string, spec: PanelCohortSpec = {}): Promise<PanelCohort> {
  const cohort = panelCohort(spec);
  await writeFile(path, bgzfCompress(cohort.text));
  return cohort;
}
