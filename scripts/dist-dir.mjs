// `npm run dist:dir`: packs the app folder with electron-builder (--dir), offline, then checks
// what would ship. Where the Electron binary cannot be downloaded (Linux here), a stand-in
// executable carrying Electron's fuse wire takes its place: the packaging, the app.asar and the
// fuse flipping are real; only the binary is not Electron. Expects `npm run build` to have run.
import asar from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const MAX_ASAR_BYTES = 15 * 1024 * 1024;
// @electron/fuses: the sentinel before the fuse wire, and Electron's default wire ('1' on, '0' off)
// for RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar,
// LoadBrowserProcessSpecificV8Snapshot, GrantFileProtocolExtraPrivileges.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_DEFAULT_WIRE = '10110001';
const WANTED_FUSES = {
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
};

const output = path.join(root, 'release');
if (!existsSync(path.join(root, 'dist', 'main', 'main.cjs')) || !existsSync(path.join(root, 'dist', 'renderer', 'index.html'))) {
  fail(['dist/ is not built: run "npm run build" first (or "npm run dist:dir", which does).']);
}

const electronDist = realElectronDist() ?? standInElectronDist();
const builder = spawnSync(
  process.execPath,
  [
    require.resolve('electron-builder/cli.js'),
    '--dir',
    '--config',
    'electron-builder.yml',
    '--publish',
    'never',
    ...(electronDist ? [`-c.electronDist=${electronDist.dir}`] : []),
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' },
);
if (builder.status !== 0) {
  process.stderr.write(builder.stdout + builder.stderr);
  fail([`electron-builder --dir failed (exit ${builder.status}).`]);
}

const { resources, executable } = packagedApp();
const problems = [...(await checkAsar(resources)), ...(await checkFuses(executable))];
if (problems.length > 0) fail(problems);

/** node_modules/electron/dist when the Electron binary was downloaded there. */
function realElectronDist() {
  const packageDir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const dir = path.join(packageDir, 'dist');
  return existsSync(path.join(dir, readFileSync(pathFile, 'utf8').trim())) ? { dir, standIn: false } : null;
}

/** Linux: a tiny executable with Electron's fuse wire (elsewhere electron-builder downloads Electron). */
function standInElectronDist() {
  if (process.platform !== 'linux') return null;
  const dir = path.join(output, '.stand-in-electron');
  mkdirSync(dir, { recursive: true });
  const script = [
    '#!/bin/sh',
    'echo "This is a stand-in for the Electron binary (npm run dist:dir could not download Electron): it packs and checks the app, it cannot run it." >&2',
    'exit 1',
    `# ${FUSE_SENTINEL}`,
  ].join('\n');
  const wire = Buffer.from([1, ELECTRON_DEFAULT_WIRE.length, ...Buffer.from(ELECTRON_DEFAULT_WIRE)]);
  writeFileSync(path.join(dir, 'electron'), Buffer.concat([Buffer.from(script), wire, Buffer.from('\n')]), { mode: 0o755 });
  return { dir, standIn: true };
}

function packagedApp() {
  if (process.platform === 'darwin') {
    const macDir = readdirSync(output).find((name) => name.startsWith('mac'));
    const app = path.join(output, macDir ?? 'mac', 'Imputation Desktop.app');
    return { resources: path.join(app, 'Contents', 'Resources'), executable: app };
  }
  const dir = path.join(output, process.platform === 'win32' ? 'win-unpacked' : 'linux-unpacked');
  return {
    resources: path.join(dir, 'resources'),
    executable: path.join(dir, process.platform === 'win32' ? 'Imputation Desktop.exe' : 'imputation-desktop'),
  };
}

async function checkAsar(resources) {
  const archive = path.join(resources, 'app.asar');
  const problems = [];
  const files = asar.listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/').replace(/^\//, ''));
  const isFile = (name) => {
    try {
      return !('files' in asar.statFile(archive, name, false));
    } catch {
      return false;
    }
  };
  for (const name of [
    'package.json',
    'dist/main/main.cjs',
    'dist/preload/index.cjs',
    'dist/main/vcf-scan-worker.cjs',
    'dist/main/results-worker.cjs',
    'dist/main/vcf-rewrite-worker.cjs',
    'dist/renderer/index.html',
    'dist/icon.png',
  ]) {
    if (!isFile(name)) problems.push(`app.asar lacks ${name}`);
  }
  const forbidden = [
    [/\.map$/, 'a source map'],
    [/^dist\/web(\/|$)/, 'the browser preview'],
    [/\.(ts|svelte|mts|cts)$/, 'a source file'],
    [/^(electron|renderer|tests|scripts|build|docs|release)(\/|$)/, 'a source or test folder'],
    [/^node_modules\/(?!@github(\/keytar)?(\/|$))/, 'a module the bundle already contains'],
  ];
  for (const name of files) {
    const hit = forbidden.find(([pattern]) => pattern.test(name));
    if (hit) problems.push(`app.asar holds ${hit[1]}: ${name}`);
  }
  const addons = files.filter((name) => name.endsWith('.node'));
  if (addons.length === 0) problems.push('app.asar has no keychain addon (node_modules/@github/keytar)');
  for (const name of addons) {
    if (!asar.statFile(archive, name, false).unpacked || !existsSync(path.join(`${archive}.unpacked`, name))) {
      problems.push(`the native addon ${name} is not unpacked (it cannot be loaded from inside the asar)`);
    }
  }
  const size = statSync(archive).size;
  if (size > MAX_ASAR_BYTES) problems.push(`app.asar is ${mib(size)}, more than ${mib(MAX_ASAR_BYTES)}`);
  console.log(
    `app.asar: ${mib(size)} (limit ${mib(MAX_ASAR_BYTES)}), ${files.length} entries; unpacked: ${addons.length} keychain addon(s); Electron: ${
      electronDist?.standIn ? 'stand-in (no binary could be downloaded)' : 'the real binary'
    }`,
  );
  return problems;
}

async function checkFuses(executable) {
  const wire = await getCurrentFuseWire(executable);
  const problems = [];
  for (const [index, wanted] of Object.entries(WANTED_FUSES)) {
    const state = wire[index];
    if (state !== (wanted ? 49 : 48)) {
      problems.push(`fuse ${FuseV1Options[index]} is ${state === 49 ? 'on' : state === 48 ? 'off' : `in state ${state}`}, wanted ${wanted ? 'on' : 'off'}`);
    }
  }
  const shown = Object.entries(WANTED_FUSES)
    .map(([index]) => `${FuseV1Options[index]}=${wire[index] === 49 ? 'on' : 'off'}`)
    .join(', ');
  console.log(`fuses of ${path.basename(executable)}: ${shown}`);
  return problems;
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function fail(problems) {
  for (const problem of problems) console.error(`dist:dir: ${problem}`);
  process.exit(1);
}
