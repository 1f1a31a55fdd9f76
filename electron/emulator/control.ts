import { rmSync } from 'node:fs';
import type { EmulatorState, RequestContext } from './context';
import { serializeContext } from './context';
import { parseFault } from './faults';
import type { Fault } from './faults';
import { jobJson } from './jobs/model';
import { readBody, sendJson } from './responses';
import { seedManyJobs } from './seed';

export interface JobSnapshot {
  /** What GET /api/v2/jobs/{id} would answer (also for deleted jobs). */
  json: Record<string, unknown>;
  state: number;
  username: string;
  /** The zip password (after HTML escaping), for tests that open the results. */
  password: string;
  params: Record<string, unknown>;
  inputFiles: string[];
  workspace: string;
  files: Array<{ name: string; hash: string; count: number; bytes: number; absPath: string }>;
}

/** In-process powers over a running emulator (tests); mirrored as POST /__emulator/<command> when `faults` is on. */
export interface EmulatorControl {
  addUser(input: { username: string; password?: string; fullName?: string; mail?: string; admin?: boolean }): { username: string; token: string };
  /** A new API token for `user` (replaces the previous one). `expiresInDays`: -1 never (as the server), 0 or other negatives already expired. */
  createApiToken(user: string, options?: { expiresInDays?: number }): string;
  revokeApiToken(user: string): void;
  /** A 24 h login access token (the kind `POST /login` gives; needed for DELETE and token management). */
  loginToken(user: string): string;
  /** Every token issued so far is treated as expired (401). */
  expireTokens(): void;
  setMaintenance(on: boolean, message?: string): void;
  advanceClock(ms: number): void;
  /** The clock runs `speed` times real time from now on (e.g. 1 once a fast-run job is done, so
   *  pre-signed links stay valid for a real hour). */
  setClockSpeed(speed: number): void;
  /** Emulator clock, epoch ms. */
  now(): number;
  setFault(fault: Fault): void;
  clearFaults(): void;
  listFaults(): Fault[];
  /** `n` finished jobs in mixed states (default cycle 4,5,6,7,8,9,-1); returns their ids. */
  seedJobs(n: number, options?: { user?: string; states?: number[] }): string[];
  getJob(id: string): JobSnapshot | null;
  /** Remaining credits of a result file, or null for an unknown hash. */
  downloadCount(hash: string): number | null;
  setDownloadCount(hash: string, count: number): void;
  /** Test fault: the result file disappears from the workspace (its download then answers 404 after spending a credit). */
  deleteResultFile(hash: string): void;
  /** Server restart: jobs in states 1-3 become DEAD (-1). */
  simulateServerRestart(): void;
}

export function createControl(state: EmulatorState, defaultUser: string): EmulatorControl {
  const userOf = (name: string) => {
    const user = state.auth.getUser(name);
    if (!user) throw new Error(`unknown user ${name}`);
    return user;
  };
  return {
    addUser(input) {
      const user = state.auth.addUser(input);
      return { username: user.username, token: state.auth.createApiToken(user, 30) };
    },
    createApiToken(user, options = {}) {
      return state.auth.createApiToken(userOf(user), options.expiresInDays ?? 30);
    },
    revokeApiToken: (user) => state.auth.revokeApiToken(userOf(user)),
    loginToken: (user) => state.auth.loginToken(userOf(user)),
    expireTokens: () => state.auth.expireAllTokens(),
    setMaintenance(on, message) {
      state.maintenance = { on, message: message ?? (on ? 'The service is currently under maintenance. Please try again later.' : '') };
    },
    advanceClock(ms) {
      state.clock.advance(ms);
      state.engine.update(state.clock.now());
    },
    setClockSpeed(speed) {
      state.engine.update(state.clock.now());
      state.clock.setSpeed(speed);
    },
    now: () => state.clock.now(),
    setFault: (fault) => state.faults.set(parseFault(fault)),
    clearFaults: () => state.faults.clear(),
    listFaults: () => state.faults.list(),
    seedJobs: (n, options = {}) => seedManyJobs(state, options.user ?? defaultUser, n, options.states),
    getJob(id) {
      state.engine.update(state.clock.now());
      const job = state.engine.jobs.get(id);
      if (!job) return null;
      const { panel, password, ...params } = job.params;
      return {
        json: jobJson(job, serializeContext(state)),
        state: job.state,
        username: job.username,
        password,
        params: { ...params, panel: panel ? `${panel.id}@${panel.version}` : null },
        inputFiles: job.inputFiles,
        workspace: job.workspace,
        files: job.output.files.map((f) => ({ name: f.name, hash: f.hash, count: f.count, bytes: f.bytes, absPath: f.absPath })),
      };
    },
    downloadCount: (hash) => state.engine.fileByHash.get(hash)?.file.count ?? null,
    setDownloadCount(hash, count) {
      const entry = state.engine.fileByHash.get(hash);
      if (!entry) throw new Error(`unknown file hash ${hash}`);
      entry.file.count = count;
    },
    deleteResultFile(hash) {
      const entry = state.engine.fileByHash.get(hash);
      if (!entry) throw new Error(`unknown file hash ${hash}`);
      rmSync(entry.file.absPath, { force: true });
    },
    simulateServerRestart: () => state.engine.simulateServerRestart(),
  };
}

/** POST /__emulator/<command> with a JSON body of named arguments; answers `{"result": ...}`. */
export async function handleControlRequest(ctx: RequestContext, control: EmulatorControl): Promise<void> {
  const command = ctx.params[0];
  let body: Record<string, unknown> = {};
  try {
    const text = await readBody(ctx.req);
    body = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    sendJson(ctx.res, 400, { error: 'body must be JSON' });
    return;
  }
  const s = (key: string) => String(body[key] ?? body.username ?? '');
  const calls: Record<string, () => unknown> = {
    addUser: () => control.addUser(body as Parameters<EmulatorControl['addUser']>[0]),
    createApiToken: () => ({ token: control.createApiToken(s('user'), { expiresInDays: body.expiresInDays as number | undefined }) }),
    revokeApiToken: () => control.revokeApiToken(s('user')),
    loginToken: () => ({ token: control.loginToken(s('user')) }),
    expireTokens: () => control.expireTokens(),
    setMaintenance: () => control.setMaintenance(Boolean(body.on), body.message as string | undefined),
    advanceClock: () => control.advanceClock(Number(body.ms)),
    setClockSpeed: () => control.setClockSpeed(Number(body.speed)),
    now: () => control.now(),
    setFault: () => control.setFault((body.fault ?? body) as Fault),
    clearFaults: () => control.clearFaults(),
    listFaults: () => control.listFaults(),
    seedJobs: () => control.seedJobs(Number(body.n), { user: body.user as string | undefined, states: body.states as number[] | undefined }),
    getJob: () => control.getJob(String(body.id)),
    downloadCount: () => control.downloadCount(String(body.hash)),
    setDownloadCount: () => control.setDownloadCount(String(body.hash), Number(body.count)),
    deleteResultFile: () => control.deleteResultFile(String(body.hash)),
    simulateServerRestart: () => control.simulateServerRestart(),
  };
  const call = calls[command];
  if (!call) {
    sendJson(ctx.res, 404, { error: `unknown command ${command}`, commands: Object.keys(calls) });
    return;
  }
  try {
    sendJson(ctx.res, 200, { result: call() ?? null });
  } catch (error) {
    sendJson(ctx.res, 400, { error: (error as Error).message });
  }
}
