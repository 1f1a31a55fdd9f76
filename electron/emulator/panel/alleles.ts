// How the QC step compares a study site's alleles with the panel's, in the order
// imputationserver-utils StatisticsTask#processLine checks them (GenomicTools): an exact match,
// then A/T-C/G sites (counted, kept), then allele switch, strand flip, strand flip and allele
// switch, and anything else is an allele mismatch (all four excluded).

export type AlleleClass = 'match' | 'atcg' | 'allele-switch' | 'strand-flip' | 'flip-and-switch' | 'mismatch';

const COMPLEMENT: Record<string, string> = { A: 'T', T: 'A', C: 'G', G: 'C' };

export const complement = (base: string): string => COMPLEMENT[base] ?? base;

/** A single A, C, G or T (any case): anything else is "Invalid Alleles". */
export const isValidAllele = (allele: string): boolean => allele.length === 1 && 'ACGTacgt'.includes(allele);

const AMBIGUOUS = new Set(['AT', 'TA', 'CG', 'GC']);

/** True for an A/T or C/G pair (strand cannot be told from the alleles). */
export const isAmbiguousPair = (ref: string, alt: string): boolean => AMBIGUOUS.has(ref + alt);

export function classifyAlleles(studyRef: string, studyAlt: string, panelRef: string, panelAlt: string): AlleleClass {
  const r = studyRef[0];
  const a = studyAlt[0];
  if (r === panelRef && a === panelAlt) return 'match';
  const study = studyRef + studyAlt;
  const panel = panelRef + panelAlt;
  if (AMBIGUOUS.has(study) && AMBIGUOUS.has(panel) && (study[0] === 'A' || study[0] === 'T') === (panel[0] === 'A' || panel[0] === 'T')) return 'atcg';
  if (r === panelAlt && a === panelRef) return 'allele-switch';
  // Only the eight non-ambiguous pairs can be a strand flip (GenomicTools lists them one by one).
  const flippable = study.length === 2 && !AMBIGUOUS.has(study);
  if (flippable && complement(r) === panelRef && complement(a) === panelAlt) return 'strand-flip';
  if (flippable && complement(r) === panelAlt && complement(a) === panelRef) return 'flip-and-switch';
  return 'mismatch';
}
