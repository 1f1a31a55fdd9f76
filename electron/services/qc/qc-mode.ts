// The QC-only value of the app's `mode` input, read from the server's own form (cloudgene-api.md
// 5.1: imputationserver2 offers `qc_only`; the pipeline treats anything but `imputation` as QC only,
// so an app that lists no such option cannot be asked for a check).
import type { FormField } from '../../ipc/contract';

export const IMPUTATION_MODE = 'imputation';

export function qcModeOf(fields: readonly FormField[]): { value: string; label: string } | null {
  const mode = fields.find((field) => field.id === 'mode');
  if (!mode || mode.kind !== 'select') return null;
  const option = mode.options.find((candidate) => candidate.value !== IMPUTATION_MODE && /\bqc|quality control/i.test(`${candidate.value} ${candidate.label}`));
  return option ? { value: option.value, label: option.label } : null;
}

/** The form's values for an imputation run (mode set to imputation where the form has a mode). */
export function imputationValues(fields: readonly FormField[], values: Record<string, string>): Record<string, string> {
  const mode = fields.find((field) => field.id === 'mode');
  if (!mode || mode.kind !== 'select' || !mode.options.some((option) => option.value === IMPUTATION_MODE)) return { ...values };
  return { ...values, mode: IMPUTATION_MODE };
}
