// Where the results worker lives. From source (Vitest, tsx) it is results-worker.ts, loaded through
// a small ESM bootstrap that registers tsx (worker threads ignore `--import tsx` on Node 20); in
// the esbuild bundles it is `results-worker.cjs` next to main.cjs and web.cjs (scripts/build-main.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ResultsWorkerEntry {
  /** What to pass to `new Worker()`. */
  specifier: string;
  /** True when `specifier` is ESM source text to evaluate. */
  eval: boolean;
}

export const BUNDLED_RESULTS_WORKER = 'results-worker.cjs';

function here(): { dir: string; source: boolean } {
  const url = import.meta.url;
  return { dir: dirname(fileURLToPath(url)), source: /\.(ts|mts)$/.test(url) };
}

export function resultsWorkerEntry(): ResultsWorkerEntry {
  const { dir, source } = here();
  if (source) {
    const file = pathToFileURL(join(dir, 'results-worker.ts')).href;
    return { specifier: `import { register } from 'tsx/esm/api'; register(); await import(${JSON.stringify(file)});`, eval: true };
  }
  const bundled = join(dir, BUNDLED_RESULTS_WORKER);
  if (!existsSync(bundled)) throw new Error(`The results worker is missing: ${bundled} (run npm run build).`);
  return { specifier: bundled, eval: false };
}
