// The servers' exact texts (docs/server-behaviour.md#pipeline-messages). Texts marked
// APPROX are reconstructed from the tools' sources (htslib tabix, htsjdk) and may differ in detail.
import type { UtilsVersion } from './types';

export const MALFORMED = 'The provided VCF file is malformed.';
export const malformed = (tabixOutput: string): string => `${MALFORMED}\nError: ${tabixOutput}`;

// --- tabix (htslib 1.15.1, the pipeline's environment.yml) output, as `tabix -p vcf <name>` prints it
// in the job folder. Checked against Debian's tabix 1.16. Lines tabix cannot parse are only logged
// (exit code 0), so they surface later in the validator, not here.
export const tabixNotBgzf = (name: string): string => `[tabix] the compression of '${name}' is not BGZF`;
const tbxFailed = (name: string): string => `tbx_index_build failed: ${name}`;
export const tabixUnsorted = (tid: number, last: number, pos: number, name: string): string =>
  `[E::hts_idx_push] Unsorted positions on sequence #${tid}: ${last} followed by ${pos}\n${tbxFailed(name)}`;
export const tabixNotContinuous = (name: string): string => `[E::hts_idx_push] Chromosome blocks not continuous\n${tbxFailed(name)}`;
// bgzf.c read errors (the truncated text matches tabix 1.16; the others are APPROX)
export const tabixTruncated = (offset: number, expected: number, got: number, name: string): string =>
  `[E::bgzf_read_block] Failed to read BGZF block data at offset ${offset} expected ${expected} bytes; hread returned ${got}\n${tbxFailed(name)}`;
export const tabixBadBlock = (offset: number, name: string): string => `[E::bgzf_read_block] Invalid BGZF header at offset ${offset}\n${tbxFailed(name)}`;
export const tabixInflate = (offset: number, detail: string, name: string): string =>
  `[E::bgzf_uncompress] Inflate operation failed: ${detail}\n${tbxFailed(name)}`;

// --- imputationserver-utils VcfFileUtil / InputValidationCommand
export const NOT_TAB_DELIMITED = 'The provided VCF file is not tab-delimited';
export const MORE_THAN_ONE_CHROMOSOME = 'The provided VCF file contains more than one chromosome. Please split your input VCF file by chromosome';
export const HEADER_ONLY = 'No genotypes found in the VCF file. It appears the file contains only the header.';
export const refEqualsAlt = (id: string, ref: string, alt: string): string =>
  `The provided VCF file is malformed at variation ${id}: reference allele (${ref}) and alternate allele  (${alt}) are the same.`;
export const duplicateSample = (id: string): string => `Two individuals or more have the following ID: ${id}`;
/** Java's ArrayIndexOutOfBoundsException text (a record with fewer columns than the server reads) */
export const indexOutOfBounds = (index: number, length: number): string => `Index ${index} out of bounds for length ${length}`;
/** Java's NumberFormatException text for Integer.parseInt(POS) */
export const numberFormat = (text: string): string => `For input string: "${text}"`;
// APPROX: htsjdk header failures wrapped by the Tribble reader
export const headerError = (detail: string, name: string): string =>
  `Unable to parse header with error: Your input file has a malformed header: ${detail}, for input source: ${name}`;
export const NO_VERSION_LINE = 'We never saw a header line specifying VCF version';
export const NO_CHROM_LINE = 'We never saw the required CHROM header line (starting with one #) for the input VCF file';

/** The text per validator release (v1.5.3 names the chromosome; v1.5.2, on TOPMed, does not). */
const INVALID_CHROMOSOME: Record<UtilsVersion, (chromosome: string) => string> = {
  '1.5.3': (chromosome) => `Invalid chromosome found: ${chromosome}`,
  '1.5.2': () => 'No valid chromosomes found!',
};
export const invalidChromosome = (chromosome: string, version: UtilsVersion = '1.5.3'): string => INVALID_CHROMOSOME[version](chromosome);
export const sampleCountMismatch = (current: number, previous: number): string =>
  `Please double check, if all uploaded VCF files include the same amount of samples (${current} vs ${previous})`;
export const tooFewSamples = (min: number): string => `At least ${min} samples must be uploaded.`;
export const tooManySamples = (max: number, contactName: string, contactEmail: string): string =>
  `The maximum number of samples is ${max}. Please contact ${contactName} (<a href="${contactEmail}">${contactEmail}</a>) to discuss this large imputation.`;
export const wrongBuild = (build: 'hg19' | 'hg38', raw: string, chromosome: string): string =>
  `Your upload data contains chromosome '${raw}'. This is not a valid ${build} encoding. Please ensure that your input data is build ${build} and chromosome is encoded as '${build === 'hg38' ? 'chr' : ''}${chromosome}'.`;
export const NOT_VCF_FILES = 'The provided files are not VCF files (see <a href="/start.html#!pages/help">Help</a>).';
export const UNPHASED_NO_PHASING = 'Your input data is unphased. Please select an algorithm for phasing.';
export const NO_VCF_GZ = 'No vcf.gz input files detected.';
export const PHASING_OPTIONS = "For phasing, only options 'eagle', 'beagle' or 'no_phasing' are allowed.";
// The statgen/imputationserver-utils texts (25,000 samples, SNP density, one file per chromosome)
// are in no image TOPMed is shown to run, so none of them is reproduced here (docs/server-behaviour.md#topmed-texts).

// --- Quality Control (QualityControlCommand)
export const chunksExcludedSnps = (n: number, minSnps: number): string =>
  `<b>Warning:</b> ${n} Chunk(s) excluded: < ${minSnps} SNPs (see chunks-excluded.txt for details).`;
export const chunksExcludedCallRate = (n: number): string =>
  `<b>Warning:</b> ${n} Chunk(s) excluded: at least one sample has a call rate < 50.0% (see chunks-excluded.txt for details).`;
export const remainingChunks = (n: number): string => `Remaining chunk(s): ${n}`;
export const NO_CHUNKS_PASSED = '<b>Error:</b> No chunks passed the QC step. Imputation cannot be started!';
