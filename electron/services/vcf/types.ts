// Types of the shared VCF-validation interface (agreed with the emulator). Optional fields marked
// "addition" extend the agreed shape without breaking it.

export type ServerFlavour = 'michigan' | 'topmed';

/** Release of genepi imputationserver-utils whose validator texts the server prints. */
export type UtilsVersion = '1.5.2' | '1.5.3';

/**
 * A service's documented policy that its pipeline does not enforce (docs/server-behaviour.md#topmed-texts): the
 * pre-flight check shows it as a warning citing `source`, never as a server error.
 */
export interface ServicePolicy {
  /** where the policy is written, e.g. 'TOPMed FAQ' */
  source: string;
  maxSamples?: number;
  maxAvgSnpsPerChunk?: number;
  /** chunk size the SNP-density policy refers to */
  chunkSizeBp?: number;
}

export interface ValidationLimits {
  flavour: ServerFlavour;
  minSamples: number; // 20 on both
  maxSamples: number; // pipeline default 50000 on both (TOPMed's 25,000 is policy, see `policy`)
  chunkSizeBp: number; // 20_000_000 michigan, 10_000_000 topmed
  /** an enforced SNP-density limit: no deployed validator has one (null on both; TOPMed's is `policy`) */
  maxAvgSnpsPerChunk: number | null;
  minSnpsPerChunk: number; // chunk with fewer SNPs is excluded (QC warning); docs/server-behaviour.md#server-limits
  allowedPhasing: string[]; // ['eagle','beagle','no_phasing'] on both
  /** addition: contact printed in the Michigan "maximum number of samples" text (pipeline default 'Admin') */
  contactName?: string;
  /** addition: pipeline default 'admin@localhost' */
  contactEmail?: string;
  /** addition: sample call rate under which a chunk is excluded (0.5) */
  sampleCallRate?: number;
  /** addition: the validator release (its texts differ); default '1.5.3' */
  utilsVersion?: UtilsVersion;
  /** addition: documented limits the pipeline does not enforce, shown as pre-flight warnings */
  policy?: ServicePolicy;
}

export interface SubmitOptions {
  build: string;
  phasing: string;
  refpanelId: string;
  refpanelBuild: string;
  population: string;
  mode: string;
  r2Filter?: string;
}

export interface ChunkStat {
  chromosome: string;
  start: number;
  end: number;
  /** SNPs the QC step would keep in this chunk (biallelic, PASS, polymorphic, <= 10 % missing) */
  snps: number;
  /** samples whose call rate over those SNPs is under 50 % */
  lowCallRateSamples: number;
  /** addition: records of any kind in the chunk */
  records?: number;
}

/** One reason the server would stop on a file, in the server's order (see VcfFileSummary.problems). */
export interface FileProblem {
  rule: string;
  /** tabix indexing (runs for every file first) or the validator */
  stage: 'index' | 'validate';
  /** the server's exact text ('' when the server would not word it, e.g. data lost in a broken plain-gzip file) */
  message: string;
  /** for fix texts */
  detail?: Record<string, string | number>;
}

export type DetectedFormat = 'bgzf' | 'gzip' | 'text' | 'binary' | 'empty' | 'bcf' | 'missing';

export interface VcfFileSummary {
  path: string;
  name: string;
  /** null when the file could be read as a VCF; else the server's exact failure message for this file */
  fatal: string | null;
  samples: number;
  sampleIds: string[];
  chromosomes: string[];
  variants: number;
  phased: boolean;
  firstPosition: number | null;
  lastPosition: number | null;
  suggestedBuild: 'hg19' | 'hg38' | null;
  chunks: ChunkStat[];
  bytes: number;
  /** addition: which server stage produces `fatal`: tabix indexing (runs for every file first) or validation */
  fatalStage?: 'index' | 'validate';
  /** addition: rule id of `fatal` (see fixes.ts) */
  fatalRule?: string;
  /** addition: what the first bytes look like */
  format?: DetectedFormat;
  /** addition: the 28-byte BGZF end-of-file block is present */
  eofBlock?: boolean;
  /** addition: CRLF line ends seen (the server copes) */
  crlf?: boolean;
  /** addition: a record whose FORMAT does not start with GT */
  missingGT?: boolean;
  /** addition: CHROM values as written, in order of appearance */
  rawChromosomes?: string[];
  /** addition: chunk statistics per chunk size (bp) */
  chunkSets?: Record<string, ChunkStat[]>;
  /** addition: the ##fileformat value, e.g. 'VCFv4.2' */
  fileformat?: string | null;
  /** addition: size of the uncompressed text in bytes (0 when not read) */
  uncompressedBytes?: number;
  /**
   * addition: every problem the server would stop at on this file, in the server's order; the
   * first one is `fatal`. The scan goes on past a problem wherever the data can still be read.
   */
  problems?: FileProblem[];
  /** addition: the #CHROM line was read, so `samples` is known even when the file has problems */
  sampleLine?: boolean;
  /** addition: IDs of the header's ##contig lines (bcftools needs one per CHROM; the server does not) */
  contigs?: string[];
}

export interface ScanOptions {
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** addition: chunk sizes to collect statistics for (default 10 Mb and 20 Mb) */
  chunkSizes?: number[];
  /** addition: worker threads to use; 0 = scan inline on this thread (default: inline under 8 MiB, else min(cores, 4)) */
  workers?: number;
  /** addition: smallest byte range given to one worker (default 1 MiB; tests use less) */
  minRangeBytes?: number;
}

export interface StepMessage {
  type: 0 | 1 | 2;
  text: string;
}
export interface StepOutcome {
  ok: boolean;
  messages: StepMessage[];
}

/** One failed rule, as the pre-flight check shows it. */
export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  /** the server's exact text ('' when the server says nothing about it) */
  serverMessage: string;
  explanation: string;
  fix: string;
  /** file the finding is about (absent for cross-file findings) */
  path?: string;
  /** addition: the server would stop at this finding first (its order: tabix, then the validator, then QC) */
  firstStop?: boolean;
}
