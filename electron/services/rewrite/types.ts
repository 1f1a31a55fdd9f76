// The rewriting pipeline's shapes: "read BGZF VCF records → transform or filter each line → write
// BGZF". A transform is a pure function of one line (header or record), so batches of lines can
// be rewritten on several worker threads at once and put back in order. Transforms are named by a
// serializable spec (they are built inside each worker from it): add a kind to TransformSpec and
// its factory to transforms/index.ts.

/** Bytes a transform writes one line at a time (the newline is the transform's to write). */
export interface ByteSink {
  /** Appends bytes [start, end) of `source`. */
  write(source: Uint8Array, start: number, end: number): void;
  /** Appends one byte. */
  byte(value: number): void;
  /** Appends Latin-1 text (header lines, short fields). */
  text(value: string): void;
}

/** What a transform may report besides its output: counts, markers and change-log rows. */
export interface TransformReport {
  /** Adds to a named count (summed over the whole file). */
  count(name: string, by?: number): void;
  /** Marks an opaque key as seen (e.g. an edit that was applied); collected over the whole file. */
  mark(key: string): void;
  /** One change-log row (tab-separated fields without the file name). */
  log(fields: readonly string[]): void;
}

export interface RecordTransform {
  /** A header line (starting with '#', without its newline): written as returned, dropped when null. */
  header(line: string, report: TransformReport): string | null;
  /** One record line [start, end) of `line` (no newline): writes its output (with a newline) or nothing. */
  record(line: Uint8Array, start: number, end: number, out: ByteSink, report: TransformReport): void;
}

/** A change to one site, found by position and alleles (or by ID where positions cannot be trusted). */
export interface SiteEdit {
  /** Normalised chromosome ('20', 'X'); '' when found by ID. */
  chromosome: string;
  pos: number;
  /** The ID column, used when `matchBy` is 'id'. */
  id: string;
  /** The site's alleles as the file has them. */
  ref: string;
  alt: string;
  action: 'swap' | 'flip' | 'flip-swap' | 'drop';
  /** Alleles after the edit (unused for 'drop'). */
  newRef: string;
  newAlt: string;
  /** Why (the server's reason), for the change log. */
  reason: string;
}

export type TransformSpec =
  /** INFO emptied, FORMAT reduced to GT (the servers read only GT); their header lines go too. */
  | { kind: 'slim-gt'; headerLine?: string }
  /** Allele fixes from a QC report: swap, complement or drop listed sites; optionally every A/T, C/G site; optionally slim. */
  | {
      kind: 'site-edits';
      edits: SiteEdit[];
      matchBy: 'position' | 'id';
      dropAmbiguous: boolean;
      slim: boolean;
      headerLine?: string;
    };

/** The columns of the change log a transform writes (after the FILE column the pipeline adds). */
export const CHANGE_LOG_COLUMNS = ['CHROM', 'POS', 'ID', 'OLD_REF', 'OLD_ALT', 'NEW_REF', 'NEW_ALT', 'ACTION', 'REASON'] as const;

/** Totals of one rewritten file. */
export interface RewriteStats {
  linesIn: number;
  linesOut: number;
  headerLines: number;
  /** Compressed bytes read and written. */
  bytesIn: number;
  bytesOut: number;
  /** Uncompressed bytes read and written. */
  textIn: number;
  textOut: number;
  counts: Record<string, number>;
  marks: string[];
}
