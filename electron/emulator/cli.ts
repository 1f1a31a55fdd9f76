// `npm run emulator -- [options]`: a Cloudgene 3 emulator on loopback for scripts and manual testing.
// Prints one JSON line {"url", "token", "username"} on stdout when ready. The token is printed on
// purpose (it is the emulator's own throwaway token for the caller to use); nothing else logs it.
import { parseArgs } from 'node:util';
import { startEmulator } from './index';

const USAGE = `Usage: npm run emulator -- [options]

Starts a local Cloudgene 3 server running imputationserver2 (loopback only) and prints
{"url", "token", "username"} as one JSON line when it is ready. Ctrl-C stops it.

Options:
  --port N              TCP port on 127.0.0.1 (default 0: any free port)
  --flavour NAME        michigan | topmed: app version, panels, QC rules, response shapes (default michigan)
  --speed N             clock speed factor; 60 makes a minute of pipeline time pass in a second (default 1)
  --seed NAME           demo: user "demo" with jobs in every state and sample VCFs; empty: user "alice", no jobs (default empty)
  --storage NAME        local: downloads stream from the server; s3: 301 to pre-signed links with Range support (default local)
  --data-dir PATH       keep uploads and results here (default: a temporary folder removed on exit)
  --max-jobs N          live jobs per user before submits get 400 (default 3)
  --workers N           jobs running at once, server-wide (default 5)
  --upload-limit-mb N   largest accepted request in MiB; larger ones get 413 (default 5000)
  --download-credits N  downloads per result file (default 10 on michigan, 50 on topmed)
  --mail                the server sends mail: the Summary names the e-mail address instead of showing the password
  --faults              enable the test-only control API (POST /__emulator/<command>)
  --verbose             log submits, job events and internal errors to stderr
  -h, --help            show this help
`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    strict: true,
    options: {
      port: { type: 'string', default: '0' },
      flavour: { type: 'string', default: 'michigan' },
      speed: { type: 'string', default: '1' },
      seed: { type: 'string', default: 'empty' },
      storage: { type: 'string', default: 'local' },
      'data-dir': { type: 'string' },
      'max-jobs': { type: 'string' },
      workers: { type: 'string' },
      'upload-limit-mb': { type: 'string' },
      'download-credits': { type: 'string' },
      faults: { type: 'boolean', default: false },
      mail: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (error) {
  fail((error as Error).message);
}

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function choice<T extends string>(name: string, allowed: readonly T[]): T {
  const value = values[name];
  if (!allowed.includes(value as T)) fail(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function number(name: string, options: { min: number }): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < options.min) fail(`--${name} must be a number of at least ${options.min}`);
  return value;
}

const uploadLimitMb = number('upload-limit-mb', { min: 1 });
const emulator = await startEmulator({
  port: number('port', { min: 0 }),
  flavour: choice('flavour', ['michigan', 'topmed'] as const),
  speed: number('speed', { min: Number.MIN_VALUE }),
  seed: choice('seed', ['demo', 'empty'] as const),
  storage: choice('storage', ['local', 's3'] as const),
  dataDir: values['data-dir'] as string | undefined,
  maxJobsPerUser: number('max-jobs', { min: 1 }),
  workers: number('workers', { min: 1 }),
  uploadLimitBytes: uploadLimitMb === undefined ? undefined : uploadLimitMb * 1024 * 1024,
  downloadCredits: number('download-credits', { min: 1 }),
  faults: Boolean(values.faults),
  mail: Boolean(values.mail),
  log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
});

process.stdout.write(`${JSON.stringify({ url: emulator.url, token: emulator.token, username: emulator.username })}\n`);

const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
