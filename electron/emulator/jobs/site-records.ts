// Sites of an uploaded VCF as the QC step reads them (imputationserver-utils VCFLineParser): the
// first ten tab-separated columns, genotype counts from the characters of the GT subfield.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';

export interface SiteRecord {
  chrom: string;
  pos: number;
  id: string;
  ref: string;
  alt: string;
  filter: string;
  nSamples: number;
  het: number;
  homRef: number;
  homVar: number;
  noCall: number;
  /** Per sample: 1 when called. Null means every sample was called (synthetic sites). */
  called: Uint8Array | null;
  /** Alleles of both haplotypes per sample (0, 1, or 255 when missing); null for synthetic sites. */
  haps: Uint8Array | null;
  /** A '/' was seen in the genotypes. */
  unphased: boolean;
}

export const MISSING = 255;

/**
 * Parses one body line; null when it is not a record the QC step would read. `called` and `haps`
 * are reused between calls (copy them to keep them).
 */
export function parseRecord(line: string, nSamples: number, buffers: { called: Uint8Array; haps: Uint8Array }): SiteRecord | null {
  let tab = -1;
  const cols: string[] = [];
  for (let i = 0; i < 9; i++) {
    const next = line.indexOf('\t', tab + 1);
    if (next < 0) return null;
    cols.push(line.slice(tab + 1, next));
    tab = next;
  }
  const pos = Number(cols[1]);
  if (!Number.isInteger(pos)) return null;
  const format = cols[8];
  const gtIndex = format.indexOf('GT');
  if (gtIndex < 0) return null;
  let gtField = 0;
  for (let j = 0; j < gtIndex; j++) if (format.charCodeAt(j) === 58) gtField++;
  const { called, haps } = buffers;
  let het = 0;
  let homRef = 0;
  let homVar = 0;
  let noCall = 0;
  let sample = 0;
  let unphased = false;
  let i = tab + 1;
  const n = line.length;
  while (i < n && sample < nSamples) {
    let field = 0;
    let r = 0;
    let v = 0;
    let no = 0;
    let h = 0;
    let a0 = MISSING;
    let a1 = MISSING;
    for (; i < n; i++) {
      const c = line.charCodeAt(i);
      if (c === 9) break;
      if (c === 58) {
        field++;
        continue;
      }
      if (field !== gtField) continue;
      if (c === 49 || c === 48 || c === 46) {
        const allele = c === 49 ? 1 : c === 48 ? 0 : MISSING;
        if (c === 49) v++;
        else if (c === 48) r++;
        else no++;
        if (h === 0) a0 = allele;
        else if (h === 1) a1 = allele;
        h++;
      } else if (c === 47) unphased = true;
    }
    i++;
    if (r === 2 || (r === 1 && v === 0)) homRef++;
    else if (v === 2 || (v === 1 && r === 0)) homVar++;
    else if (v === 1 && r === 1) het++;
    const isNoCall = no === 2 || (no === 1 && v === 0 && r === 0);
    if (isNoCall) noCall++;
    called[sample] = isNoCall ? 0 : 1;
    haps[2 * sample] = a0;
    haps[2 * sample + 1] = h === 1 ? a0 : a1; // a haploid call counts for both haplotypes
    sample++;
  }
  return {
    chrom: cols[0],
    pos,
    id: cols[2],
    ref: cols[3],
    alt: cols[4],
    filter: cols[6],
    nSamples: sample,
    het,
    homRef,
    homVar,
    noCall,
    called,
    haps,
    unphased,
  };
}

export interface VcfHeader {
  sampleIds: string[];
}

/** Streams a (BGZF or gzip) VCF: the header first, then each record line. */
export async function readVcf(path: string, onHeader: (header: VcfHeader) => void, onLine: (line: string) => void, signal?: AbortSignal): Promise<void> {
  const gunzip = createGunzip();
  const input = createReadStream(path).pipe(gunzip);
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let headerDone = false;
  try {
    for await (const raw of lines) {
      if (signal?.aborted) break;
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (!headerDone) {
        if (line.startsWith('##')) continue;
        if (line.startsWith('#')) {
          const tiles = line.split('\t');
          onHeader({ sampleIds: tiles.slice(9) });
          headerDone = true;
          continue;
        }
        headerDone = true;
        onHeader({ sampleIds: [] });
      }
      if (line !== '') onLine(line);
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
