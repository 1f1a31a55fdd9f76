// Benchmark: our quality summary of a sites-only info VCF (chrN.info.gz as the pipeline writes it)
// vs `bcftools query -f '%INFO/R2\t%INFO/MAF\n' FILE | wc -l` on the same file.
// Usage: npm run bench:results -- [--size-mb 256] [--rounds 3] [--workers N]
// The file is generated once into /tmp/imputation-desktop-bench and reused.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { summarizeInfoFile } from '../electron/services/results/info-summary';
import { ResultsWorkerPool } from '../electron/services/results/worker-pool';
import { BGZF_BLOCK_INPUT, BGZF_EOF_BLOCK, bgzfBlock } from '../electron/services/vcf/bgzf-write';
import { MINIMAC_INFO_HEADER } from '../electron/emulator/jobs/dose-output';
import { arg, BENCH_DIR, seededRandom } from './bench-support';

const sizeMb = arg('size-mb', 256);
const rounds = arg('rounds', 3);
const workers = arg('workers', Math.min(4, availableParallelism()));
const dir = BENCH_DIR;
const file = join(dir, `chr20.info.${sizeMb}mb.gz`);

/** Minimac4-like INFO lines: AF, MAF, AVG_CS, R2 (rising with MAF), ER2 on typed sites. */
function generate(): void {
  mkdirSync(dir, { recursive: true });
  const partial = `${file}.partial`;
  const fd = openSync(partial, 'w');
  const rand = seededRandom(0x2545f491);
  const num = (v: number) => v.toFixed(5).replace(/0+$/, '').replace(/\.$/, '');
  const header = [
    '##fileformat=VCFv4.2',
    '##source=Minimac v4.1.6',
    '##contig=<ID=20>',
    ...MINIMAC_INFO_HEADER,
    '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO',
  ];
  let text = header.join('\n') + '\n';
  let written = 0;
  let pos = 60_000;
  const target = sizeMb * 1024 * 1024;
  const bases = ['A', 'C', 'G', 'T'];
  while (written < target) {
    while (text.length < BGZF_BLOCK_INPUT * 16) {
      pos += 1 + Math.floor(rand() * 40);
      const af = rand() ** 3;
      const maf = Math.min(af, 1 - af);
      const r2 = Math.min(1, Math.max(0, 0.3 + 0.7 * Math.sqrt(maf * 2) + (rand() - 0.5) * 0.3));
      const typed = rand() < 0.03;
      const ref = bases[Math.floor(rand() * 4)];
      const alt = bases[(bases.indexOf(ref) + 1 + Math.floor(rand() * 3)) % 4];
      const info = `AF=${num(af)};MAF=${num(maf)};AVG_CS=${num(0.9 + rand() * 0.1)};R2=${num(r2)}${typed ? `;ER2=${num(r2 * 0.95)};TYPED;IMPUTED` : ';IMPUTED'}`;
      text += `20\t${pos}\t20:${pos}:${ref}:${alt}\t${ref}\t${alt}\t.\tPASS\t${info}\n`;
    }
    const bytes = Buffer.from(text, 'latin1');
    let offset = 0;
    for (; bytes.length - offset >= BGZF_BLOCK_INPUT; offset += BGZF_BLOCK_INPUT) {
      const block = bgzfBlock(bytes.subarray(offset, offset + BGZF_BLOCK_INPUT), 6);
      writeSync(fd, block);
      written += block.length;
    }
    text = bytes.subarray(offset).toString('latin1');
  }
  if (text.length > 0) writeSync(fd, bgzfBlock(Buffer.from(text, 'latin1'), 6));
  writeSync(fd, BGZF_EOF_BLOCK);
  closeSync(fd);
  renameSync(partial, file);
}

function bcftools(): Promise<{ seconds: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('bash', ['-c', `bcftools query -f '%INFO/R2\\t%INFO/MAF\\n' '${file}' | wc -l`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`bcftools exited with ${code}`));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, lines: Number(out.trim()) });
    });
  });
}

async function ours(pool: ResultsWorkerPool): Promise<{ seconds: number; lines: number }> {
  const started = process.hrtime.bigint();
  const summary = await summarizeInfoFile(pool, file, '20');
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, lines: summary.quality.variants };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  if (!existsSync(file)) {
    console.log(`generating ${file} (${sizeMb} MiB, BGZF level 6)...`);
    generate();
  }
  const bytes = statSync(file).size;
  console.log(`file: ${file}, ${(bytes / 1048576).toFixed(1)} MiB compressed; ${availableParallelism()} cores, ${workers} workers`);
  const pool = new ResultsWorkerPool(workers);
  const ourTimes: number[] = [];
  const theirTimes: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      // alternate the order so neither always reads from a warmer page cache
      const first = round % 2 === 1 ? await ours(pool) : await bcftools();
      const second = round % 2 === 1 ? await bcftools() : await ours(pool);
      const [mine, theirs] = round % 2 === 1 ? [first, second] : [second, first];
      if (mine.lines !== theirs.lines) throw new Error(`record counts differ: ours ${mine.lines}, bcftools ${theirs.lines}`);
      ourTimes.push(mine.seconds);
      theirTimes.push(theirs.seconds);
      console.log(
        `round ${round}: ours ${mine.seconds.toFixed(2)} s, bcftools ${theirs.seconds.toFixed(2)} s, ${mine.lines.toLocaleString('en-US')} records, ratio ours/bcftools ${(mine.seconds / theirs.seconds).toFixed(2)}`,
      );
    }
  } finally {
    await pool.close();
  }
  const best = Math.min(...ourTimes) / Math.min(...theirTimes);
  const med = median(ourTimes) / median(theirTimes);
  console.log(
    `ours: best ${Math.min(...ourTimes).toFixed(2)} s (${(bytes / 1048576 / Math.min(...ourTimes)).toFixed(0)} MiB/s compressed), bcftools: best ${Math.min(...theirTimes).toFixed(2)} s`,
  );
  console.log(`ratio ours/bcftools: ${best.toFixed(2)} best, ${med.toFixed(2)} median (target at most 1.0)`);
}

await main();
