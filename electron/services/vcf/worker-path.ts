// Where the scan worker lives. From source (Vitest, tsx) the worker is scan-worker.ts, loaded
// through a tiny ESM bootstrap that registers tsx (execArgv '--import tsx' is not honoured for
// worker threads on Node 20). In the esbuild bundle the lead adds a separate entry
// `electron/services/vcf/scan-worker.ts` -> `vcf-scan-worker.cjs` (or .js/.mjs) next to the main
// bundle; `setVcfWorkerScript()` overrides both.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceWorkerEntry, type WorkerEntry } from '../workers/worker-entry';

let override: WorkerEntry | null = null;

/** Point the scanner at an explicit worker file (e.g. from the Electron main bundle). */
export function setVcfWorkerScript(path: string | null): void {
  override = path ? { specifier: path, eval: false } : null;
}

function thisDir(): string | null {
  try {
    const url = import.meta.url;
    if (url) return dirname(fileURLToPath(url));
  } catch {
    /* not ESM */
  }
  return typeof __dirname === 'string' ? __dirname : null;
}

function isSource(): boolean {
  try {
    return /\.(ts|mts)$/.test(import.meta.url ?? '');
  } catch {
    return false;
  }
}

export const BUNDLED_WORKER_NAMES = ['vcf-scan-worker.cjs', 'vcf-scan-worker.js', 'vcf-scan-worker.mjs'];

/** Path of the compiled worker next to the bundle, or of scan-worker.ts when running from source. */
export function workerScriptPath(): string {
  if (override && !override.eval) return String(override.specifier);
  const dir = thisDir() ?? process.cwd();
  if (isSource()) return join(dir, 'scan-worker.ts');
  for (const name of BUNDLED_WORKER_NAMES) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return join(dir, BUNDLED_WORKER_NAMES[0]);
}

export function workerEntry(): WorkerEntry {
  if (override) return override;
  const path = workerScriptPath();
  if (/\.(ts|mts)$/.test(path)) return sourceWorkerEntry(path);
  return { specifier: path, eval: false };
}
