// A ByteSink that compresses what it is given into BGZF blocks as it fills (bgzip's block size),
// so a batch's output leaves the worker already compressed. The last, partial block is written by
// finish(); blocks are independent, so batches compressed apart can simply be concatenated.
import { BGZF_BLOCK_INPUT, bgzfBlock } from '../vcf/bgzf-write';
import type { ByteSink } from './types';

/** Spans shorter than this are copied byte by byte (cheaper than a native call for a genotype). */
const SHORT_COPY = 24;

export class BgzfSink implements ByteSink {
  private readonly buffer = Buffer.allocUnsafe(BGZF_BLOCK_INPUT);
  private fill = 0;
  private readonly blocks: Buffer[] = [];
  private compressedBytes = 0;
  /** Uncompressed bytes written. */
  textBytes = 0;

  constructor(private readonly level: number) {}

  write(source: Uint8Array, start: number, end: number): void {
    const buffer = this.buffer;
    while (start < end) {
      const n = Math.min(end - start, BGZF_BLOCK_INPUT - this.fill);
      if (n < SHORT_COPY) {
        let fill = this.fill;
        for (let i = 0; i < n; i++) buffer[fill++] = source[start++];
        this.fill = fill;
      } else {
        buffer.set(source.subarray(start, start + n), this.fill);
        this.fill += n;
        start += n;
      }
      this.textBytes += n;
      if (this.fill === BGZF_BLOCK_INPUT) this.flushBlock();
    }
  }

  byte(value: number): void {
    this.buffer[this.fill++] = value;
    this.textBytes++;
    if (this.fill === BGZF_BLOCK_INPUT) this.flushBlock();
  }

  text(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.write(bytes, 0, bytes.length);
  }

  /** Compresses what is left and answers every block written, as one buffer. */
  finish(): Uint8Array {
    if (this.fill > 0) this.flushBlock();
    const out = new Uint8Array(this.compressedBytes);
    let offset = 0;
    for (const block of this.blocks) {
      out.set(block, offset);
      offset += block.length;
    }
    this.blocks.length = 0;
    return out;
  }

  private flushBlock(): void {
    const block = bgzfBlock(this.buffer.subarray(0, this.fill), this.level);
    this.blocks.push(block);
    this.compressedBytes += block.length;
    this.fill = 0;
  }
}
