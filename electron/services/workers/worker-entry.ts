// How a worker thread is started, for every pool (scan, results, rewrite). From source (Vitest,
// tsx) a worker is its .ts file loaded through a small ESM bootstrap that registers tsx (worker
// threads ignore `--import tsx` on Node 20); in the esbuild bundles it is a .cjs file.
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface WorkerEntry {
  /** What to pass to `new Worker()`. */
  specifier: string | URL;
  /** True when `specifier` is ESM source text to evaluate. */
  eval: boolean;
}

/** The entry for a worker's TypeScript source file. */
export function sourceWorkerEntry(file: string): WorkerEntry {
  const url = pathToFileURL(file).href;
  return { specifier: `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(url)});`, eval: true };
}

export function startWorker(entry: WorkerEntry): Worker {
  return entry.eval
    ? new Worker(entry.specifier as string, { eval: true, type: 'module' } as ConstructorParameters<typeof Worker>[1])
    : new Worker(entry.specifier);
}
