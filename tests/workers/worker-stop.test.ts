// Worker threads are stopped, never terminated mid-work: Worker.terminate() while a worker is
// inside a zlib call can abort the whole process (Node's "close before init" assertion), which in
// Electron is the main process. Both pools end their workers by asking; the exit code says how a
// worker ended (0: by itself, 1: terminated).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RewritePool } from '../../electron/services/rewrite/pool';
import { ScanWorkerPool } from '../../electron/services/vcf/worker-pool';
import { stopWorker } from '../../electron/services/workers/worker-stop';
import { writeVcfGz } from '../support/vcf-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'worker-stop-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** VCF text of `records` lines with 40 samples, for a batch the worker needs a while to deflate. */
function vcfLines(records: number): Uint8Array {
  const genotypes = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? '0|1:12:0.5' : '0|0:30:0.01')).join('\t');
  const lines: string[] = [];
  for (let i = 0; i < records; i++) lines.push(`20\t${100_000 + i * 7}\trs${i}\tA\tG\t50\tPASS\tAF=0.1;DP=300\tGT:DP:DS\t${genotypes}`);
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

describe('stopping worker threads', () => {
  it('the rewrite pool ends its workers after the batch in hand, not by terminating them', async () => {
    const pool = new RewritePool(2);
    await pool.init({ kind: 'slim-gt' }, 'cohort.vcf.gz');
    const batches = [0, 1, 2, 3].map((seq) =>
      pool.run({ seq, kind: 'lines', data: vcfLines(20_000), atLineStart: true, level: 6 }).then(
        () => 'done',
        (error: Error) => error.message,
      ),
    );
    const codes = await pool.close();
    expect(codes).toEqual([0, 0]);
    // batches not yet answered are refused with a reason, none is left hanging
    for (const outcome of await Promise.all(batches)) expect(['done', 'the rewrite was stopped']).toContain(outcome);
  });

  it('the scan pool asks a running task to stop and ends its worker by itself', async () => {
    const file = path.join(dir, 'chr20.vcf.gz');
    await writeVcfGz(file, { samples: 60, variants: 40_000, plainGzip: true });
    const pool = new ScanWorkerPool(1);
    let started!: () => void;
    const progressed = new Promise<void>((resolve) => (started = resolve));
    const size = (await stat(file)).size;
    const task = pool
      .run({ path: file, start: 0, end: size, first: true, skip: 0, nSamples: 60, chunkSizes: [], stream: 'gzip' }, () => started())
      .then(
        () => 'done',
        (error: Error) => error.message,
      );
    await progressed;
    expect(await pool.close()).toEqual([0]);
    expect(await task).toBe('scan pool closed');
  });

  it('terminates a worker that does not end within the grace time', async () => {
    const stuck = new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.on('message', () => {});
       parentPort.postMessage('up');
       setImmediate(() => { for (;;) {} });`,
      { eval: true },
    );
    await new Promise((resolve) => stuck.once('message', resolve));
    expect(await stopWorker(stuck, 200)).toBe(1);
  });

  it('answers at once for a worker that has already ended', async () => {
    const ended = new Worker(`void 0`, { eval: true });
    await new Promise((resolve) => ended.once('exit', resolve));
    expect(await stopWorker(ended)).toBe(0);
  });
});
