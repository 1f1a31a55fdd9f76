import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer as collect } from 'node:stream/consumers';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BGZF_BLOCK_INPUT,
  BGZF_EOF_BLOCK,
  BgzfWriter,
  bgzfBlock,
  bgzfCompress,
  crc32,
  crc32ByTable,
  type BgzfBlockInfo,
} from '../../electron/services/vcf/bgzf-write';

interface Block {
  offset: number;
  size: number;
  isize: number;
  crc: number;
  data: Buffer;
}

/** Walks the blocks by their BC field and inflates each one on its own. */
function blocksOf(file: Buffer): Block[] {
  const blocks: Block[] = [];
  let offset = 0;
  while (offset < file.length) {
    expect([...file.subarray(offset, offset + 4)]).toEqual([0x1f, 0x8b, 8, 4]);
    expect(file.readUInt16LE(offset + 10)).toBe(6); // XLEN
    expect(file.toString('latin1', offset + 12, offset + 14)).toBe('BC');
    expect(file.readUInt16LE(offset + 14)).toBe(2);
    const size = file.readUInt16LE(offset + 16) + 1;
    expect(size).toBeLessThanOrEqual(65536);
    const block = file.subarray(offset, offset + size);
    const data = zlib.inflateRawSync(block.subarray(18, size - 8));
    blocks.push({ offset, size, isize: block.readUInt32LE(size - 4), crc: block.readUInt32LE(size - 8), data });
    offset += size;
  }
  return blocks;
}

const text = (lines: number) => Array.from({ length: lines }, (_, i) => `20\t${10_000 + i}\trs${i}\tA\tG\t.\tPASS\t.\tGT\t0|1\t1|1\t0|0`).join('\n') + '\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bgzf-write-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bgzfCompress', () => {
  it('writes blocks of at most 0xff00 input bytes with BC, CRC32 and ISIZE, then the EOF block', () => {
    const input = Buffer.from(text(20_000));
    const out = bgzfCompress(input);
    expect(out.subarray(out.length - 28)).toEqual(BGZF_EOF_BLOCK);
    const blocks = blocksOf(out);
    expect(blocks.length).toBe(Math.ceil(input.length / BGZF_BLOCK_INPUT) + 1);
    for (const b of blocks) {
      expect(b.isize).toBe(b.data.length);
      expect(b.crc).toBe(zlib.crc32(b.data) >>> 0);
      expect(b.data.length).toBeLessThanOrEqual(BGZF_BLOCK_INPUT);
    }
    expect(Buffer.concat(blocks.map((b) => b.data)).equals(input)).toBe(true);
    expect(zlib.gunzipSync(out).equals(input)).toBe(true); // a multi-member gzip file as well
  });

  it('keeps incompressible data under the 64 KiB block limit', () => {
    const input = randomBytes(3 * BGZF_BLOCK_INPUT + 17);
    const blocks = blocksOf(bgzfCompress(input, { eof: false }));
    expect(blocks).toHaveLength(4);
    for (const b of blocks) expect(b.size).toBeLessThanOrEqual(65536);
    expect(Buffer.concat(blocks.map((b) => b.data)).equals(input)).toBe(true);
  });

  it('an empty input is just the EOF block; one block refuses more than 0xff00 bytes', () => {
    expect(bgzfCompress(Buffer.alloc(0))).toEqual(BGZF_EOF_BLOCK);
    expect(() => bgzfBlock(Buffer.alloc(BGZF_BLOCK_INPUT + 1))).toThrow(RangeError);
  });

  it('Debian bgzip, htsfile and tabix accept the output', async () => {
    const vcf = `##fileformat=VCFv4.2\n##contig=<ID=20>\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3\n${text(30_000)}`;
    const path = join(dir, 'x.vcf.gz');
    await writeFile(path, bgzfCompress(vcf));
    execFileSync('bgzip', ['-t', path]);
    expect(execFileSync('htsfile', [path]).toString()).toMatch(/VCF version 4\.2 BGZF-compressed variant calling data/);
    execFileSync('tabix', ['-p', 'vcf', path]);
    expect(execFileSync('tabix', [path, '20:10100-10102']).toString().split('\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('BgzfWriter (streaming)', () => {
  it('gives the same bytes as bgzfCompress for any chunking, and reports each block', async () => {
    const input = Buffer.from(text(15_000));
    const pieces: Buffer[] = [];
    for (let at = 0; at < input.length;) {
      const n = 1 + ((at * 7919) % 50_000);
      pieces.push(input.subarray(at, at + n));
      at += n;
    }
    const reported: BgzfBlockInfo[] = [];
    const out = await collect(Readable.from(pieces).pipe(new BgzfWriter({ onBlock: (b) => reported.push(b) })));
    expect(out.equals(bgzfCompress(input))).toBe(true);
    const blocks = blocksOf(out);
    expect(reported.map((r) => r.compressedOffset)).toEqual(blocks.slice(0, -1).map((b) => b.offset));
    expect(reported.map((r) => r.uncompressedSize)).toEqual(blocks.slice(0, -1).map((b) => b.isize));
  });
});

describe('crc32', () => {
  it('the table fallback agrees with zlib', () => {
    for (const data of [Buffer.alloc(0), Buffer.from('123456789'), randomBytes(70_000)]) {
      expect(crc32ByTable(data)).toBe(zlib.crc32(data) >>> 0);
      expect(crc32(data)).toBe(zlib.crc32(data) >>> 0);
    }
    expect(crc32ByTable(Buffer.from('123456789'))).toBe(0xcbf43926);
  });
});
