// Types of the shared VCF-validation interface (agreed with the emulator). Optional fields marked
// "addition" extend the agreed shape without breaking it.

export type ServerFlavour = 'michigan' | 'topmed';

export interface ValidationLimits {
  flavour: ServerFlavour;
  minSamples: number; // 20 on both
  maxSamples: number; // 50000 michigan, 25000 topmed
  chunkSizeBp: number; // 20_000_000 michigan, 10_000_000 topmed
  maxAvgSnpsPerChunk: number | null; // topmed 20000, michigan null
  minSnpsPerChunk: number; // chunk with fewer SNPs is excluded (QC warning); server-apps.md §5
  allowedPhasing: string[]; // michigan ['eagle','beagle','no_phasing'], topmed ['eagle','no_phasing']
  /** addition: contact printed in the Michigan "maximum number of samples" text (pipeline default 'Admin') */
  contactName?: string;
  /** addition: pipeline default 'admin@localhost' */
  contactEmail?: string;
  /** addition: sample call rate under which a chunk is excluded (0.5) */
  sampleCallRate?: number;
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
}
