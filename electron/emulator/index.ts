import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROFILES } from './apps';
import { AuthService } from './auth';
import { EmulatorClock } from './clock';
import type { EmulatorState, ResolvedOptions } from './context';
import { createControl } from './control';
import type { EmulatorControl } from './control';
import { FaultRegistry } from './faults';
import { JobEngine } from './jobs/engine';
import { pipelineLimits } from './jobs/pipeline-limits';
import { randomLetters } from './random';
import { DEMO_SAMPLE_FILES, sampleFilesDir, seedDemo } from './seed';
import { createEmulatorServer } from './server';

export type { EmulatorControl, JobSnapshot } from './control';
export type { Fault } from './faults';
export { PIPELINE_TIMINGS } from './jobs/pipeline';

export interface EmulatorOptions {
  /** 0 / undefined = a free port; always bound to 127.0.0.1. */
  port?: number;
  flavour?: 'michigan' | 'topmed';
  /** Clock speed factor (tests use 600 or more so a job finishes in well under a second). */
  speed?: number;
  seed?: 'demo' | 'empty';
  storage?: 'local' | 's3';
  /** Default: a fresh temp dir removed on close(). */
  dataDir?: string;
  maxJobsPerUser?: number;
  uploadLimitBytes?: number;
  workers?: number;
  downloadCredits?: number;
  /** Days after completion: retirement reminder (4→8, 5/6→9), then retirement (→7). */
  retention?: { notificationAfterDays: number; retireAfterDays: number };
  /** Enables the fault/control HTTP API under /__emulator/* (tests only). */
  faults?: boolean;
  /** When true the Summary names the user's e-mail instead of showing the generated password. Default false. */
  mail?: boolean;
  /** Let API tokens delete jobs, as a playground (the demo server); real servers answer 403. Default false. */
  apiTokenMayDelete?: boolean;
  log?: (line: string) => void;
  /** The seeded user's password (the in-app demo server passes a random one per run). */
  password?: string;
  /** Answer only requests whose Host is a loopback name with this server's port (the in-app demo server). */
  loopbackHostOnly?: boolean;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  username: string;
  /** A valid 30-day API token of that user. */
  token: string;
  control: EmulatorControl;
  /** Resolves when the seed is complete (HTTP requests already wait for it; in-process control calls do not). */
  ready: Promise<void>;
  /**
   * Demo only (empty otherwise): VCFs to try, in the build of the flavour's panel, present once
   * `ready` resolves: a clean cohort, and one whose QC fails on Michigan (130 allele switches).
   */
  sampleFiles: string[];
  close(): Promise<void>;
}

/** Starts a local Cloudgene 3 server running imputationserver2 (docs/server-behaviour.md). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const flavour = options.flavour ?? 'michigan';
  const profile = PROFILES[flavour];
  const resolved: ResolvedOptions = {
    flavour,
    storage: options.storage ?? 'local',
    maxJobsPerUser: options.maxJobsPerUser ?? 3,
    uploadLimitBytes: options.uploadLimitBytes ?? 5000 * 1024 * 1024,
    workers: options.workers ?? 5,
    downloadCredits: options.downloadCredits ?? profile.defaultDownloadCredits,
    faults: options.faults ?? false,
    mail: options.mail ?? false,
    apiTokenMayDelete: options.apiTokenMayDelete ?? false,
  };
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'cloudgene-emulator-')));
  await mkdir(dataDir, { recursive: true });
  const log = options.log ?? (() => undefined);
  const clock = new EmulatorClock(options.speed ?? 1);
  const auth = new AuthService(clock);
  const engine = new JobEngine({
    clock,
    profile,
    limits: pipelineLimits(flavour),
    workers: resolved.workers,
    downloadCredits: resolved.downloadCredits,
    retention: options.retention ?? { notificationAfterDays: 5, retireAfterDays: 7 },
    dataDir,
    mail: resolved.mail,
    mailOf: (u) => auth.getUser(u)?.mail ?? '',
    log,
  });
  const state: EmulatorState = {
    options: resolved,
    profile,
    clock,
    auth,
    engine,
    faults: new FaultRegistry(),
    maintenance: { on: false, message: '' },
    dataDir,
    url: '',
    s3Secret: randomLetters(40),
    s3Bucket: 'imputation-results',
    counters: flavour === 'topmed' ? { samples: 12_480_311, runs: 96_412 } : { samples: 123_456_789, runs: 98_765 },
    log,
    ready: Promise.resolve(),
  };
  const demo = options.seed === 'demo';
  const user = demo
    ? auth.addUser({ username: 'demo', password: options.password ?? 'demo', fullName: 'Demo User', mail: 'demo@example.org' })
    : auth.addUser({ username: 'alice', password: options.password ?? 'alice-password', fullName: 'Alice Example', mail: 'alice@example.org' });
  const token = auth.createApiToken(user, 30);
  const control = createControl(state, user.username);
  const server = createEmulatorServer(state, control, { loopbackHostOnly: options.loopbackHostOnly ?? false });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${port}`;
  // The demo seed writes real zips (slow on a cold start); requests wait for it, startEmulator does not.
  if (demo) {
    state.ready = seedDemo(state, user.username).catch((error: unknown) => log(`demo seed failed: ${String(error)}`));
  }
  log(`Cloudgene emulator (${flavour}) listening on ${state.url}`);

  let closing: Promise<void> | null = null;
  return {
    url: state.url,
    username: user.username,
    token,
    control,
    ready: state.ready,
    sampleFiles: demo ? Object.values(DEMO_SAMPLE_FILES).map((name) => join(sampleFilesDir(state), name)) : [],
    close() {
      closing ??= (async () => {
        await state.ready;
        engine.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true, maxRetries: 10, retryDelay: 20 });
      })();
      return closing;
    },
  };
}
