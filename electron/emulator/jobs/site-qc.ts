// The Quality Control statistics of imputationserver-utils (StatisticsTask, QualityControlCommand)
// against the emulator's panel model: per-site classification in the tool's order, the rows of
// statistics/snps-excluded.txt and snps-typed-only.txt, chunk exclusion (chunks-excluded.txt),
// and lift-over when the upload's build differs from the panel's (lift-over.txt).
import { classifyAlleles, isValidAllele } from '../panel/alleles';
import { liftPosition, normalizeChromosome } from '../panel/panel-model';
import type { Build, PanelModel } from '../panel/panel-model';
import type { SiteRecord } from './site-records';

export interface QcSettings {
  uploadBuild: Build;
  panelBuild: Build;
  chunkSize: number;
  /** The pipeline's phasing window (params.phasing.window, 5 Mb). */
  phasingWindow: number;
  minSnps: number;
  /** Minimum share of a chunk's sites found in the panel (panel qcFilter `overlap`, 0.5). */
  overlap: number;
  /** Minimum call rate of every sample in a chunk (qcFilter `sampleCallrate`, 0.5). */
  sampleCallrate: number;
  /** At most this many typed sites of each chromosome are kept for the result files. */
  keepTypedPerChromosome: number;
}

export interface QcCounts {
  alternativeAlleles: number;
  foundInLegend: number;
  notFoundInLegend: number;
  match: number;
  alleleSwitch: number;
  strandFlip: number;
  flipAndSwitch: number;
  atcg: number;
  filterFlag: number;
  invalidAlleles: number;
  multiallelic: number;
  duplicates: number;
  nonSnp: number;
  monomorphic: number;
  alleleMismatch: number;
  lowCallRate: number;
  /** Excluded sites in total. */
  filtered: number;
  /** Remaining sites in total. */
  remaining: number;
}

/** A site that goes on to imputation, kept for the result files. */
export interface TypedSite {
  pos: number;
  id: string;
  ref: string;
  alt: string;
  /** Matched the panel (TYPED and IMPUTED with ER2); false = typed only (TYPED). */
  inPanel: boolean;
  haps: Uint8Array | null;
}

export interface ChunkCounts {
  total: number;
  excludedSnps: number;
  excludedCallRate: number;
  excludedOverlap: number;
}

export interface QcOutcome {
  counts: QcCounts;
  chunks: ChunkCounts;
  excludedRows: string[];
  typedOnlyRows: string[];
  chunkRows: string[];
  liftOverRows: string[];
  /** Normalised chromosomes in the order the files were read. */
  chromosomes: string[];
  typed: Map<string, TypedSite[]>;
  sampleIds: string[];
}

interface Chunk {
  number: number;
  chromosome: string;
  start: number;
  end: number;
  found: number;
  notFound: number;
  overallSnps: number;
  lastPos: number;
  called: Int32Array;
  /** Sites where every sample was called (synthetic sites carry no per-sample calls). */
  calledByAll: number;
}

const pad10 = (n: number): string => String(n).padStart(10, '0');

/** Java's Double.toString for the values these files hold (e.g. 1.0, 0.4, NaN, 1.0E-4). */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e7) return `${value}.0`;
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) return String(value);
  const [mantissa, exponent] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

export class SiteQc {
  private readonly counts: QcCounts = {
    alternativeAlleles: 0,
    foundInLegend: 0,
    notFoundInLegend: 0,
    match: 0,
    alleleSwitch: 0,
    strandFlip: 0,
    flipAndSwitch: 0,
    atcg: 0,
    filterFlag: 0,
    invalidAlleles: 0,
    multiallelic: 0,
    duplicates: 0,
    nonSnp: 0,
    monomorphic: 0,
    alleleMismatch: 0,
    lowCallRate: 0,
    filtered: 0,
    remaining: 0,
  };
  private readonly chunkCounts: ChunkCounts = { total: 0, excludedSnps: 0, excludedCallRate: 0, excludedOverlap: 0 };
  private readonly excludedRows: string[] = [];
  private readonly typedOnlyRows: string[] = [];
  private readonly chunkRows: string[] = [];
  private readonly liftOverRows: string[] = [];
  private readonly chromosomes: string[] = [];
  private readonly typed = new Map<string, TypedSite[]>();
  private sampleIds: string[] = [];
  private chunks = new Map<number, Chunk>();
  /** Passing sites within the phasing window of each chunk, by chunk number. */
  private validSnps = new Map<number, number>();
  private samples = 0;
  private chromosome = '';

  constructor(
    private readonly settings: QcSettings,
    private readonly panel: PanelModel,
  ) {}

  beginFile(sampleIds: string[]): void {
    this.samples = sampleIds.length;
    if (this.sampleIds.length === 0) this.sampleIds = sampleIds;
    this.chunks = new Map();
    this.validSnps = new Map();
    this.chromosome = '';
  }

  private chunkOf(number: number): Chunk {
    let chunk = this.chunks.get(number);
    if (!chunk) {
      const start = number * this.settings.chunkSize + 1;
      chunk = {
        number,
        chromosome: this.chromosome,
        start,
        end: start + this.settings.chunkSize - 1,
        found: 0,
        notFound: 0,
        overallSnps: 0,
        lastPos: 0,
        called: new Int32Array(this.samples),
        calledByAll: 0,
      };
      this.chunks.set(number, chunk);
    }
    return chunk;
  }

  private exclude(record: SiteRecord, info: string): void {
    this.excludedRows.push(`${record.id}\t${record.chrom}\t${record.pos}\t${record.ref}\t${record.alt}\t${info}`);
    this.counts.filtered++;
  }

  private keep(chromosome: string, record: SiteRecord, inPanel: boolean): void {
    let list = this.typed.get(chromosome);
    if (!list) this.typed.set(chromosome, (list = []));
    if (list.length >= this.settings.keepTypedPerChromosome) return;
    list.push({ pos: record.pos, id: record.id, ref: record.ref, alt: record.alt, inPanel, haps: record.haps ? record.haps.slice() : null });
  }

  /** One record of the current file, in file order. */
  add(input: SiteRecord): void {
    const { settings, counts } = this;
    let record = input;
    if (settings.uploadBuild !== settings.panelBuild) {
      const lifted = liftPosition(record.chrom, record.pos, settings.uploadBuild, settings.panelBuild);
      if (lifted === null) {
        this.liftOverRows.push(`${record.chrom}:${record.pos}\tLiftOver\tLiftOver failed. SNP removed.`);
        return;
      }
      const bare = record.chrom.replace(/^chr/, '');
      record = { ...record, chrom: settings.panelBuild === 'hg38' ? `chr${bare}` : bare, pos: lifted };
    }
    const chromosome = normalizeChromosome(record.chrom);
    if (this.chromosome === '') {
      this.chromosome = chromosome;
      if (!this.chromosomes.includes(chromosome)) this.chromosomes.push(chromosome);
    }
    const size = settings.chunkSize;
    const number = Math.floor(record.pos / size) - (record.pos % size === 0 ? 1 : 0);
    const chunk = this.chunkOf(number);

    if (record.alt.includes(',')) {
      counts.multiallelic++;
      return this.exclude(record, 'Multiallelic Site');
    }
    if (!isValidAllele(record.ref) || !isValidAllele(record.alt)) {
      counts.invalidAlleles++;
      return this.exclude(record, 'Invalid Alleles');
    }
    const filtered = record.filter !== 'PASS' && record.filter !== '.';
    if (!filtered) chunk.lastPos = record.pos;
    if (filtered) {
      if (record.filter.includes('DUP')) {
        counts.duplicates++;
        return this.exclude(record, 'Filter Duplicate');
      }
      counts.filterFlag++;
      return this.exclude(record, 'Filter Other');
    }
    const aaf = (record.het + record.homVar * 2) / ((record.nSamples - record.noCall) * 2);
    if (aaf > 0.5) counts.alternativeAlleles++;
    if (record.nSamples > 1 && record.homRef + record.noCall === record.nSamples) {
      counts.monomorphic++;
      return this.exclude(record, 'Monomorphic');
    }
    const lookup = this.panel.lookup(record.chrom, record.pos);
    if (lookup.kind === 'gap') {
      counts.notFoundInLegend++;
      chunk.notFound++;
      this.typedOnlyRows.push(`${record.id}\t${record.chrom}\t${record.pos}\t${record.ref}\t${record.alt}`);
      this.keep(chromosome, record, false);
      return;
    }
    counts.foundInLegend++;
    chunk.found++;
    // A position the model does not know counts as a match (the model is not a whole panel).
    let inPanel = true;
    if (lookup.kind === 'site') {
      const panel = lookup.site;
      const verdict = classifyAlleles(record.ref, record.alt, panel.ref, panel.alt);
      const where = `Reference Panel: ${panel.ref}/${panel.alt}`;
      if (verdict === 'atcg') {
        counts.atcg++;
        inPanel = false;
      } else if (verdict === 'allele-switch') {
        counts.alleleSwitch++;
        return this.exclude(record, `Allele switch. ${where}`);
      } else if (verdict === 'strand-flip') {
        counts.strandFlip++;
        return this.exclude(record, `Strand flip. ${where}`);
      } else if (verdict === 'flip-and-switch') {
        counts.flipAndSwitch++;
        return this.exclude(record, `Strand flip and Allele switch. ${where}`);
      } else if (verdict === 'mismatch') {
        counts.alleleMismatch++;
        return this.exclude(record, `Allele mismatch. ${where}`);
      } else counts.match++;
    } else counts.match++;
    if (record.noCall / record.nSamples > 0.1) {
      counts.lowCallRate++;
      return this.exclude(record, `Low call rate. Value: ${javaDouble(1.0 - record.noCall / record.nSamples)}`);
    }
    counts.remaining++;
    chunk.overallSnps++;
    const window = settings.phasingWindow;
    for (let n = number - 1; n <= number + 1; n++) {
      const start = n * size + 1;
      if (n >= 0 && record.pos >= start - window && record.pos <= start + size - 1 + window) this.validSnps.set(n, (this.validSnps.get(n) ?? 0) + 1);
    }
    if (record.called) {
      for (let i = 0; i < this.samples; i++) chunk.called[i] += record.called[i];
    } else chunk.calledByAll++;
    this.keep(chromosome, record, inPanel);
  }

  /** Closes the current file's chunks (StatisticsTask#chunkSummary). */
  endFile(): void {
    const { settings } = this;
    for (const chunk of [...this.chunks.values()].sort((a, b) => a.number - b.number)) {
      if (chunk.lastPos < chunk.start) continue; // a chunk that only saw filtered sites is dropped
      this.chunkCounts.total++;
      let lowSamples = 0;
      for (let i = 0; i < chunk.called.length; i++) if ((chunk.called[i] + chunk.calledByAll) / chunk.overallSnps < settings.sampleCallrate) lowSamples++;
      const overlap = chunk.found / (chunk.found + chunk.notFound);
      const valid = this.validSnps.get(chunk.number) ?? 0;
      if (overlap >= settings.overlap && chunk.found >= settings.minSnps && lowSamples === 0 && valid >= settings.minSnps) continue;
      const id = `chunk_${chunk.chromosome}_${pad10(chunk.start)}_${pad10(chunk.end)}`;
      this.chunkRows.push(`${id}\t${chunk.overallSnps}\t${javaDouble(overlap)}\t${lowSamples}`);
      if (overlap < settings.overlap) this.chunkCounts.excludedOverlap++;
      else if (chunk.found < settings.minSnps || valid < settings.minSnps) this.chunkCounts.excludedSnps++;
      else this.chunkCounts.excludedCallRate++;
    }
    this.chunks = new Map();
  }

  result(): QcOutcome {
    return {
      counts: { ...this.counts },
      chunks: { ...this.chunkCounts },
      excludedRows: this.excludedRows,
      typedOnlyRows: this.typedOnlyRows,
      chunkRows: this.chunkRows,
      liftOverRows: this.liftOverRows,
      chromosomes: this.chromosomes,
      typed: this.typed,
      sampleIds: this.sampleIds,
    };
  }
}
