// The INFO fields of a Minimac4 record read straight from the bytes of a line (no string per line):
// R2, MAF, ER2 and the IMPUTED / TYPED flags (server-apps.md §6.5; the INFO lines of
// electron/emulator/jobs/dose-output.ts). Used by the quality summary and the filtered export.

export interface InfoValues {
  /** NaN when the field is absent or not a number. */
  r2: number;
  maf: number;
  er2: number;
  imputed: boolean;
  typed: boolean;
}

export function emptyInfo(): InfoValues {
  return { r2: Number.NaN, maf: Number.NaN, er2: Number.NaN, imputed: false, typed: false };
}

const TAB = 9;
const SEMI = 59;
const EQ = 61;

/** 10^k for the fast path below; all exact in a double up to 10^22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Parses a decimal number in buf[start, end). Plain decimals of up to 15 digits take the exact
 * fast path (an integer divided by a power of ten is correctly rounded, so "0.3" gives the same
 * double as the literal 0.3 and bins compare as the text reads); anything else (exponents, long
 * mantissas) goes through Number(). Returns NaN for text that is not a number.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && buf[i] === 45) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let scale = 0;
  let dot = false;
  let anyDigit = false;
  for (; i < end; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      anyDigit = true;
      if (mantissa !== 0 || c !== 48) significant++;
      if (significant > 15 || (dot && scale >= 22)) return slowParse(buf, start, end);
      mantissa = mantissa * 10 + (c - 48);
      if (dot) scale++;
    } else if (c === 46 && !dot) dot = true;
    else return slowParse(buf, start, end);
  }
  if (!anyDigit) return Number.NaN;
  const value = scale === 0 ? mantissa : mantissa / POW10[scale];
  return negative ? -value : value;
}

function slowParse(buf: Uint8Array, start: number, end: number): number {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(buf[i]);
  if (text.trim() === '' || text === '.') return Number.NaN;
  const value = Number(text);
  return Number.isFinite(value) ? value : Number.NaN;
}

/**
 * Finds the INFO column (the 8th) of the record in buf[start, end) and reads its fields into `out`.
 * Returns false when the line has fewer than 8 columns.
 */
export function readInfo(buf: Uint8Array, start: number, end: number, out: InfoValues): boolean {
  out.r2 = Number.NaN;
  out.maf = Number.NaN;
  out.er2 = Number.NaN;
  out.imputed = false;
  out.typed = false;
  let p = start;
  for (let tabs = 0; tabs < 7; tabs++) {
    const t = indexOfByte(buf, TAB, p, end);
    if (t < 0) return false;
    p = t + 1;
  }
  let infoEnd = indexOfByte(buf, TAB, p, end);
  if (infoEnd < 0) infoEnd = end;
  // key[=value] entries separated by ';'
  while (p < infoEnd) {
    let stop = p;
    let eq = -1;
    while (stop < infoEnd && buf[stop] !== SEMI) {
      if (eq < 0 && buf[stop] === EQ) eq = stop;
      stop++;
    }
    const keyEnd = eq < 0 ? stop : eq;
    const len = keyEnd - p;
    const c0 = buf[p];
    if (len === 2 && c0 === 82 && buf[p + 1] === 50) {
      if (eq >= 0) out.r2 = parseDecimal(buf, eq + 1, stop); // R2
    } else if (len === 3 && c0 === 77 && buf[p + 1] === 65 && buf[p + 2] === 70) {
      if (eq >= 0) out.maf = parseDecimal(buf, eq + 1, stop); // MAF
    } else if (len === 3 && c0 === 69 && buf[p + 1] === 82 && buf[p + 2] === 50) {
      if (eq >= 0) out.er2 = parseDecimal(buf, eq + 1, stop); // ER2
    } else if (len === 5 && c0 === 84 && buf[p + 1] === 89 && buf[p + 2] === 80 && buf[p + 3] === 69 && buf[p + 4] === 68) {
      out.typed = true; // TYPED
    } else if (
      len === 7 &&
      c0 === 73 &&
      buf[p + 1] === 77 &&
      buf[p + 2] === 80 &&
      buf[p + 3] === 85 &&
      buf[p + 4] === 84 &&
      buf[p + 5] === 69 &&
      buf[p + 6] === 68
    ) {
      out.imputed = true; // IMPUTED
    }
    p = stop + 1;
  }
  return true;
}

/** Buffer#indexOf bounded to `end` (native memchr; a subarray would allocate per call). */
function indexOfByte(buf: Uint8Array, byte: number, from: number, end: number): number {
  const i = Buffer.prototype.indexOf.call(buf, byte, from) as number;
  return i < 0 || i >= end ? -1 : i;
}
