// Download speed of the app's transfer code against curl, from the Cloudgene emulator in both
// storage modes (local: chunked stream; s3: 301 to a pre-signed URL with Content-Length).
//
//   node --import tsx scripts/bench-download.ts [--size-mb 2048] [--rounds 2] [--worker]
//
// --worker runs our transfers in a worker thread (the main thread only waits), to compare with
// the app's way, the main process's event loop.
//
// The emulator runs in its own process (as a real server would), so our downloader and curl each
// get the client side to themselves. The demo job's chr_*.zip is swapped for a symlink to one big
// file (the emulator streams whatever its workspace holds), and the file gets enough credits.
// Each mode starts with an untimed warm-up run of each client, then alternates who goes first;
// every run starts with the page cache's write-back done (`sync`), so none pays for the last.
// Prints MiB/s and CPU seconds per GiB per run (ours: this process; curl: via /usr/bin/time when
// present), the best and median of each, and the ratio ours/curl. Then, per round, three
// transfers at once of each client (the download manager's default concurrency). For our client it
// also prints the event loop's delay (perf_hooks monitorEventLoopDelay, p99 and max) during the
// transfers (sampled every 1 ms, so a figure includes that 1 ms): the downloads run on the app's
// main-process event loop, which must stay responsive.
// Figures, not assertions. Our side is the app's `runTransfer` on a direct connection (undici's
// Dispatcher.dispatch() into 1 MiB batches, undici-get.ts) and reports progress the way the
// download manager does (a rate sample per progress call).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { request } from 'undici';
import { RateMeter } from '../electron/services/downloads/rate-meter';
import { runTransfer } from '../electron/services/downloads/transfer';

const { values } = parseArgs({
  options: {
    'size-mb': { type: 'string', default: '2048' },
    rounds: { type: 'string', default: '2' },
    worker: { type: 'boolean', default: false },
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

interface Run {
  /** For several transfers at once: their bytes together over the time until the last ended. */
  mibPerSecond: number;
  /** CPU seconds (user + system) per GiB, or null when not measurable. */
  cpuPerGiB: number | null;
  /** Event-loop delay while our transfers ran, in ms (ours only). */
  loop?: { p99: number; max: number };
}

/** Our transfers of `url` into `targets`, at once; the bytes each got. */
async function transfers(url: string, targets: string[]): Promise<number[]> {
  const results = await Promise.all(
    targets.map((target) => {
      const meter = new RateMeter();
      return runTransfer({ url, finalPath: target, onProgress: ({ receivedBytes }) => meter.sample(receivedBytes, Date.now()) });
    }),
  );
  return results.map((result) => result.bytes);
}

/** A worker thread that runs `transfers` when asked (started before the clock). */
async function startTransferWorker(): Promise<{ run(url: string, targets: string[]): Promise<number[]>; stop(): Promise<number> }> {
  // Node 20 loads a worker's entry before `--import tsx` applies to it: register tsx first.
  const entry = `const { tsImport } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}); await tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)});`;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry)}`));
  await new Promise<void>((resolve, reject) => worker.once('message', () => resolve()).once('error', reject));
  return {
    run: (url, targets) =>
      new Promise<number[]>((resolve, reject) => {
        worker.once('message', resolve).once('error', reject);
        worker.postMessage({ url, targets });
      }),
    stop: () => worker.terminate(),
  };
}

/** `count` transfers of our client at once, into `targets`. */
async function timeOurs(url: string, targets: string[]): Promise<Run> {
  const worker = values.worker ? await startTransferWorker() : null;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  loop.enable();
  const results = (await (worker ? worker.run(url, targets) : transfers(url, targets))).map((bytes) => ({ bytes }));
  loop.disable();
  await worker?.stop();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  for (const result of results) if (result.bytes !== sizeMiB * MiB) throw new Error(`ours got ${result.bytes} bytes`);
  const total = sizeMiB * targets.length;
  return {
    mibPerSecond: total / seconds,
    cpuPerGiB: ((used.user + used.system) / 1e6) * (1024 / total),
    loop: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  };
}

/** Removes a run's output and waits for the disk to be idle, so no run pays for the last one's write-back. */
async function settle(targets: string[]): Promise<void> {
  for (const target of targets) await fs.rm(target, { force: true });
  execFileSync('sync');
}

const TIME = '/usr/bin/time';
const haveTime = existsSync(TIME);

/** `count` curls at once, into `targets`. */
async function timeCurl(url: string, targets: string[]): Promise<Run> {
  const start = process.hrtime.bigint();
  const reports = await Promise.all(
    targets.map(
      (target) =>
        new Promise<string>((resolve, reject) => {
          const curlArgs = ['-sS', '-L', '-o', target, url];
          const curl = haveTime
            ? spawn(TIME, ['-f', 'cpu %U %S', 'curl', ...curlArgs], { stdio: ['ignore', 'ignore', 'pipe'] })
            : spawn('curl', curlArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          curl.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
          curl.once('error', reject);
          curl.once('exit', (code) => (code === 0 ? resolve(stderr) : reject(new Error(`curl exited with ${code}: ${stderr.trim()}`))));
        }),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const target of targets) {
    const bytes = (await fs.stat(target)).size;
    if (bytes !== sizeMiB * MiB) throw new Error(`curl got ${bytes} bytes`);
  }
  const total = sizeMiB * targets.length;
  const cpus = reports.map((report) => /cpu ([\d.]+) ([\d.]+)\s*$/.exec(report));
  const cpuSeconds = cpus.every(Boolean) ? cpus.reduce((sum, cpu) => sum + Number(cpu![1]) + Number(cpu![2]), 0) : null;
  return { mibPerSecond: total / seconds, cpuPerGiB: cpuSeconds === null ? null : cpuSeconds * (1024 / total) };
}

interface ModeRuns {
  ours: Run[];
  curl: Run[];
  oursThree: Run[];
  curlThree: Run[];
  /** The event loop's delay with nothing to do, for scale: on a loaded machine it is not zero. */
  idleLoop: { p99: number; max: number };
}

async function idleLoopDelay(ms: number): Promise<{ p99: number; max: number }> {
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  loop.disable();
  return { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
}

async function benchMode(storage: 'local' | 's3', bigFile: string, work: string): Promise<ModeRuns> {
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
    const targetsOf = (who: 'ours' | 'curl', count: number) => Array.from({ length: count }, (_, i) => path.join(work, `out-${who}-${i}.bin`));
    const run = async (who: 'ours' | 'curl', count: number) => {
      const targets = targetsOf(who, count);
      const result = who === 'ours' ? await timeOurs(url, targets) : await timeCurl(url, targets);
      await settle(targets);
      return result;
    };
    // Warm-up (untimed): JIT, the emulator's first stream, the file's pages in the cache.
    for (const who of ['ours', 'curl'] as const) await run(who, 1);
    const runs: ModeRuns = { ours: [], curl: [], oursThree: [], curlThree: [], idleLoop: await idleLoopDelay(5000) };
    for (let round = 0; round < rounds; round++) {
      // Alternate who goes first, so page-cache write-back hurts both alike.
      const order = round % 2 === 0 ? (['ours', 'curl'] as const) : (['curl', 'ours'] as const);
      for (const count of [1, 3]) {
        for (const who of order) {
          const result = await run(who, count);
          const list = count === 1 ? (who === 'ours' ? runs.ours : runs.curl) : who === 'ours' ? runs.oursThree : runs.curlThree;
          list.push(result);
          const cpu = result.cpuPerGiB === null ? '' : `  ${result.cpuPerGiB.toFixed(2)} CPU s/GiB`;
          const loop = result.loop ? `  event loop p99 ${result.loop.p99.toFixed(1)} ms, max ${result.loop.max.toFixed(1)} ms` : '';
          const label = `${who}${count > 1 ? ` x${count}` : ''}`;
          console.log(`  ${storage.padEnd(5)} round ${round + 1} ${label.padEnd(7)} ${result.mibPerSecond.toFixed(0).padStart(6)} MiB/s${cpu}${loop}`);
        }
      }
    }
    return runs;
  } finally {
    await emulator.stop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const best = (runs: number[]) => Math.max(...runs);
const least = (runs: number[]) => Math.min(...runs);
const median = (runs: number[]) => {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const cpuFigures = (runs: Run[]) => runs.map((run) => run.cpuPerGiB).filter((cpu): cpu is number => cpu !== null);

if (!isMainThread) {
  // The worker of --worker: transfers on request.
  parentPort!.on('message', ({ url, targets }: { url: string; targets: string[] }) => {
    void transfers(url, targets).then((bytes) => parentPort!.postMessage(bytes));
  });
  parentPort!.postMessage('ready');
} else {
  await main();
}

async function main(): Promise<void> {
  const work = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-download-'));
  try {
    const bigFile = path.join(work, 'big.bin');
    console.log(
      `bench-download: ${sizeMiB} MiB, ${rounds} round(s) per client, emulator in its own process, loopback; ours on ${values.worker ? 'a worker thread' : 'the main thread'}`,
    );
    await makeBigFile(bigFile);
    execFileSync('sync');
    const results: Record<string, ModeRuns> = {};
    for (const storage of ['local', 's3'] as const) results[storage] = await benchMode(storage, bigFile, work);
    console.log('');
    console.log('mode   figure   ours MiB/s   curl MiB/s   ours/curl   ours CPU s/GiB   curl CPU s/GiB');
    for (const [storage, runs] of Object.entries(results)) {
      for (const [figure, pick, pickCpu] of [
        ['best', best, least],
        ['median', median, median],
      ] as const) {
        const ours = pick(runs.ours.map((run) => run.mibPerSecond));
        const curl = pick(runs.curl.map((run) => run.mibPerSecond));
        const cpu = (list: Run[]) => (cpuFigures(list).length ? pickCpu(cpuFigures(list)).toFixed(2) : 'n/a');
        console.log(
          `${storage.padEnd(6)} ${figure.padEnd(6)} ${ours.toFixed(0).padStart(12)} ${curl.toFixed(0).padStart(12)} ${(ours / curl).toFixed(2).padStart(11)}` +
            `${cpu(runs.ours).padStart(17)}${cpu(runs.curl).padStart(17)}`,
        );
      }
    }
    console.log("(CPU: best = least CPU per GiB; ours includes this process's own thread pool and GC)");
    console.log('');
    console.log('our client on the event loop (median of the rounds; three = three transfers at once, together):');
    for (const [storage, runs] of Object.entries(results)) {
      console.log(
        `${storage.padEnd(6)} idle   event loop p99 ${runs.idleLoop.p99.toFixed(1)} ms (max ${runs.idleLoop.max.toFixed(1)} ms) with no transfer, for scale`,
      );
      for (const [label, list, curlList] of [
        ['one  ', runs.ours, runs.curl],
        ['three', runs.oursThree, runs.curlThree],
      ] as const) {
        const p99 = median(list.map((run) => run.loop!.p99));
        const max = Math.max(...list.map((run) => run.loop!.max));
        const cpu = cpuFigures(list).length ? median(cpuFigures(list)).toFixed(2) : 'n/a';
        const rate = median(list.map((run) => run.mibPerSecond));
        const curlRate = median(curlList.map((run) => run.mibPerSecond));
        console.log(
          `${storage.padEnd(6)} ${label}  event loop p99 ${p99.toFixed(1)} ms (max ${max.toFixed(1)} ms)  ${cpu} CPU s/GiB  ` +
            `${rate.toFixed(0)} MiB/s vs curl ${curlRate.toFixed(0)} MiB/s (${(rate / curlRate).toFixed(2)})`,
        );
      }
    }
    console.log(
      `load average (other processes share these ${os.cpus().length} cores): ${os
        .loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log(`peak RSS of this process (our downloader; the emulator runs apart): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
