// Per-record bookkeeping for one contiguous run of VCF body lines. A scan of a file range fills one
// accumulator; accumulators of consecutive ranges are merged left to right, so every "first event"
// (the first line where the server would stop) keeps its place in file order.
// The state is plain data so it can cross a worker boundary by structured clone.

export interface LineRef {
  line: number;
}
export interface TabixParseEvent extends LineRef {
  text: string;
}
export interface UnsortedEvent extends LineRef {
  chrom: string;
  last: number;
  pos: number;
}
export interface ReappearEvent extends LineRef {
  chrom: string;
}
export interface FieldsEvent extends LineRef {
  fields: number;
}
export interface TextEvent extends LineRef {
  text: string;
}
export interface RefAltEvent extends LineRef {
  id: string;
  ref: string;
  alt: string;
}

export interface ChunkAcc {
  /** records (any kind) whose position falls in this chunk */
  records: number;
  /** SNPs the QC step would keep (biallelic A/C/G/T, PASS/., not duplicate, polymorphic, <= 10 % missing) */
  snps: number;
  /** per sample: missing genotypes among `snps` */
  missing: Int32Array;
}

export interface AccState {
  lines: number; // body lines seen (ordinal space for events)
  firstChrom: string | null; // raw CHROM of the first record
  firstStripped: string | null; // CHROM with every 'chr' removed (the server's normalisation)
  lastChrom: string | null;
  firstPos: number; // -1 when none
  lastPos: number;
  hasChrPrefix: boolean;
  runs: { chrom: string; line: number }[]; // distinct CHROM values in order of first appearance
  // events that make tabix fail (index stage)
  tabixParse: TabixParseEvent | null;
  unsorted: UnsortedEvent | null;
  reappear: ReappearEvent | null;
  // events that make the server's validation fail (validate stage)
  notTab: LineRef | null;
  badPos: TextEvent | null;
  firstShort: FieldsEvent | null; // < 10 columns
  firstVeryShort: FieldsEvent | null; // < 5 columns
  firstSlash: number; // line of the first '/' in the genotype columns, -1 if none
  chromDiff: LineRef | null;
  refAlt: RefAltEvent | null;
  noGT: LineRef | null;
  crlf: boolean;
  chunks: Record<string, Record<string, ChunkAcc>>; // chunk size -> chunk index -> stats
}

export function newAccState(): AccState {
  return {
    lines: 0,
    firstChrom: null,
    firstStripped: null,
    lastChrom: null,
    firstPos: -1,
    lastPos: -1,
    hasChrPrefix: false,
    runs: [],
    tabixParse: null,
    unsorted: null,
    reappear: null,
    notTab: null,
    badPos: null,
    firstShort: null,
    firstVeryShort: null,
    firstSlash: -1,
    chromDiff: null,
    refAlt: null,
    noGT: null,
    crlf: false,
    chunks: {},
  };
}

const MAX_EVENT_TEXT = 10_000;
const decoder = new TextDecoder('utf-8');

function text(buf: Uint8Array, s: number, e: number): string {
  return decoder.decode(buf.subarray(s, Math.min(e, s + MAX_EVENT_TEXT)));
}

/** True for a single A/C/G/T base (the QC step's "valid allele" for SNPs). */
function isBase(c: number): boolean {
  return c === 65 || c === 67 || c === 71 || c === 84;
}

/** Chunk number exactly as the server computes it: pos / size, minus one on a boundary. */
export function chunkIndex(pos: number, size: number): number {
  const q = Math.floor(pos / size);
  return pos % size === 0 ? q - 1 : q;
}

export class RecordAccumulator {
  readonly state: AccState = newAccState();
  private readonly tabs = new Int32Array(9);
  private readonly missingIdx: Int32Array;
  private readonly runSet = new Set<string>();
  private lastChromBytes = new Uint8Array(256);
  private lastChromLen = -1;
  private prevQcPos = -1;
  private readonly sizes: number[];
  private readonly curChunkIdx: number[];
  private readonly curChunk: (ChunkAcc | null)[];

  constructor(
    private readonly nSamples: number,
    chunkSizes: number[],
  ) {
    this.sizes = chunkSizes;
    this.missingIdx = new Int32Array(Math.max(1, nSamples));
    this.curChunkIdx = chunkSizes.map(() => Number.NaN);
    this.curChunk = chunkSizes.map(() => null);
    for (const size of chunkSizes) this.state.chunks[String(size)] = {};
  }

  /** One line without its '\n'. Lines starting with '#' are skipped, as both tabix and the server do. */
  line(buf: Uint8Array, s: number, e: number): void {
    if (e > s && buf[e - 1] === 13) {
      e--;
      this.state.crlf = true;
    }
    if (e > s && buf[s] === 35) return;
    const st = this.state;
    const lineNo = st.lines++;
    const tabs = this.tabs;
    let k = 0;
    for (let i = s; i < e; i++) {
      if (buf[i] === 9) {
        tabs[k++] = i;
        if (k === 9) break;
      }
    }
    if (k === 0) {
      // tabix needs CHROM and POS separated by a tab
      if (!st.tabixParse) st.tabixParse = { line: lineNo, text: text(buf, s, e) };
      if (!st.notTab) st.notTab = { line: lineNo };
      return;
    }
    // --- CHROM (reuse the previous string when the bytes are unchanged)
    const cs = s,
      ce = tabs[0];
    let chrom: string;
    const clen = ce - cs;
    let same = clen === this.lastChromLen;
    if (same)
      for (let i = 0; i < clen; i++)
        if (buf[cs + i] !== this.lastChromBytes[i]) {
          same = false;
          break;
        }
    if (same && st.lastChrom !== null) chrom = st.lastChrom;
    else {
      chrom = decoder.decode(buf.subarray(cs, ce));
      if (clen <= this.lastChromBytes.length) {
        this.lastChromBytes.set(buf.subarray(cs, ce));
        this.lastChromLen = clen;
      } else this.lastChromLen = -1;
    }
    // --- POS: tabix uses strtoll (leading digits), the server Integer.parseInt (whole field)
    const ps = ce + 1,
      pe = k >= 2 ? tabs[1] : e;
    let p = ps;
    while (p < pe && (buf[p] === 32 || buf[p] === 9)) p++;
    let sign = 1;
    if (p < pe && (buf[p] === 43 || buf[p] === 45)) {
      if (buf[p] === 45) sign = -1;
      p++;
    }
    const digitsStart = p;
    let pos = 0;
    while (p < pe && buf[p] >= 48 && buf[p] <= 57) {
      pos = pos * 10 + (buf[p] - 48);
      p++;
    }
    if (p === digitsStart) {
      // tabix logs and skips the line; the server's split/parseInt fails on it
      if (!st.tabixParse) st.tabixParse = { line: lineNo, text: text(buf, s, e) };
      if (k < 2) {
        if (!st.notTab) st.notTab = { line: lineNo };
      } else if (!st.badPos) st.badPos = { line: lineNo, text: text(buf, ps, pe) };
      return;
    }
    pos *= sign;
    const javaPosOk = p === pe && digitsStart === ps + (buf[ps] === 43 || buf[ps] === 45 ? 1 : 0) && pos <= 2147483647 && pos >= -2147483648;
    if (!javaPosOk && !st.badPos) st.badPos = { line: lineNo, text: text(buf, ps, pe) };

    // --- tabix view: runs of CHROM, sortedness inside a run
    if (st.firstChrom === null) {
      st.firstChrom = chrom;
      st.firstStripped = chrom.replaceAll('chr', '');
      st.firstPos = pos;
    }
    if (chrom !== st.lastChrom) {
      if (this.runSet.has(chrom)) {
        if (!st.reappear) st.reappear = { line: lineNo, chrom };
      } else {
        this.runSet.add(chrom);
        st.runs.push({ chrom, line: lineNo });
        if (chrom.startsWith('chr')) st.hasChrPrefix = true;
        if (st.chromDiff === null && chrom.replaceAll('chr', '') !== st.firstStripped) st.chromDiff = { line: lineNo };
      }
      this.prevQcPos = -1;
    } else if (pos < st.lastPos && !st.unsorted) {
      st.unsorted = { line: lineNo, chrom, last: st.lastPos, pos };
    }
    st.lastChrom = chrom;
    st.lastPos = pos;

    if (k < 2) {
      if (!st.notTab) st.notTab = { line: lineNo };
      return;
    }
    if (k < 9 && !st.firstShort) st.firstShort = { line: lineNo, fields: k + 1 };
    if (k < 4 && !st.firstVeryShort) st.firstVeryShort = { line: lineNo, fields: k + 1 };

    // --- REF / ALT
    let snpAlleles = false;
    if (k >= 4) {
      const rs = tabs[2] + 1,
        re = tabs[3],
        as = tabs[3] + 1,
        ae = tabs[4];
      if (re - rs === ae - as) {
        let eq = true;
        for (let i = 0; i < re - rs; i++)
          if (buf[rs + i] !== buf[as + i]) {
            eq = false;
            break;
          }
        if (eq && !st.refAlt) st.refAlt = { line: lineNo, id: text(buf, tabs[1] + 1, tabs[2]), ref: text(buf, rs, re), alt: text(buf, as, ae) };
      }
      snpAlleles = re - rs === 1 && ae - as === 1 && isBase(buf[rs]) && isBase(buf[as]) && buf[rs] !== buf[as];
    }

    // --- genotypes
    let eligible = false;
    let nMissing = 0;
    if (k >= 9) {
      const fs = tabs[7] + 1,
        fe = tabs[8];
      const gtFirst = fe - fs >= 2 && buf[fs] === 71 && buf[fs + 1] === 84 && (fe - fs === 2 || buf[fs + 2] === 58);
      if (!gtFirst && !st.noGT) st.noGT = { line: lineNo };
      const filterOk =
        (tabs[6] - tabs[5] - 1 === 1 && buf[tabs[5] + 1] === 46) ||
        (tabs[6] - tabs[5] - 1 === 4 && buf[tabs[5] + 1] === 80 && buf[tabs[5] + 2] === 65 && buf[tabs[5] + 3] === 83 && buf[tabs[5] + 4] === 83);
      let slash = false;
      let hasAlt = false;
      let sample = 0;
      let atStart = true;
      let inGT = gtFirst;
      const missingIdx = this.missingIdx;
      const nSamples = this.nSamples;
      for (let i = tabs[8] + 1; i < e; i++) {
        const c = buf[i];
        if (c === 9) {
          sample++;
          atStart = true;
          inGT = gtFirst;
          continue;
        }
        if (c === 47) slash = true;
        if (atStart) {
          atStart = false;
          if (c === 46 && gtFirst) {
            const n1 = i + 1 < e ? buf[i + 1] : 9;
            const missing = n1 === 47 || n1 === 124 ? i + 2 < e && buf[i + 2] === 46 : true;
            if (missing && sample < nSamples) missingIdx[nMissing++] = sample;
            continue;
          }
        }
        if (inGT) {
          if (c === 58) inGT = false;
          else if (c >= 49 && c <= 57) hasAlt = true;
        }
      }
      if (slash && st.firstSlash < 0) st.firstSlash = lineNo;
      eligible = gtFirst && snpAlleles && filterOk && hasAlt && pos !== this.prevQcPos;
      this.prevQcPos = pos;
    }
    const retained = eligible && nMissing <= 0.1 * this.nSamples;

    // --- chunks for every configured size
    for (let z = 0; z < this.sizes.length; z++) {
      const idx = chunkIndex(pos, this.sizes[z]);
      let chunk = this.curChunk[z];
      if (this.curChunkIdx[z] !== idx || chunk === null) {
        const table = st.chunks[String(this.sizes[z])];
        chunk = table[String(idx)] ?? null;
        if (!chunk) {
          chunk = { records: 0, snps: 0, missing: new Int32Array(this.nSamples) };
          table[String(idx)] = chunk;
        }
        this.curChunk[z] = chunk;
        this.curChunkIdx[z] = idx;
      }
      chunk.records++;
      if (retained) {
        chunk.snps++;
        const m = chunk.missing;
        for (let j = 0; j < nMissing; j++) m[this.missingIdx[j]]++;
      }
    }
  }
}

function shift<T extends LineRef>(ev: T | null, by: number): T | null {
  return ev ? { ...ev, line: ev.line + by } : null;
}

function earlier<T extends LineRef>(a: T | null, b: T | null): T | null {
  if (!a) return b;
  if (!b) return a;
  return b.line < a.line ? b : a;
}

/** Appends the state of the following range `b` to `a` (in place) and returns `a`. */
export function mergeAcc(a: AccState, b: AccState): AccState {
  const off = a.lines;
  const aHas = a.firstChrom !== null;
  const bHas = b.firstChrom !== null;
  a.tabixParse = a.tabixParse ?? shift(b.tabixParse, off);
  a.notTab = a.notTab ?? shift(b.notTab, off);
  a.badPos = a.badPos ?? shift(b.badPos, off);
  a.firstShort = a.firstShort ?? shift(b.firstShort, off);
  a.firstVeryShort = a.firstVeryShort ?? shift(b.firstVeryShort, off);
  a.refAlt = a.refAlt ?? shift(b.refAlt, off);
  a.noGT = a.noGT ?? shift(b.noGT, off);
  if (a.firstSlash < 0 && b.firstSlash >= 0) a.firstSlash = b.firstSlash + off;
  a.crlf = a.crlf || b.crlf;
  a.hasChrPrefix = a.hasChrPrefix || b.hasChrPrefix;

  if (bHas) {
    if (!aHas) {
      a.firstChrom = b.firstChrom;
      a.firstStripped = b.firstStripped;
      a.firstPos = b.firstPos;
      a.chromDiff = shift(b.chromDiff, off);
      a.unsorted = a.unsorted ?? shift(b.unsorted, off);
      a.reappear = a.reappear ?? shift(b.reappear, off);
      a.runs.push(...b.runs.map((r) => ({ chrom: r.chrom, line: r.line + off })));
    } else {
      // the server compares every record's CHROM (without 'chr') with the first record's
      if (!a.chromDiff) {
        const bFirstLine = b.runs.length > 0 ? b.runs[0].line + off : off;
        a.chromDiff = b.firstStripped !== a.firstStripped ? { line: bFirstLine } : shift(b.chromDiff, off);
      }
      // tabix: positions must not decrease inside a run; a CHROM must not come back after another one
      let unsortedCand: UnsortedEvent | null = null;
      if (b.firstChrom === a.lastChrom && b.firstPos < a.lastPos) {
        unsortedCand = { line: (b.runs[0]?.line ?? 0) + off, chrom: b.firstChrom!, last: a.lastPos, pos: b.firstPos };
      }
      a.unsorted = a.unsorted ?? earlier(unsortedCand, shift(b.unsorted, off));
      const seen = new Set(a.runs.map((r) => r.chrom));
      let reCand: ReappearEvent | null = null;
      b.runs.forEach((r, i) => {
        if (i === 0 && r.chrom === a.lastChrom) return;
        if (seen.has(r.chrom)) {
          if (!reCand) reCand = { line: r.line + off, chrom: r.chrom };
        } else {
          seen.add(r.chrom);
          a.runs.push({ chrom: r.chrom, line: r.line + off });
        }
      });
      a.reappear = a.reappear ?? earlier(reCand, shift(b.reappear, off));
    }
    a.lastChrom = b.lastChrom;
    a.lastPos = b.lastPos;
  }

  for (const size of Object.keys(b.chunks)) {
    const target = (a.chunks[size] ??= {});
    for (const [idx, c] of Object.entries(b.chunks[size])) {
      const t = target[idx];
      if (!t) {
        target[idx] = c;
        continue;
      }
      t.records += c.records;
      t.snps += c.snps;
      for (let i = 0; i < t.missing.length && i < c.missing.length; i++) t.missing[i] += c.missing[i];
    }
  }
  a.lines += b.lines;
  return a;
}
