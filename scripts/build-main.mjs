// Bundles the Node side with esbuild: Electron main and preload, and the browser preview.
// CommonJS output: Electron's sandboxed preload requires it, and it avoids ESM/CJS interop in main.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';

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

await Promise.all([
  build({ ...common, entryPoints: { main: 'electron/main/main.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: { index: 'electron/preload/index.ts' }, outdir: 'dist/preload', outExtension: { '.js': '.cjs' } }),
  build({ ...common, entryPoints: { web: 'electron/web/main.ts' }, outdir: 'dist/web', outExtension: { '.js': '.cjs' } }),
  // The VCF scanner's worker thread, next to each bundle that scans (see vcf/worker-path.ts).
  ...['dist/main', 'dist/web'].map((outdir) =>
    build({ ...common, entryPoints: { 'vcf-scan-worker': 'electron/services/vcf/scan-worker.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
  ),
  // The rewriter's worker thread (slim and corrected copies), likewise (see rewrite/worker-path.ts).
  ...['dist/main', 'dist/web'].map((outdir) =>
    build({ ...common, entryPoints: { 'vcf-rewrite-worker': 'electron/services/rewrite/rewrite-worker.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
  ),
]);

// The tray icon travels with the bundle (build/ is not packaged).
mkdirSync('dist', { recursive: true });
copyFileSync('build/icon.png', 'dist/icon.png');
