// BGZF writer (SAM/BAM spec §4.1): a file is a series of gzip members ("blocks"), each with the
// extra subfield 'BC' holding BSIZE (total block length - 1), at most 64 KiB uncompressed and
// 64 KiB compressed, and ends with the fixed 28-byte empty block. Blocks are independent deflate
// streams, so they can be compressed in any order (or in parallel) and concatenated.
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';

/** The 28-byte empty block that marks a complete BGZF file. */
export const BGZF_EOF_BLOCK: Buffer = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/** Largest total block size (BSIZE is 16 bits). */
export const BGZF_MAX_BLOCK_SIZE = 65536;
/** Uncompressed bytes per block, as bgzip and htslib use: even incompressible data then fits in one block. */
export const BGZF_BLOCK_INPUT = 0xff00;

const HEADER_SIZE = 18; // gzip header (10) + XLEN (2) + 'BC' subfield (6)
const FOOTER_SIZE = 8; // CRC32 + ISIZE

let table: Uint32Array | null = null;

/**
 * CRC-32 of the gzip footer. Uses zlib.crc32 where the runtime has it (Node >= 20.15 and 22.2);
 * otherwise a 256-entry table (the reflected polynomial 0xEDB88320), so older runtimes still work.
 */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
  if (typeof native === 'function') return native(data) >>> 0;
  return crc32ByTable(data);
}

/** The table-driven CRC-32 (exported for its test). */
export function crc32ByTable(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface BgzfOptions {
  /** zlib level 0-9 (default 6, like bgzip). */
  level?: number;
  /** Append the EOF block (default true). */
  eof?: boolean;
}

/** One BGZF block for at most BGZF_BLOCK_INPUT bytes. */
export function bgzfBlock(data: Uint8Array, level = 6): Buffer {
  if (data.length > BGZF_BLOCK_INPUT) throw new RangeError(`a BGZF block holds at most ${BGZF_BLOCK_INPUT} bytes, got ${data.length}`);
  let deflated = zlib.deflateRawSync(data, { level });
  // Incompressible input can grow past the block limit; stored deflate (level 0) never does for this input size.
  if (HEADER_SIZE + deflated.length + FOOTER_SIZE > BGZF_MAX_BLOCK_SIZE) deflated = zlib.deflateRawSync(data, { level: 0 });
  const size = HEADER_SIZE + deflated.length + FOOTER_SIZE;
  const out = Buffer.allocUnsafe(size);
  out[0] = 0x1f; // gzip magic
  out[1] = 0x8b;
  out[2] = 8; // deflate
  out[3] = 4; // FLG.FEXTRA
  out.writeUInt32LE(0, 4); // MTIME
  out[8] = 0; // XFL
  out[9] = 0xff; // OS unknown
  out.writeUInt16LE(6, 10); // XLEN
  out[12] = 0x42; // 'B'
  out[13] = 0x43; // 'C'
  out.writeUInt16LE(2, 14); // SLEN
  out.writeUInt16LE(size - 1, 16); // BSIZE
  deflated.copy(out, HEADER_SIZE);
  out.writeUInt32LE(crc32(data), HEADER_SIZE + deflated.length);
  out.writeUInt32LE(data.length, HEADER_SIZE + deflated.length + 4);
  return out;
}

/** Compresses a whole buffer to BGZF (with the EOF block unless `eof: false`). */
export function bgzfCompress(data: Uint8Array | string, options: BgzfOptions = {}): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const level = options.level ?? 6;
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += BGZF_BLOCK_INPUT) {
    parts.push(bgzfBlock(bytes.subarray(offset, Math.min(bytes.length, offset + BGZF_BLOCK_INPUT)), level));
  }
  if (options.eof !== false) parts.push(BGZF_EOF_BLOCK);
  return Buffer.concat(parts);
}

export interface BgzfBlockInfo {
  /** Offset of the block in the compressed output. */
  compressedOffset: number;
  compressedSize: number;
  uncompressedSize: number;
}

/**
 * Streaming BGZF: bytes in, BGZF blocks out, the EOF block at the end. `onBlock` reports each
 * block's place (what an index writer needs for virtual offsets).
 */
export class BgzfWriter extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private written = 0;

  constructor(private readonly options: BgzfOptions & { onBlock?: (block: BgzfBlockInfo) => void } = {}) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= BGZF_BLOCK_INPUT) {
      const all = Buffer.concat(this.pending, this.pendingBytes);
      let offset = 0;
      for (; all.length - offset >= BGZF_BLOCK_INPUT; offset += BGZF_BLOCK_INPUT) this.emitBlock(all.subarray(offset, offset + BGZF_BLOCK_INPUT));
      const rest = all.subarray(offset);
      this.pending = rest.length > 0 ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.pendingBytes > 0) this.emitBlock(Buffer.concat(this.pending, this.pendingBytes));
    this.pending = [];
    this.pendingBytes = 0;
    if (this.options.eof !== false) this.push(BGZF_EOF_BLOCK);
    done();
  }

  private emitBlock(data: Uint8Array): void {
    const block = bgzfBlock(data, this.options.level ?? 6);
    this.options.onBlock?.({ compressedOffset: this.written, compressedSize: block.length, uncompressedSize: data.length });
    this.written += block.length;
    this.push(block);
  }
}
