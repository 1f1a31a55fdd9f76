// Server limits and validator release per flavour: every flavour difference lives here, as data
// (docs/server-behaviour.md#submitting-a-job.5 and 5.6 "Which utils does TOPMed run? (corrected 2026-12-01)",
// docs/server-behaviour.md#server-limits and §6.4).
import type { ServerFlavour, ValidationLimits } from './types';

const LIMITS: Record<ServerFlavour, ValidationLimits> = {
  // Michigan runs genepi imputationserver-utils v1.5.3 with the imputationserver2 defaults.
  michigan: {
    flavour: 'michigan',
    minSamples: 20,
    maxSamples: 50_000,
    chunkSizeBp: 20_000_000,
    maxAvgSnpsPerChunk: null,
    // pipeline default 3 (HRC uses 20)
    minSnpsPerChunk: 3,
    allowedPhasing: ['eagle', 'beagle', 'no_phasing'],
    sampleCallRate: 0.5,
    utilsVersion: '1.5.3',
  },
  // Every public statgen/imputationserver2 image installs genepi utils v1.5.2 (max_samples 50,000,
  // beagle accepted). TOPMed's 25,000 samples and 20,000 SNPs per 10 Mb chunk are documented
  // policy only, so they become warnings.
  topmed: {
    flavour: 'topmed',
    minSamples: 20,
    maxSamples: 50_000,
    // TOPMed prints 291 chunks where Michigan prints 153 for the same data (docs/server-behaviour.md#server-limits)
    chunkSizeBp: 10_000_000,
    maxAvgSnpsPerChunk: null,
    // TOPMed logs print "< 20 SNPs" (docs/server-behaviour.md#server-limits, user notes)
    minSnpsPerChunk: 20,
    allowedPhasing: ['eagle', 'beagle', 'no_phasing'],
    sampleCallRate: 0.5,
    utilsVersion: '1.5.2',
    policy: { source: 'TOPMed FAQ', maxSamples: 25_000, maxAvgSnpsPerChunk: 20_000, chunkSizeBp: 10_000_000 },
  },
};

export function limitsFor(flavour: ServerFlavour): ValidationLimits {
  const { policy, ...limits } = LIMITS[flavour];
  return { ...limits, allowedPhasing: [...limits.allowedPhasing], ...(policy ? { policy: { ...policy } } : {}) };
}

export const DEFAULT_CHUNK_SIZES = [10_000_000, 20_000_000];
