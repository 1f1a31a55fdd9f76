// From the server's list of excluded sites to edits of the user's files: an allele switch swaps
// REF and ALT (genotypes recoded), a strand flip takes the complementary bases, both does both,
// an allele mismatch is dropped. The new alleles are the panel's own (as the server names them),
// and a row is used only when its alleles fit its reason; monomorphic sites and the other
// filters are left as they are (nothing here would change the server's verdict on them).
import { normalizeChromosome } from '../rewrite/transforms/vcf-bytes';
import type { SiteEdit } from '../rewrite/types';
import type { ExcludedSite } from './excluded-sites';

export interface FixOptions {
  /** Swap and complement allele switches, strand flips and both. */
  alleles: boolean;
  /** Drop sites whose alleles do not match the panel's. */
  dropMismatches: boolean;
  /** Drop every A/T and C/G site (applied while rewriting; not a row of the list). */
  dropAmbiguous: boolean;
}

export interface FixPlan {
  edits: SiteEdit[];
  /** Rows whose alleles do not fit their reason (or name no panel alleles): left alone. */
  skipped: ExcludedSite[];
  counts: { swap: number; flip: number; flipSwap: number; drop: number };
}

const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' };

/** The complementary base of a single A, C, G or T (any case), or null. */
export function complement(base: string): string | null {
  return base.length === 1 ? (COMPLEMENT[base.toUpperCase()] ?? null) : null;
}

const same = (a: string | null, b: string): boolean => a !== null && a.toUpperCase() === b.toUpperCase();

export function fixPlan(sites: readonly ExcludedSite[], options: FixOptions): FixPlan {
  const edits: SiteEdit[] = [];
  const skipped: ExcludedSite[] = [];
  const counts = { swap: 0, flip: 0, flipSwap: 0, drop: 0 };
  for (const site of sites) {
    const base = { chromosome: normalizeChromosome(site.chrom), pos: site.pos, id: site.id, ref: site.ref, alt: site.alt, reason: site.info };
    const panel = site.panel;
    if (site.reason === 'allele-mismatch') {
      if (!options.dropMismatches) continue;
      edits.push({ ...base, action: 'drop', newRef: '', newAlt: '' });
      counts.drop++;
      continue;
    }
    if (site.reason !== 'allele-switch' && site.reason !== 'strand-flip' && site.reason !== 'flip-and-switch') continue;
    if (!options.alleles) continue;
    if (!panel) {
      skipped.push(site);
      continue;
    }
    if (site.reason === 'allele-switch' && same(site.alt, panel.ref) && same(site.ref, panel.alt)) {
      edits.push({ ...base, action: 'swap', newRef: panel.ref, newAlt: panel.alt });
      counts.swap++;
    } else if (site.reason === 'strand-flip' && same(complement(site.ref), panel.ref) && same(complement(site.alt), panel.alt)) {
      edits.push({ ...base, action: 'flip', newRef: panel.ref, newAlt: panel.alt });
      counts.flip++;
    } else if (site.reason === 'flip-and-switch' && same(complement(site.alt), panel.ref) && same(complement(site.ref), panel.alt)) {
      edits.push({ ...base, action: 'flip-swap', newRef: panel.ref, newAlt: panel.alt });
      counts.flipSwap++;
    } else skipped.push(site);
  }
  return { edits, skipped, counts };
}
