// The bins of the quality plots, shared by main (and its worker threads, which load no zod) and
// the renderer. Pure TypeScript, no imports.

/**
 * Minor allele frequency bins of the quality plots: [min, max), the last one closed at 0.5.
 * Values are compared as parsed from the file's text, so a MAF of exactly 0.001 is in the second bin.
 */
export const MAF_BINS = [
  { id: 'maf-0-0.1', label: '0–0.1 %', min: 0, max: 0.001 },
  { id: 'maf-0.1-0.5', label: '0.1–0.5 %', min: 0.001, max: 0.005 },
  { id: 'maf-0.5-1', label: '0.5–1 %', min: 0.005, max: 0.01 },
  { id: 'maf-1-5', label: '1–5 %', min: 0.01, max: 0.05 },
  { id: 'maf-5-50', label: '5–50 %', min: 0.05, max: 0.5 },
] as const;

/** The R2 histogram: 20 bins of 0.05, [k/20, (k+1)/20), the last one closed at 1. */
export const R2_HISTOGRAM_BINS = 20;
/** The two thresholds researchers quote ("passing 0.3", "well imputed at 0.8"). */
export const R2_THRESHOLDS = [0.3, 0.8] as const;
/** At most this many (R2, ER2) points per chromosome travel for the scatter plot; the bins hold all. */
export const ER2_POINTS_MAX = 2000;
