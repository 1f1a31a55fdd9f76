// Where the results worker lives. From source (Vitest, tsx) it is results-worker.ts, loaded through
// a small ESM bootstrap that registers tsx (worker threads ignore `--import tsx` on Node 20); in
// the esbuild bundles it is `results-worker.cjs` next to main.cjs and web.cjs (scripts/build-main.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceWorkerEntry, type WorkerEntry } from '../workers/worker-entry';

export const BUNDLED_RESULTS_WORKER = 'results-worker.cjs';

function here(): { dir: string; source: boolean } {
  const url = import.meta.url;
  return { dir: dirname(fileURLToPath(url)), source: /\.(ts|mts)$/.test(url) };
}

export function resultsWorkerEntry(): WorkerEntry {
  const { dir, source } = here();
  if (source) return sourceWorkerEntry(join(dir, 'results-worker.ts'));
  const bundled = join(dir, BUNDLED_RESULTS_WORKER);
  if (!existsSync(bundled)) throw new Error(`The results worker is missing: ${bundled} (run npm run build).`);
  return { specifier: bundled, eval: false };
}
