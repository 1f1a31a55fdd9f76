// Bundles the Node side with esbuild: Electron main and preload, and the browser preview.
// CommonJS output: Electron's sandboxed preload requires it, and it avoids ESM/CJS interop in main.
// `--outdir DIR` builds elsewhere and `--desktop-only` skips the preview (the wiring tests in
// tests/electron bundle the desktop app this way, exactly as it ships).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' }, 'desktop-only': { type: 'boolean', default: false } } });
const out = values.outdir;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    'import.meta.url': '__import_meta_url',
  },
  banner: { js: "const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  // The keychain addon is native; electron is provided by the runtime.
  external: ['electron', '@github/keytar'],
};
const dir = (name) => path.join(out, name);

await Promise.all([
  build({ ...common, entryPoints: { main: 'electron/main/main.ts' }, outdir: dir('main'), outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: { index: 'electron/preload/index.ts' }, outdir: dir('preload'), outExtension: { '.js': '.cjs' } }),
  ...(values['desktop-only'] ? [] : [build({ ...common, entryPoints: { web: 'electron/web/main.ts' }, outdir: dir('web'), outExtension: { '.js': '.cjs' } })]),
  // The VCF scanner's worker thread, next to each bundle that scans (see vcf/worker-path.ts).
  ...[dir('main'), ...(values['desktop-only'] ? [] : [dir('web')])].map((outdir) =>
    build({ ...common, entryPoints: { 'vcf-scan-worker': 'electron/services/vcf/scan-worker.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
  ),
  // The rewriter's worker thread (slim and corrected copies), likewise (see rewrite/worker-path.ts).
  ...[dir('main'), ...(values['desktop-only'] ? [] : [dir('web')])].map((outdir) =>
    build({ ...common, entryPoints: { 'vcf-rewrite-worker': 'electron/services/rewrite/rewrite-worker.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
  ),
  // The results reader's worker thread (quality summaries, filtered exports; see results/worker-path.ts).
  ...[dir('main'), ...(values['desktop-only'] ? [] : [dir('web')])].map((outdir) =>
    build({ ...common, entryPoints: { 'results-worker': 'electron/services/results/results-worker.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
  ),
]);

// The tray icon travels with the bundle (build/ is not packaged).
mkdirSync(out, { recursive: true });
copyFileSync('build/icon.png', path.join(out, 'icon.png'));
