// `npm start`: builds, then opens the desktop app with the Electron binary of node_modules/electron.
// Where that binary was never downloaded, says so in one line instead of trying to download it
// (which is what `require('electron')` does, and what fails offline with installer advice).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
const pathFile = path.join(packageDir, 'path.txt');
const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(packageDir, 'dist');
const binary = path.join(distDir, executable ?? 'electron');

if (!executable || !existsSync(binary)) {
  console.error('The Electron binary is not installed here, so the desktop app cannot open: run the same app in your browser with "npm run start:web".');
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const built = spawnSync(npm, ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (built.status !== 0) process.exit(built.status ?? 1);

const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
