// Download speed of the app's transfer code against curl, from the Cloudgene emulator in both
// storage modes (local: chunked stream; s3: 301 to a pre-signed URL with Content-Length).
//
//   node --import tsx scripts/bench-download.ts [--size-mb 2048] [--rounds 2]
//
// The emulator runs in its own process (as a real server would), so our downloader and curl each
// get the client side to themselves. The demo job's chr_*.zip is swapped for a symlink to one big
// file (the emulator streams whatever its workspace holds), and the file gets enough credits.
// Prints MiB/s per run, the best of each, and the ratio ours/curl. Figures, not assertions.
import { spawn } from 'node:child_process';
import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { runTransfer } from '../electron/services/downloads/transfer';

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '2048' },
    rounds: { type: 'string', default: '2' },
  },
});
const sizeMiB = Number(values['size-mb']);
const rounds = Math.max(1, Number(values.rounds));
const MiB = 1024 * 1024;

interface Emulator {
  url: string;
  token: string;
  stop(): Promise<void>;
}

async function startEmulatorProcess(storage: 'local' | 's3', dataDir: string): Promise<Emulator> {
  const cli = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..', 'electron', 'emulator', 'cli.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, '--seed', 'demo', '--storage', storage, '--faults', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return {
    url,
    token,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function getJson<T>(url: string, token: string, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
  const { statusCode, body } = await request(url, {
    method: init.method ?? 'GET',
    headers: { 'x-auth-token': token, 'content-type': 'application/json' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (statusCode !== 200) throw new Error(`${url.replace(/\/share\/.*/, '/share/...')} answered ${statusCode}`);
  return (await body.json()) as T;
}

async function makeBigFile(file: string): Promise<void> {
  const block = Buffer.alloc(MiB);
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE((Math.imul(i, 2654435761) ^ 0x9e3779b9) >>> 0, i);
  const out = createWriteStream(file);
  for (let i = 0; i < sizeMiB; i++) {
    block.writeUInt32LE(i, 0); // no two MiB alike
    if (!out.write(Buffer.from(block))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function timeOurs(url: string, target: string): Promise<number> {
  const start = process.hrtime.bigint();
  const result = await runTransfer({ url, finalPath: target });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.bytes !== sizeMiB * MiB) throw new Error(`ours got ${result.bytes} bytes`);
  return (result.bytes / MiB) / seconds;
}

async function timeCurl(url: string, target: string): Promise<number> {
  const start = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const curl = spawn('curl', ['-sS', '-L', '-o', target, url], { stdio: ['ignore', 'ignore', 'inherit'] });
    curl.once('error', reject);
    curl.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited with ${code}`))));
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const bytes = (await fs.stat(target)).size;
  if (bytes !== sizeMiB * MiB) throw new Error(`curl got ${bytes} bytes`);
  return (bytes / MiB) / seconds;
}

async function benchMode(storage: 'local' | 's3', bigFile: string, work: string): Promise<{ ours: number[]; curl: number[] }> {
  const dataDir = await fs.mkdtemp(path.join(work, `emulator-${storage}-`));
  const emulator = await startEmulatorProcess(storage, dataDir);
  try {
    const jobs = await getJson<{ data: { id: string; state: number }[] }>(`${emulator.url}/api/v2/jobs`, emulator.token);
    const jobId = jobs.data.find((job) => job.state === 4)!.id;
    const snapshot = await getJson<{ result: { files: { name: string; hash: string; absPath: string }[] } }>(
      `${emulator.url}/__emulator/getJob`,
      emulator.token,
      { method: 'POST', body: { id: jobId } },
    );
    const file = snapshot.result.files.find((f) => /^chr_.*\.zip$/.test(f.name))!;
    await fs.rm(file.absPath);
    await fs.symlink(bigFile, file.absPath);
    await getJson(`${emulator.url}/__emulator/setDownloadCount`, emulator.token, {
      method: 'POST',
      body: { hash: file.hash, count: 1000 },
    });
    const url = `${emulator.url}/share/results/${file.hash}/${file.name}`;
    // The app is long-running: load undici's parser and open a connection before timing (curl's own start-up is timed).
    await (await request(`${emulator.url}/api/v2/server/counters`)).body.dump();
    const ours: number[] = [];
    const curl: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // Alternate who goes first, so page-cache write-back hurts both alike.
      const order = round % 2 === 0 ? (['ours', 'curl'] as const) : (['curl', 'ours'] as const);
      for (const who of order) {
        const target = path.join(work, `out-${who}.bin`);
        const rate = who === 'ours' ? await timeOurs(url, target) : await timeCurl(url, target);
        (who === 'ours' ? ours : curl).push(rate);
        await fs.rm(target, { force: true });
        console.log(`  ${storage.padEnd(5)} round ${round + 1} ${who.padEnd(4)} ${rate.toFixed(0).padStart(6)} MiB/s`);
      }
    }
    return { ours, curl };
  } finally {
    await emulator.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const best = (runs: number[]) => Math.max(...runs);
const median = (runs: number[]) => [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)];

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-download-'));
try {
  const bigFile = path.join(work, 'big.bin');
  console.log(`bench-download: ${sizeMiB} MiB, ${rounds} round(s) per client, emulator in its own process, loopback`);
  await makeBigFile(bigFile);
  const results: Record<string, { ours: number[]; curl: number[] }> = {};
  for (const storage of ['local', 's3'] as const) results[storage] = await benchMode(storage, bigFile, work);
  console.log('');
  console.log('mode   figure   ours MiB/s   curl MiB/s   ours/curl');
  for (const [storage, runs] of Object.entries(results)) {
    for (const [figure, pick] of [['best', best], ['median', median]] as const) {
      const ours = pick(runs.ours);
      const curl = pick(runs.curl);
      console.log(`${storage.padEnd(6)} ${figure.padEnd(6)} ${ours.toFixed(0).padStart(12)} ${curl.toFixed(0).padStart(12)} ${(ours / curl).toFixed(2).padStart(11)}`);
    }
  }
  console.log(`load average (other processes share these ${os.cpus().length} cores): ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`peak RSS of this process (our downloader; the emulator runs apart): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
