// What the benchmark scripts share: their arguments, the cache folder of generated inputs, a
// seeded random source (the same input every run) and a BGZF writer that compresses blocks on the
// libuv pool while keeping them in order.
import { writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { BGZF_BLOCK_INPUT, BGZF_EOF_BLOCK, crc32 } from '../electron/services/vcf/bgzf-write';

const deflateRawAsync = promisify(deflateRaw);

/** Generated inputs, kept between runs. */
export const BENCH_DIR = '/tmp/imputation-desktop-bench';

/** A numeric `--name value` argument. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** xorshift32 in [0, 1). */
export function seededRandom(seed: number): () => number {
  return (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };
}

/** Writes BGZF (level 6, full blocks as bgzip cuts them) to an open file. */
export class BgzfBenchWriter {
  /** Compressed bytes written so far. */
  written = 0;
  private chain = Promise.resolve();
  private readonly block = Buffer.allocUnsafe(BGZF_BLOCK_INPUT);
  private fill = 0;

  constructor(private readonly fd: number) {}

  put(bytes: Uint8Array): void {
    for (let off = 0; off < bytes.length;) {
      const n = Math.min(bytes.length - off, BGZF_BLOCK_INPUT - this.fill);
      this.block.set(bytes.subarray(off, off + n), this.fill);
      this.fill += n;
      off += n;
      if (this.fill === BGZF_BLOCK_INPUT) {
        this.emit(Buffer.from(this.block));
        this.fill = 0;
      }
    }
  }

  /** Waits for the blocks compressed so far to be written. */
  drain(): Promise<void> {
    return this.chain;
  }

  /** Writes the last block and the end-of-file block. */
  async finish(): Promise<void> {
    if (this.fill > 0) this.emit(Buffer.from(this.block.subarray(0, this.fill)));
    await this.chain;
    writeSync(this.fd, BGZF_EOF_BLOCK);
  }

  private emit(data: Buffer): void {
    const compressed = deflateRawAsync(data, { level: 6 });
    this.chain = this.chain.then(async () => {
      const deflated = await compressed;
      const head = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 66, 67, 2, 0, 0, 0]);
      head.writeUInt16LE(18 + deflated.length + 8 - 1, 16);
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc32(data), 0);
      trailer.writeUInt32LE(data.length, 4);
      writeSync(this.fd, head);
      writeSync(this.fd, deflated);
      writeSync(this.fd, trailer);
      this.written += 26 + deflated.length;
    });
  }
}
