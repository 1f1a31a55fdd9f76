// Where the rewrite worker lives (as the VCF scanner's, vcf/worker-path.ts): from source (Vitest,
// tsx) it is rewrite-worker.ts, loaded through an ESM bootstrap that registers tsx; in the esbuild
// bundle it is `vcf-rewrite-worker.cjs` next to the main bundle (scripts/build-main.mjs).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceWorkerEntry, type WorkerEntry } from '../workers/worker-entry';

export const BUNDLED_REWRITE_WORKER = 'vcf-rewrite-worker.cjs';

let override: string | null = null;

/** Points the rewriter at an explicit worker file. */
export function setRewriteWorkerScript(path: string | null): void {
  override = path;
}

function thisFile(): string | null {
  try {
    return import.meta.url ? fileURLToPath(import.meta.url) : null;
  } catch {
    return null;
  }
}

export function rewriteWorkerEntry(): WorkerEntry {
  if (override) return { specifier: override, eval: false };
  const file = thisFile();
  const dir = file ? dirname(file) : typeof __dirname === 'string' ? __dirname : process.cwd();
  if (file && /\.(ts|mts)$/.test(file)) return sourceWorkerEntry(join(dir, 'rewrite-worker.ts'));
  const bundled = join(dir, BUNDLED_REWRITE_WORKER);
  if (!existsSync(bundled)) throw new Error(`The rewrite worker is missing: ${bundled} (run npm run build).`);
  return { specifier: bundled, eval: false };
}
