// Benchmark: our full pre-flight scan vs `bcftools view -H FILE | wc -l` on the same file.
// Usage: node --import tsx scripts/bench-vcf.ts [--size-mb 1024] [--samples 500] [--workers N]
// The VCF (chr20, BGZF) is generated once into /tmp/imputation-desktop-bench and reused.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, renameSync, statSync } from 'node:fs';
import { deflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { BGZF_EOF, BGZF_BLOCK_INPUT, crc32 } from '../electron/services/vcf/bgzf';
import { scanVcfFile } from '../electron/services/vcf/scanner';
import { sharedPool } from '../electron/services/vcf/worker-pool';

const deflateRawAsync = promisify(deflateRaw);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const sizeMb = arg('size-mb', 1024);
const samples = arg('samples', 500);
const workersArg = process.argv.includes('--workers') ? arg('workers', 2) : undefined;
const cacheDir = '/tmp/imputation-desktop-bench';
const file = join(cacheDir, `chr20.${samples}s.${sizeMb}mb.vcf.gz`);

async function generate(): Promise<void> {
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  const target = sizeMb * 1024 * 1024;
  let written = 0;
  let seed = 0x9e3779b9;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 4294967296;
  };

  const header =
    [
      '##fileformat=VCFv4.2',
      '##contig=<ID=20,length=64444167>',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: samples }, (_, i) => `S${i + 1}`)].join('\t'),
    ].join('\n') + '\n';
  const block = Buffer.allocUnsafe(BGZF_BLOCK_INPUT);
  let fill = 0;
  const inflight: Promise<void>[] = [];
  let chain = Promise.resolve();
  const emit = (data: Buffer): void => {
    const compressed = deflateRawAsync(data, { level: 6 });
    // keep blocks in order while compressing several at once on the libuv pool
    chain = chain.then(async () => {
      const d = await compressed;
      const head = Buffer.from([0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 0xff, 6, 0, 66, 67, 2, 0, 0, 0]);
      head.writeUInt16LE(18 + d.length + 8 - 1, 16);
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc32(data), 0);
      trailer.writeUInt32LE(data.length, 4);
      writeSync(fd, head);
      writeSync(fd, d);
      writeSync(fd, trailer);
      written += 26 + d.length;
    });
    inflight.push(chain);
    if (inflight.length > 64) inflight.shift();
  };
  const put = (bytes: Buffer): void => {
    let off = 0;
    while (off < bytes.length) {
      const n = Math.min(bytes.length - off, BGZF_BLOCK_INPUT - fill);
      bytes.copy(block, fill, off, off + n);
      fill += n;
      off += n;
      if (fill === BGZF_BLOCK_INPUT) {
        emit(Buffer.from(block));
        fill = 0;
      }
    }
  };
  put(Buffer.from(header));
  const line = Buffer.allocUnsafe(64 + samples * 4);
  const bases = [65, 67, 71, 84];
  let pos = 60_000;
  let n = 0;
  while (written < target) {
    pos += 1 + Math.floor(rand() * 20);
    const ref = Math.floor(rand() * 4);
    const alt = (ref + 1 + Math.floor(rand() * 3)) % 4;
    const af = 0.01 + rand() * 0.49;
    let o = line.write(`20\t${pos}\trs${pos}\t`, 0, 'latin1');
    line[o++] = bases[ref];
    line[o++] = 9;
    line[o++] = bases[alt];
    o += line.write('\t.\tPASS\t.\tGT', o, 'latin1');
    for (let s = 0; s < samples; s++) {
      line[o++] = 9;
      line[o++] = rand() < af ? 49 : 48;
      line[o++] = 47;
      line[o++] = rand() < af ? 49 : 48;
    }
    line[o++] = 10;
    put(line.subarray(0, o));
    n++;
    if (n % 20_000 === 0) {
      await chain;
      process.stdout.write(`\rgenerating ${(written / 1048576).toFixed(0)} / ${sizeMb} MiB`);
    }
  }
  if (fill > 0) emit(Buffer.from(block.subarray(0, fill)));
  await chain;
  writeSync(fd, BGZF_EOF);
  closeSync(fd);
  renameSync(tmp, file);
  process.stdout.write(`\rgenerated ${file} (${n} variants)\n`);
}

function ensureBcftools(): void {
  if (spawnSync('bcftools', ['--version'], { stdio: 'ignore' }).status === 0) return;
  console.log('bcftools not found; installing with apt-get');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  let r = spawnSync(sudo[0] ?? 'apt-get', [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'install', '-y', 'bcftools'], { stdio: 'inherit' });
  if (r.status !== 0) {
    spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), 'update'], { stdio: 'inherit' });
    r = spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), 'install', '-y', 'bcftools'], { stdio: 'inherit' });
  }
  if (r.status !== 0) throw new Error('could not install bcftools');
}

function timeBcftools(path: string): Promise<{ ms: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('bash', ['-c', 'bcftools view -H "$1" | wc -l', 'bench', path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ ms: performance.now() - t0, lines: Number(out.trim()) }) : reject(new Error(`bcftools exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  if (!existsSync(file)) await generate();
  ensureBcftools();
  const bytes = statSync(file).size;
  console.log(`file: ${file} (${(bytes / 1048576).toFixed(1)} MiB compressed, ${samples} samples)`);
  // warm the page cache so both tools read from memory
  spawnSync('bash', ['-c', 'cat "$1" > /dev/null', 'warm', file]);

  const t0 = performance.now();
  const summary = await scanVcfFile(file, workersArg !== undefined ? { workers: workersArg } : {});
  const oursMs = performance.now() - t0;
  const bcf = await timeBcftools(file);
  await sharedPool().close();

  const mbU = (summary.uncompressedBytes ?? 0) / 1e6;
  console.log(
    `ours:     ${(oursMs / 1000).toFixed(2)} s  (${summary.variants} variants, ${mbU.toFixed(0)} MB text, ${(mbU / (oursMs / 1000)).toFixed(0)} MB/s, fatal=${summary.fatal === null ? 'none' : JSON.stringify(summary.fatal)})`,
  );
  console.log(`bcftools: ${(bcf.ms / 1000).toFixed(2)} s  (${bcf.lines} lines)`);
  console.log(`ratio ours/bcftools: ${(oursMs / bcf.ms).toFixed(2)}  (target <= 1.5)`);
  if (bcf.lines !== summary.variants) console.log('WARNING: variant counts differ');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
