// Server limits per flavour (cloudgene-api.md 5.5, server-apps.md §5).
import type { ServerFlavour, ValidationLimits } from './types';

export function limitsFor(flavour: ServerFlavour): ValidationLimits {
  if (flavour === 'topmed') {
    return {
      flavour,
      minSamples: 20,
      maxSamples: 25_000,
      chunkSizeBp: 10_000_000,
      maxAvgSnpsPerChunk: 20_000,
      // TOPMed logs print "< 20 SNPs" (server-apps.md §5, V3)
      minSnpsPerChunk: 20,
      allowedPhasing: ['eagle', 'no_phasing'],
      sampleCallRate: 0.5,
    };
  }
  return {
    flavour,
    minSamples: 20,
    maxSamples: 50_000,
    chunkSizeBp: 20_000_000,
    maxAvgSnpsPerChunk: null,
    // pipeline default 3 (HRC uses 20)
    minSnpsPerChunk: 3,
    allowedPhasing: ['eagle', 'beagle', 'no_phasing'],
    sampleCallRate: 0.5,
  };
}

export const DEFAULT_CHUNK_SIZES = [10_000_000, 20_000_000];
