// Byte-level helpers for VCF record lines (no string is made for a column that is only copied).
export const TAB = 9;
export const COLON = 58;
export const NEWLINE = 10;

/** Offsets of the first `count` tabs of line [start, end); -1 where a tab is missing. */
export function tabOffsets(line: Uint8Array, start: number, end: number, count: number, into: Int32Array): void {
  let p = start;
  for (let i = 0; i < count; i++) {
    const tab = p < 0 ? -1 : line.indexOf(TAB, p);
    into[i] = tab >= 0 && tab < end ? tab : -1;
    p = into[i] < 0 ? -1 : into[i] + 1;
  }
}

/** A decimal integer of [start, end), or -1 when it is not one. */
export function parseUint(line: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = line[i] - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

export function latin1(line: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(line[i]);
  return text;
}

/** '20', 'chr20', '23' and 'chrX' all name chromosome '20' / 'X' (the pipeline's normalisation). */
export function normalizeChromosome(raw: string): string {
  const bare = raw.replace(/^chr/i, '');
  return bare === '23' || bare.toUpperCase() === 'X' ? 'X' : bare;
}

/** Index of `key` among the ':'-separated keys of a FORMAT column, or -1. */
export function formatKeyIndex(line: Uint8Array, start: number, end: number, key: string): number {
  let index = 0;
  let fieldStart = start;
  for (let i = start; i <= end; i++) {
    if (i === end || line[i] === COLON) {
      if (i - fieldStart === key.length) {
        let same = true;
        for (let k = 0; k < key.length; k++) if (line[fieldStart + k] !== key.charCodeAt(k)) same = false;
        if (same) return index;
      }
      index++;
      fieldStart = i + 1;
    }
  }
  return -1;
}

/**
 * Copies the `index`-th ':' subfield of every sample column in [start, end) (the columns after
 * FORMAT), tab-separated; a sample without that subfield gets '.'.
 */
export function writeSubfield(
  line: Uint8Array,
  start: number,
  end: number,
  index: number,
  out: { write(s: Uint8Array, a: number, b: number): void; byte(v: number): void },
): void {
  let p = start;
  let firstSample = true;
  while (p <= end) {
    if (!firstSample) out.byte(TAB);
    firstSample = false;
    // this sample runs to the next tab (or the end)
    let sampleEnd = line.indexOf(TAB, p);
    if (sampleEnd < 0 || sampleEnd > end) sampleEnd = end;
    let fieldStart = p;
    let field = 0;
    while (field < index && fieldStart < sampleEnd) {
      const colon = line.indexOf(COLON, fieldStart);
      if (colon < 0 || colon >= sampleEnd) {
        fieldStart = sampleEnd;
        break;
      }
      fieldStart = colon + 1;
      field++;
    }
    if (field < index || fieldStart > sampleEnd) out.byte(46);
    else {
      let fieldEnd = fieldStart;
      while (fieldEnd < sampleEnd && line[fieldEnd] !== COLON) fieldEnd++;
      if (fieldEnd === fieldStart) out.byte(46);
      else out.write(line, fieldStart, fieldEnd);
    }
    p = sampleEnd + 1;
    if (sampleEnd === end) break;
  }
}

/** The genotypes of every sample with alleles 0 and 1 exchanged ('0/1' → '1/0', '.|1' → '.|0'). */
export function writeSwappedGenotypes(
  line: Uint8Array,
  start: number,
  end: number,
  gtIndex: number,
  out: { write(s: Uint8Array, a: number, b: number): void; byte(v: number): void },
): void {
  let p = start;
  let firstSample = true;
  while (p <= end) {
    if (!firstSample) out.byte(TAB);
    firstSample = false;
    let sampleEnd = line.indexOf(TAB, p);
    if (sampleEnd < 0 || sampleEnd > end) sampleEnd = end;
    let fieldStart = p;
    for (let field = 0; field < gtIndex && fieldStart < sampleEnd; field++) {
      const colon = line.indexOf(COLON, fieldStart);
      fieldStart = colon < 0 || colon >= sampleEnd ? sampleEnd : colon + 1;
    }
    let fieldEnd = fieldStart;
    while (fieldEnd < sampleEnd && line[fieldEnd] !== COLON) fieldEnd++;
    if (fieldEnd === fieldStart) out.byte(46);
    for (let i = fieldStart; i < fieldEnd; i++) {
      const c = line[i];
      // a lone 0 or 1 allele index (not part of "10" or "01")
      const single = (i === fieldStart || !isDigit(line[i - 1])) && (i + 1 === fieldEnd || !isDigit(line[i + 1]));
      out.byte(single && c === 48 ? 49 : single && c === 49 ? 48 : c);
    }
    p = sampleEnd + 1;
    if (sampleEnd === end) break;
  }
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
