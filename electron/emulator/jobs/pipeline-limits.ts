// The input-validation limits the emulated pipeline enforces. Both servers run genepi
// imputationserver-utils (TOPMed v1.5.2, docs/server-behaviour.md#submitting-a-job.6 "Which utils does TOPMed run?"):
// at most 50,000 samples, no SNP-density rule, and main.nf accepts beagle on both. TOPMed's
// 25,000-sample and 20,000-SNPs-per-chunk figures are policy, not pipeline checks.
import { limitsFor } from '../../services/vcf/index';
import type { ValidationLimits } from '../../services/vcf/index';

export function pipelineLimits(flavour: 'michigan' | 'topmed'): ValidationLimits {
  return { ...limitsFor(flavour), maxSamples: 50_000, maxAvgSnpsPerChunk: null, allowedPhasing: ['eagle', 'beagle', 'no_phasing'] };
}
