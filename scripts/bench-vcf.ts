// Benchmark: our full pre-flight scan vs `bcftools view -H FILE | wc -l` on the same file.
// Usage: node --import tsx scripts/bench-vcf.ts [--size-mb 1024] [--samples 500] [--workers N]
// The VCF (chr20, BGZF) is generated once into /tmp/imputation-desktop-bench and reused.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { scanVcfFile } from '../electron/services/vcf/scanner';
import { sharedPool } from '../electron/services/vcf/worker-pool';
import { arg, BENCH_DIR, BgzfBenchWriter, seededRandom } from './bench-support';

const sizeMb = arg('size-mb', 1024);
const samples = arg('samples', 500);
const workersArg = process.argv.includes('--workers') ? arg('workers', 2) : undefined;
const file = join(BENCH_DIR, `chr20.${samples}s.${sizeMb}mb.vcf.gz`);

async function generate(): Promise<void> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w');
  const target = sizeMb * 1024 * 1024;
  const rand = seededRandom(0x9e3779b9);

  const header =
    [
      '##fileformat=VCFv4.2',
      '##contig=<ID=20,length=64444167>',
      '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
      ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: samples }, (_, i) => `S${i + 1}`)].join('\t'),
    ].join('\n') + '\n';
  const out = new BgzfBenchWriter(fd);
  out.put(Buffer.from(header));
  const line = Buffer.allocUnsafe(64 + samples * 4);
  const bases = [65, 67, 71, 84];
  let pos = 60_000;
  let n = 0;
  while (out.written < target) {
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
    out.put(line.subarray(0, o));
    n++;
    if (n % 20_000 === 0) {
      await out.drain();
      process.stdout.write(`\rgenerating ${(out.written / 1048576).toFixed(0)} / ${sizeMb} MiB`);
    }
  }
  await out.finish();
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
