// BGZF (blocked gzip) primitives: block header parsing, the end-of-file block, block-start search,
// and a small compressor for fixtures and the benchmark. BGZF = concatenated gzip members, each with
// an extra field 'BC' carrying BSIZE (total block size - 1); blocks are independent deflate streams.
import { deflateRawSync, crc32 as zlibCrc32 } from 'node:zlib';

/** The 28-byte empty block every well-formed BGZF file ends with (SAM/BAM spec §4.1.2). */
export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

export const BGZF_MAX_BLOCK = 65536;
/** Uncompressed bytes per block bgzip writes (leaves room for incompressible data). */
export const BGZF_BLOCK_INPUT = 65280;

export interface BgzfBlockHeader {
  /** total block length in bytes (BSIZE + 1) */
  blockSize: number;
  /** offset of the deflate data relative to the block start */
  dataOffset: number;
}

/**
 * Parses a BGZF block header at `pos`. Returns null when the bytes there are not a BGZF header
 * (plain gzip, other data) or when fewer than the header bytes are available (`'short'`).
 */
export function parseBlockHeader(buf: Uint8Array, pos: number): BgzfBlockHeader | null | 'short' {
  if (buf.length - pos < 12) return 'short';
  if (buf[pos] !== 0x1f || buf[pos + 1] !== 0x8b || buf[pos + 2] !== 8 || (buf[pos + 3] & 4) === 0) return null;
  const xlen = buf[pos + 10] | (buf[pos + 11] << 8);
  if (buf.length - pos < 12 + xlen) return 'short';
  // Walk the extra subfields looking for 'BC' with a 2-byte payload.
  let p = pos + 12;
  const end = p + xlen;
  while (p + 4 <= end) {
    const si1 = buf[p],
      si2 = buf[p + 1];
    const slen = buf[p + 2] | (buf[p + 3] << 8);
    if (si1 === 66 && si2 === 67 && slen === 2 && p + 6 <= end) {
      const bsize = buf[p + 4] | (buf[p + 5] << 8);
      const blockSize = bsize + 1;
      if (blockSize < 12 + xlen + 8) return null;
      return { blockSize, dataOffset: 12 + xlen };
    }
    p += 4 + slen;
  }
  return null;
}

/** True when the bytes start a gzip member (BGZF or not). */
export function isGzipMagic(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/** ISIZE (uncompressed length) stored in the last 4 bytes of a block. */
export function blockInputSize(buf: Uint8Array, blockStart: number, blockSize: number): number {
  const p = blockStart + blockSize - 4;
  return (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16)) + buf[p + 3] * 0x1000000;
}

/**
 * Finds the first offset >= from (within buf) where a standard BGZF header starts, verified by
 * chaining to the following block header when that is inside `buf`. Used to cut a file into
 * ranges for parallel inflation without reading every block header from the start.
 */
export function findBlockStart(buf: Uint8Array, from: number): number {
  let i = from;
  for (;;) {
    const j = Buffer.prototype.indexOf.call(buf, 0x1f, i) as number;
    if (j < 0 || buf.length - j < 18) return -1;
    const h = parseBlockHeader(buf, j);
    if (h && h !== 'short') {
      const next = j + h.blockSize;
      if (next === buf.length || buf.length - next < 18) return j; // cannot verify further: accept
      const h2 = parseBlockHeader(buf, next);
      if (h2 && h2 !== 'short') return j;
    }
    i = j + 1;
  }
}

function gzipBlock(data: Uint8Array, level: number): Buffer {
  const deflated = deflateRawSync(data, { level });
  const blockSize = 18 + deflated.length + 8;
  const out = Buffer.allocUnsafe(blockSize);
  out[0] = 0x1f;
  out[1] = 0x8b;
  out[2] = 8;
  out[3] = 4;
  out.writeUInt32LE(0, 4);
  out[8] = 0;
  out[9] = 0xff;
  out.writeUInt16LE(6, 10);
  out[12] = 66;
  out[13] = 67;
  out.writeUInt16LE(2, 14);
  out.writeUInt16LE(blockSize - 1, 16);
  deflated.copy(out, 18);
  out.writeUInt32LE(crc32(data), 18 + deflated.length);
  out.writeUInt32LE(data.length, 22 + deflated.length);
  return out;
}

let crcTable: Int32Array | null = null;
/** CRC-32 (gzip polynomial); uses zlib.crc32 where the runtime has it (Node >= 20.15 / 22). */
export function crc32(data: Uint8Array): number {
  if (typeof zlibCrc32 === 'function') return zlibCrc32(data) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

/** Compresses data as BGZF blocks (like `bgzip`); appends the EOF block unless told not to. */
export function compressBgzf(data: Uint8Array, options: { eofBlock?: boolean; level?: number } = {}): Buffer {
  const parts: Buffer[] = [];
  const level = options.level ?? 6;
  for (let off = 0; off < data.length; off += BGZF_BLOCK_INPUT) {
    parts.push(gzipBlock(data.subarray(off, Math.min(data.length, off + BGZF_BLOCK_INPUT)), level));
  }
  if (options.eofBlock !== false) parts.push(BGZF_EOF);
  return Buffer.concat(parts);
}
