// `npm run test:electronegativity`: Doyensec's Electronegativity over the Electron glue, the
// services behind it and the renderer's page, offline. Fails on any finding that is not listed,
// with the reason it is acceptable, in scripts/electronegativity-reviewed.json, and on any listed
// finding that no longer occurs (so the list stays true).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const reviewedFile = path.join(root, 'scripts', 'electronegativity-reviewed.json');
const ELECTRON_VERSION = require('electron/package.json').version;
// What ships: the glue, the services it runs, the page. (The emulator and tests do not ship.)
const INPUTS = ['electron/main', 'electron/preload', 'electron/ipc', 'electron/services', 'electron/shared', 'renderer/index.html'];
// Both look Electron releases up on the network: keeping Electron current is Dependabot's job.
const EXCLUDED_CHECKS = ['availablesecurityfixesglobalcheck', 'electronversionjsoncheck'];

// Offline: the tool fetches translations and release lists with `got`; those requests fail at once.
const offline = Object.assign(() => Promise.reject(new Error('offline')), { head: () => Promise.reject(new Error('offline')) });
const load = Module._load;
Module._load = function (request, parent, ...rest) {
  if (request === 'got' && parent?.filename?.includes(`${path.sep}@doyensec${path.sep}electronegativity${path.sep}`)) return offline;
  return load.call(this, request, parent, ...rest);
};

const stage = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
try {
  for (const input of INPUTS) cpSync(path.join(root, input), path.join(stage, input), { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
  const quiet = console.log;
  console.log = () => undefined; // "could not retrieve translations", "no connectivity?"
  let result;
  try {
    const run = require('@doyensec/electronegativity');
    result = await run({
      input: stage,
      output: undefined,
      isSarif: false,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS,
      severitySet: undefined,
      confidenceSet: undefined,
      isRelative: true,
      isVerbose: false,
      electronUpgrade: undefined,
      electronVersionOverride: ELECTRON_VERSION,
      parserPlugins: [],
    });
  } finally {
    console.log = quiet;
  }
  report(result);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

function report({ issues, errors }) {
  const problems = [];
  for (const error of errors) problems.push(`${path.relative(stage, error.file)} could not be analysed: ${error.message}`);
  const reviewed = JSON.parse(readFileSync(reviewedFile, 'utf8')).findings;
  const used = new Set();
  const found = issues.map((issue) => {
    const file = issue.file === 'N/A' ? 'N/A' : issue.file.replace(/\\/g, '/').replace(/^\//, '');
    const code = issue.location.line > 0 ? sourceLine(file, issue.location.line) : '';
    return { check: issue.id, file, code, line: issue.location.line };
  });
  for (const finding of found) {
    const match = reviewed.findIndex((entry) => entry.check === finding.check && entry.file === finding.file && entry.code === finding.code);
    if (match >= 0 && reviewed[match].reason?.trim()) used.add(match);
    else
      problems.push(
        `new finding ${finding.check} in ${finding.file}:${finding.line}: ${finding.code || '(whole app)'} (fix it, or list it with a reason in ${path.relative(root, reviewedFile)})`,
      );
  }
  reviewed.forEach((entry, index) => {
    if (!used.has(index)) problems.push(`reviewed finding ${entry.check} in ${entry.file} (${entry.code}) no longer occurs: remove it from the list`);
  });
  console.log(
    `Electronegativity ${require('@doyensec/electronegativity/package.json').version} (Electron ${ELECTRON_VERSION}): ${found.length} finding(s), all reviewed: ${problems.length === 0 ? 'yes' : 'no'}`,
  );
  for (const problem of problems) console.error(`electronegativity: ${problem}`);
  if (problems.length > 0) process.exit(1);
}

function sourceLine(file, line) {
  return (readFileSync(path.join(stage, file), 'utf8').split('\n')[line - 1] ?? '').trim();
}
