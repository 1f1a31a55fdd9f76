import type { EmulatorUser } from '../auth';
import type { RequestContext } from '../context';
import { requireUser, serializeContext } from '../context';
import { isLive, jobJson, JobState, lightJobJson } from '../jobs/model';
import type { Job } from '../jobs/model';
import { sendJson, sendShapeA, sendShapeB, sendText } from '../responses';

const PAGE_SIZE = 15;

/** Caller for /api/v2/jobs/**: auth, then 503 for non-admins in maintenance (docs/server-behaviour.md#maintenance). */
function jobsCaller(ctx: RequestContext, allowApiToken = true): EmulatorUser | null {
  const user = requireUser(ctx, allowApiToken);
  if (!user) return null;
  if (ctx.state.maintenance.on && !user.admin) {
    sendShapeA(ctx.res, 503, 'This functionality is currently under maintenance.');
    return null;
  }
  return user;
}

/** 404 for unknown or deleted jobs, 403 `Access denied.` for someone else's. */
function ownJob(ctx: RequestContext, user: EmulatorUser, id: string): Job | null {
  const job = ctx.state.engine.jobs.get(id);
  if (!job || job.state === JobState.DELETED) {
    sendShapeA(ctx.res, 404, `Job ${id} not found.`);
    return null;
  }
  if (job.username !== user.username && !user.admin) {
    sendShapeA(ctx.res, 403, 'Access denied.');
    return null;
  }
  return job;
}

/** GET /api/v2/jobs[?page=N] (docs/server-behaviour.md#job-list). */
export function listJobs(ctx: RequestContext): void {
  const user = jobsCaller(ctx);
  if (!user) return;
  const rawPage = ctx.url.searchParams.get('page');
  let page: number | null = null;
  if (rawPage !== null) {
    if (!/^-?\d+$/.test(rawPage.trim())) {
      sendShapeB(ctx.req, ctx.res, 400, 'Bad Request', `Failed to convert argument [page] for value [${rawPage}] due to: For input string: "${rawPage}"`);
      return;
    }
    page = Number(rawPage.trim());
  }
  const all = ctx.state.engine.jobsOf(user.username);
  const count = all.length;
  const sctx = serializeContext(ctx.state);
  const item = (job: Job) => (isLive(job.state) ? jobJson(job, sctx) : lightJobJson(job, sctx));
  if (count === 0) {
    sendJson(ctx.res, 200, { count: 0, page: 0, pageSize: page === null ? 0 : PAGE_SIZE, prev: null, next: null, pages: [], data: [] });
    return;
  }
  const shownPage = page ?? 1;
  const pageSize = page === null ? count : PAGE_SIZE;
  const slice = page === null ? all : all.slice((Math.max(page, 1) - 1) * PAGE_SIZE, (Math.max(page, 1) - 1) * PAGE_SIZE + PAGE_SIZE);
  const totalPages = Math.ceil(count / pageSize);
  // PageResponse.build: up to three pages either side (only pages > 0), and always the current one.
  const pages: number[] = [];
  for (let i = 3; i > 0; i--) if (shownPage - i > 0) pages.push(shownPage - i);
  pages.push(shownPage);
  for (let i = 1; i <= 3; i++) if (shownPage + i <= totalPages) pages.push(shownPage + i);
  sendJson(ctx.res, 200, {
    count,
    page: shownPage,
    pageSize,
    prev: shownPage > 1 ? shownPage - 1 : null,
    next: shownPage < totalPages ? shownPage + 1 : null,
    pages,
    data: slice.map(item),
  });
}

/** GET /api/v2/jobs/{id} and /status: the same JSON. */
export function getJob(ctx: RequestContext): void {
  const user = jobsCaller(ctx);
  if (!user) return;
  const job = ownJob(ctx, user, ctx.params[0]);
  if (!job) return;
  sendJson(ctx.res, 200, jobJson(job, serializeContext(ctx.state)));
}

/** GET /api/v2/jobs/{id}/cancel: a no-op (200) on jobs that are not live. */
export function cancelJob(ctx: RequestContext): void {
  const user = jobsCaller(ctx);
  if (!user) return;
  const job = ownJob(ctx, user, ctx.params[0]);
  if (!job) return;
  ctx.state.engine.cancel(job);
  sendJson(ctx.res, 200, jobJson(job, serializeContext(ctx.state)));
}

/** GET /api/v2/jobs/{id}/restart: only DEAD (-1) jobs. */
export function restartJob(ctx: RequestContext): void {
  const user = jobsCaller(ctx);
  if (!user) return;
  const job = ownJob(ctx, user, ctx.params[0]);
  if (!job) return;
  if (job.state !== JobState.DEAD) {
    sendShapeA(ctx.res, 400, `Job ${job.id} is not pending.`);
    return;
  }
  ctx.state.engine.restart(job);
  sendJson(ctx.res, 200, { success: true, message: 'Your job was successfully added to the job queue.', type: 0, time: 0 });
}

/** DELETE /api/v2/jobs/{id}: login token only (an API token gets 403), unless the demo allows it. */
export function deleteJob(ctx: RequestContext): void {
  const user = jobsCaller(ctx, ctx.state.options.apiTokenMayDelete);
  if (!user) return;
  const job = ownJob(ctx, user, ctx.params[0]);
  if (!job) return;
  ctx.state.engine.delete(job);
  sendJson(ctx.res, 200, jobJson(job, serializeContext(ctx.state)));
}

/** GET /logs/{id}: plain text. */
export function getLogs(ctx: RequestContext): void {
  const user = requireUser(ctx);
  if (!user) return;
  const job = ownJob(ctx, user, ctx.params[0]);
  if (!job) return;
  sendText(ctx.res, 200, `job.txt:\n\n${job.log.join('\n')}`);
}
