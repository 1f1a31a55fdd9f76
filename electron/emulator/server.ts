import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Caller } from './auth';
import type { EmulatorState, RequestContext } from './context';
import { handleControlRequest } from './control';
import type { EmulatorControl } from './control';
import { errorPage } from './faults';
import { sendShapeA, sendShapeB, sendText, topmedHeaders } from './responses';
import { createApiToken, getProfile, postLogin, revokeApiToken, verifyToken } from './routes/auth-routes';
import { browseRoute, downloadScript, downloadsRoute, s3Object, shareResults } from './routes/downloads';
import { cancelJob, deleteJob, getJob, getLogs, listJobs, restartJob } from './routes/job-routes';
import { getApp, getCounters, getServer } from './routes/server-routes';
import { submitJob } from './routes/submit';
import { isLoopbackHostHeader } from './host-check';

type Handler = (ctx: RequestContext) => void | Promise<void>;
interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

const seg = '([^/]+)';
const rest = '(.+)';
const route = (method: string, path: string, handler: Handler): Route => ({ method, pattern: new RegExp(`^${path}$`), handler });

const ROUTES: Route[] = [
  route('GET', '/api/v2/server', getServer),
  route('GET', '/api/v2/server/counters', getCounters),
  route('GET', `/api/v2/server/apps/${seg}`, getApp),
  route('POST', '/api/v2/tokens/verify', verifyToken),
  route('POST', `/api/v2/users/${seg}/api-token`, createApiToken),
  route('DELETE', `/api/v2/users/${seg}/api-token`, revokeApiToken),
  route('GET', `/api/v2/users/${seg}/profile`, getProfile),
  route('POST', `/api/v2/jobs/submit/${seg}`, submitJob),
  route('GET', '/api/v2/jobs', listJobs),
  route('GET', `/api/v2/jobs/${seg}`, getJob),
  route('GET', `/api/v2/jobs/${seg}/status`, getJob),
  route('GET', `/api/v2/jobs/${seg}/cancel`, cancelJob),
  route('GET', `/api/v2/jobs/${seg}/restart`, restartJob),
  route('DELETE', `/api/v2/jobs/${seg}`, deleteJob),
  route('POST', '/api/v2/importer/files', (ctx) =>
    sendShapeA(ctx.res, 400, 'URL-based uploads are no longer supported. Please use direct file uploads instead.'),
  ),
  route('GET', `/logs/${seg}`, getLogs),
  route('POST', '/login', postLogin),
  route('GET', `/share/results/${seg}/${rest}`, shareResults),
  route('GET', `/downloads/${seg}/${seg}/${rest}`, downloadsRoute),
  route('GET', `/browse/${seg}/${rest}`, browseRoute),
  route('GET', `/get/${seg}`, downloadScript),
  route('GET', `/__s3/${seg}/${rest}`, s3Object),
];

const TOPMED_ONLY: Route[] = [
  route('GET', '/health', (ctx) => sendText(ctx.res, 200, 'OK')),
  route('GET', '/api/v2/banner', (ctx) => {
    ctx.res.writeHead(200, { 'Content-Type': 'application/json' });
    ctx.res.end('[]');
  }),
];

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

export function createEmulatorServer(state: EmulatorState, control: EmulatorControl, options: { loopbackHostOnly?: boolean } = {}): Server {
  const routes = state.options.flavour === 'topmed' ? [...ROUTES, ...TOPMED_ONLY] : ROUTES;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await state.ready;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let caller: Caller | null = null;
    const ctx: RequestContext = {
      req,
      res,
      url,
      path,
      params: [],
      state,
      caller: () => (caller ??= state.auth.resolve(req)),
    };
    if (path.startsWith('/__emulator/')) {
      if (!state.options.faults || req.method !== 'POST') return sendShapeB(req, res, 404, 'Not Found', 'Page Not Found');
      ctx.params = [path.slice('/__emulator/'.length)];
      return handleControlRequest(ctx, control);
    }
    if (state.options.flavour === 'topmed') for (const [k, v] of Object.entries(topmedHeaders(path))) res.setHeader(k, v);
    if (state.options.faults && (await applyFaults(ctx))) return;
    state.engine.update(state.clock.now());

    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    let pathMatched = false;
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method !== method) continue;
      ctx.params = m.slice(1).map(decode);
      await r.handler(ctx);
      return;
    }
    // The security filter answers /api/** before routing (docs/server-behaviour.md#auth-header).
    if (path.startsWith('/api/')) {
      const c = ctx.caller();
      if (c.kind === 'anonymous' || c.kind === 'invalid') return sendShapeB(req, res, 401, 'Unauthorized');
    }
    if (pathMatched)
      return sendShapeB(
        req,
        res,
        405,
        'Method Not Allowed',
        `Method [${req.method}] not allowed for URI [${path}]. Allowed methods: [${routes
          .filter((r) => r.pattern.test(path))
          .map((r) => r.method)
          .join(', ')}]`,
      );
    sendShapeB(req, res, 404, 'Not Found', 'Page Not Found');
  }

  /** True when a fault answered the request. */
  async function applyFaults(ctx: RequestContext): Promise<boolean> {
    const { faults } = state;
    const delay = faults.take('delay', ctx.path);
    if (delay) await new Promise((r) => setTimeout(r, delay.ms));
    if (faults.take('drop-connection', ctx.path)) {
      ctx.req.socket.destroy();
      return true;
    }
    const httpError = faults.take('http-error', ctx.path);
    if (httpError) {
      ctx.req.resume();
      ctx.res.setHeader('Connection', 'close');
      if (httpError.html === false) sendShapeB(ctx.req, ctx.res, httpError.status, httpError.status === 502 ? 'Bad Gateway' : 'Internal Server Error');
      else sendText(ctx.res, httpError.status, errorPage(httpError.status), 'text/html');
      return true;
    }
    if (faults.take('malformed-json', ctx.path)) {
      ctx.req.resume();
      sendText(ctx.res, 200, '{"count": 3, "data": [{"id": "job-', 'application/json');
      return true;
    }
    return false;
  }

  return createServer((req, res) => {
    if (options.loopbackHostOnly && !isLoopbackHostHeader(req.headers.host, Number(new URL(state.url).port))) {
      req.resume();
      return sendText(res, 403, `This server answers only ${state.url}`);
    }
    handle(req, res).catch((error: unknown) => {
      state.log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
      if (!res.headersSent) sendShapeB(req, res, 500, 'Internal Server Error', `Internal Server Error: ${(error as Error)?.message}`);
      else res.destroy();
    });
  });
}
