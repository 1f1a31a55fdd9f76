import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FlavourProfile } from './apps';
import type { AuthService, Caller, EmulatorUser } from './auth';
import type { EmulatorClock } from './clock';
import type { FaultRegistry } from './faults';
import type { JobEngine } from './jobs/engine';
import type { SerializeContext } from './jobs/model';
import { sendShapeB } from './responses';

export interface ResolvedOptions {
  flavour: 'michigan' | 'topmed';
  storage: 'local' | 's3';
  maxJobsPerUser: number;
  uploadLimitBytes: number;
  workers: number;
  downloadCredits: number;
  faults: boolean;
  mail: boolean;
  /** The demo server lets its API token delete jobs (the real servers refuse: login tokens only). */
  apiTokenMayDelete: boolean;
}

/** Everything a route handler may touch. */
export interface EmulatorState {
  options: ResolvedOptions;
  profile: FlavourProfile;
  clock: EmulatorClock;
  auth: AuthService;
  engine: JobEngine;
  faults: FaultRegistry;
  maintenance: { on: boolean; message: string };
  dataDir: string;
  /** Base URL, set once listening. */
  url: string;
  s3Secret: string;
  s3Bucket: string;
  counters: { samples: number; runs: number };
  /** Resolves once the seed is in place; every request waits for it. */
  ready: Promise<void>;
  log(line: string): void;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  path: string;
  params: string[];
  state: EmulatorState;
  caller(): Caller;
}

export const serializeContext = (state: EmulatorState): SerializeContext => ({
  now: state.clock.now(),
  s3Bucket: state.options.storage === 's3' ? state.s3Bucket : null,
});

/**
 * The caller, or null after answering 401 (anonymous, garbage or expired token) or
 * 403 (revoked/superseded API token, or an API token where only a login token is accepted).
 */
export function requireUser(ctx: RequestContext, allowApiToken = true): EmulatorUser | null {
  const caller = ctx.caller();
  if (caller.kind === 'anonymous' || caller.kind === 'invalid') {
    sendShapeB(ctx.req, ctx.res, 401, 'Unauthorized');
    return null;
  }
  if (caller.kind === 'revoked' || (caller.apiToken && !allowApiToken)) {
    sendShapeB(ctx.req, ctx.res, 403, 'Forbidden');
    return null;
  }
  return caller.user;
}
