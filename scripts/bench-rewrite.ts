// Benchmark: our slim rewrite (INFO emptied, FORMAT reduced to GT, parallel BGZF on worker
// threads) against `bcftools annotate -x INFO,^FORMAT/GT -Oz --threads 2` on the same file.
// Usage: npm run bench:rewrite -- [--size-mb 512] [--samples 200] [--workers 2] [--rounds 3] [--verify]
// The VCF (chr20, INFO AC/AN/AF/DP, FORMAT GT:AD:DP:GQ:PL) is generated once into
// /tmp/imputation-desktop-bench and reused. Prints the time ratio ours/bcftools (target at most
// 1.0 on 2 cores), the size saved and our peak memory growth (target at most 128 MiB).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { RewritePool } from '../electron/services/rewrite/pool';
import { rewriteFile } from '../electron/services/rewrite/rewrite-file';
import { setRewriteWorkerScript } from '../electron/services/rewrite/worker-path';
import { arg, BENCH_DIR, BgzfBenchWriter, seededRandom } from './bench-support';

const sizeMb = arg('size-mb', 512);
const samples = arg('samples', 200);
const workers = arg('workers', 2);
const rounds = arg('rounds', 3);
const verify = process.argv.includes('--verify');
const dir = BENCH_DIR;
const input = join(dir, `rewrite.chr20.${samples}s.${sizeMb}mb.vcf.gz`);
const oursOut = join(dir, 'rewrite-ours.vcf.gz');
const theirsOut = join(dir, 'rewrite-bcftools.vcf.gz');
const MiB = 1024 * 1024;

async function generate(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const temp = `${input}.partial`;
  const fd = openSync(temp, 'w');
  const rand = seededRandom(0x2545f491);
  const header = [
    '##fileformat=VCFv4.2',
    '##contig=<ID=20,length=64444167>',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Allele number">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled likelihoods">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: samples }, (_, i) => `S${i + 1}`)].join('\t'),
  ];
  const out = new BgzfBenchWriter(fd);
  out.put(Buffer.from(header.join('\n') + '\n'));
  const bases = ['A', 'C', 'G', 'T'];
  let pos = 60_000;
  let n = 0;
  const target = sizeMb * MiB;
  while (out.written < target) {
    pos += 1 + Math.floor(rand() * 40);
    const ref = Math.floor(rand() * 4);
    const alt = (ref + 1 + Math.floor(rand() * 3)) % 4;
    const af = 0.01 + rand() * 0.49;
    const parts: string[] = [];
    let ac = 0;
    let depth = 0;
    for (let s = 0; s < samples; s++) {
      const a = rand() < af ? 1 : 0;
      const b = rand() < af ? 1 : 0;
      ac += a + b;
      const dp = 10 + Math.floor(rand() * 30);
      depth += dp;
      const altReads = a + b === 0 ? Math.floor(rand() * 2) : Math.floor((dp * (a + b)) / 2);
      const gq = 20 + Math.floor(rand() * 79);
      const pl = a + b === 0 ? `0,${gq},${gq * 10}` : a + b === 1 ? `${gq * 3},0,${gq * 4}` : `${gq * 10},${gq},0`;
      parts.push(`${a}/${b}:${dp - altReads},${altReads}:${dp}:${gq}:${pl}`);
    }
    const info = `AC=${ac};AN=${2 * samples};AF=${(ac / (2 * samples)).toFixed(4)};DP=${depth}`;
    out.put(
      Buffer.from(
        `20\t${pos}\trs${pos}\t${bases[ref]}\t${bases[alt]}\t${(30 + rand() * 70).toFixed(1)}\tPASS\t${info}\tGT:AD:DP:GQ:PL\t${parts.join('\t')}\n`,
        'latin1',
      ),
    );
    n++;
    if (n % 2000 === 0) {
      await out.drain();
      process.stdout.write(`\rgenerating ${(out.written / MiB).toFixed(0)} / ${sizeMb} MiB`);
    }
  }
  await out.finish();
  closeSync(fd);
  renameSync(temp, input);
  process.stdout.write(`\rgenerated ${input} (${n} variants)\n`);
}

function timeBcftools(): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn('bcftools', ['annotate', '-x', 'INFO,^FORMAT/GT', '-Oz', '--threads', '2', '-o', theirsOut, input], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`bcftools exited with ${code}`))));
  });
}

async function timeOurs(): Promise<{ ms: number; growthMiB: number }> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 25);
  const pool = new RewritePool(workers);
  const start = performance.now();
  try {
    await rewriteFile({ input, output: oursOut, fileName: 'bench.vcf.gz', spec: { kind: 'slim-gt' }, pool });
    return { ms: performance.now() - start, growthMiB: (peak - base) / MiB };
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
}

function gtDigest(file: string): string {
  const r = spawnSync('bash', ['-c', 'bcftools query -f "[%GT]\\n" "$1" | md5sum', 'q', file], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** The worker as the app ships it (bundled by esbuild, as scripts/build-main.mjs does), not through tsx. */
async function bundleWorker(): Promise<void> {
  const outfile = join(dir, 'vcf-rewrite-worker.cjs');
  await build({
    entryPoints: ['electron/services/rewrite/rewrite-worker.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    define: { 'import.meta.url': '__import_meta_url' },
    banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  });
  setRewriteWorkerScript(outfile);
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  if (spawnSync('bcftools', ['--version'], { stdio: 'ignore' }).status !== 0) throw new Error('bcftools is needed (Debian: apt-get install bcftools)');
  if (!existsSync(input)) await generate();
  await bundleWorker();
  const inBytes = statSync(input).size;
  console.log(`file: ${input} (${(inBytes / MiB).toFixed(1)} MiB, ${samples} samples); ${workers} workers, ${rounds} rounds`);
  const ours: number[] = [];
  const theirs: number[] = [];
  let growth = 0;
  for (let round = 0; round < rounds; round++) {
    // alternate who goes first, so neither always meets a cold or a warm page cache
    if (round % 2 === 0) {
      theirs.push(await timeBcftools());
      const o = await timeOurs();
      ours.push(o.ms);
      growth = Math.max(growth, o.growthMiB);
    } else {
      const o = await timeOurs();
      ours.push(o.ms);
      growth = Math.max(growth, o.growthMiB);
      theirs.push(await timeBcftools());
    }
    console.log(`round ${round + 1}: ours ${(ours.at(-1)! / 1000).toFixed(2)} s, bcftools ${(theirs.at(-1)! / 1000).toFixed(2)} s`);
  }
  const oursBytes = statSync(oursOut).size;
  const theirsBytes = statSync(theirsOut).size;
  console.log(`time: ours ${(median(ours) / 1000).toFixed(2)} s, bcftools ${(median(theirs) / 1000).toFixed(2)} s (medians)`);
  console.log(
    `ratio ours/bcftools: ${(median(ours) / median(theirs)).toFixed(2)} median, ${(Math.min(...ours) / Math.min(...theirs)).toFixed(2)} best (target at most 1.0)`,
  );
  console.log(
    `size: input ${(inBytes / MiB).toFixed(1)} MiB, ours ${(oursBytes / MiB).toFixed(1)} MiB, bcftools ${(theirsBytes / MiB).toFixed(1)} MiB; saved ${(100 * (1 - oursBytes / inBytes)).toFixed(1)} % (${((inBytes - oursBytes) / MiB).toFixed(1)} MiB)`,
  );
  console.log(`memory: peak RSS growth ${growth.toFixed(1)} MiB (target at most 128 MiB)`);
  if (verify) {
    const same = gtDigest(oursOut) === gtDigest(theirsOut);
    console.log(`genotypes: ${same ? 'identical to bcftools' : 'DIFFERENT from bcftools'}`);
  }
  rmSync(oursOut, { force: true });
  rmSync(theirsOut, { force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
