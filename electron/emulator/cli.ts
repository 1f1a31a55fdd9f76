// `npm run emulator -- --port P [--flavour topmed|michigan] [--speed N] [--seed demo|empty] [--storage local|s3] [--faults]`
// Prints one JSON line {"url", "token", "username"} on stdout when ready. The token is printed on purpose
// (it is the emulator's own throwaway token for the caller to use); nothing else logs it.
import { parseArgs } from 'node:util';
import { startEmulator } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    flavour: { type: 'string', default: 'michigan' },
    speed: { type: 'string', default: '1' },
    seed: { type: 'string', default: 'empty' },
    storage: { type: 'string', default: 'local' },
    'data-dir': { type: 'string' },
    'max-jobs': { type: 'string' },
    workers: { type: 'string' },
    faults: { type: 'boolean', default: false },
    mail: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    process.stderr.write(`--${name} must be one of ${allowed.join(', ')}\n`);
    process.exit(2);
  }
  return value as T;
}

const emulator = await startEmulator({
  port: Number(values.port),
  flavour: choice('flavour', values.flavour, ['michigan', 'topmed'] as const),
  speed: Number(values.speed),
  seed: choice('seed', values.seed, ['demo', 'empty'] as const),
  storage: choice('storage', values.storage, ['local', 's3'] as const),
  dataDir: values['data-dir'],
  maxJobsPerUser: values['max-jobs'] ? Number(values['max-jobs']) : undefined,
  workers: values.workers ? Number(values.workers) : undefined,
  faults: values.faults,
  mail: values.mail,
  log: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
});

process.stdout.write(`${JSON.stringify({ url: emulator.url, token: emulator.token, username: emulator.username })}\n`);

const stop = () => {
  void emulator.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
