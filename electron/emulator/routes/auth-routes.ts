import type { RequestContext } from '../context';
import { requireUser } from '../context';
import type { EmulatorUser } from '../auth';
import { readFormOrJson, sendJson, sendShapeB } from '../responses';

const LOCK_MS = 30 * 60_000;
const MAX_FAILED_LOGINS = 5;

/** Java `Date.toString()` in UTC, e.g. "Tue May 19 13:22:04 UTC 2026". */
export function javaDate(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** ISO instant without milliseconds, as Micronaut serializes java.util.Date. */
export const isoInstant = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** POST /login (form or JSON). */
export async function postLogin(ctx: RequestContext): Promise<void> {
  const { state } = ctx;
  const form = await readFormOrJson(ctx.req);
  const user = state.auth.getUser(form.username ?? '');
  const now = state.clock.now();
  if (user && user.lockedUntil !== null && user.lockedUntil > now) {
    sendShapeB(ctx.req, ctx.res, 401, 'The user account is locked for 30 minutes. Too many failed logins.');
    return;
  }
  if (!user || user.password !== (form.password ?? '')) {
    if (user) {
      user.loginAttempts += 1;
      if (user.loginAttempts >= MAX_FAILED_LOGINS) {
        user.lockedUntil = now + LOCK_MS;
        user.loginAttempts = 0;
      }
    }
    sendShapeB(ctx.req, ctx.res, 401, 'Login Failed! Wrong Username or Password.');
    return;
  }
  if (!user.active) {
    sendShapeB(ctx.req, ctx.res, 401, 'Login Failed! User account is not activated.');
    return;
  }
  user.loginAttempts = 0;
  user.lockedUntil = null;
  user.lastLogin = now;
  sendJson(ctx.res, 200, {
    username: user.username,
    roles: [user.admin ? 'admin' : 'user'],
    access_token: state.auth.loginToken(user),
    token_type: 'Bearer',
    expires_in: 86400,
  });
}

/** POST /api/v2/users/{u}/api-token[?expiration=days]: login token only; `{u}` is ignored. */
export function createApiToken(ctx: RequestContext): void {
  const user = requireUser(ctx, false);
  if (!user) return;
  const { state } = ctx;
  const raw = ctx.url.searchParams.get('expiration');
  let days = 30;
  if (raw !== null) {
    days = Number(raw);
    if (!Number.isInteger(days)) {
      sendShapeB(ctx.req, ctx.res, 400, 'Bad Request', `Failed to convert argument [expiration] for value [${raw}]`);
      return;
    }
  }
  // TOPMed accepts 1..90 days only; anything else is an IllegalArgumentException (500).
  if (state.options.flavour === 'topmed' && (days < 1 || days > 90)) {
    sendShapeB(ctx.req, ctx.res, 500, 'Internal Server Error', 'Internal Server Error: Expiration must be between 1 and 90 days.');
    return;
  }
  const token = state.auth.createApiToken(user, days);
  sendJson(ctx.res, 200, { token, success: true, message: 'Creation successfull.', type: 0, time: 0 });
}

/** DELETE /api/v2/users/{u}/api-token: revoke (answer keeps the "creation" wording). */
export function revokeApiToken(ctx: RequestContext): void {
  const user = requireUser(ctx, false);
  if (!user) return;
  ctx.state.auth.revokeApiToken(user);
  const message = ctx.state.options.flavour === 'topmed' ? 'Creation successful.' : 'Creation successfull.';
  sendJson(ctx.res, 200, { success: true, message, type: 0, time: 0 });
}

/** POST /api/v2/tokens/verify (anonymous, form field `token`): always 200 for a form body. */
export async function verifyToken(ctx: RequestContext): Promise<void> {
  const { state } = ctx;
  // @Consumes(APPLICATION_FORM_URLENCODED): any other declared type is 415.
  const type = String(ctx.req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  if (type !== '' && type !== 'application/x-www-form-urlencoded') {
    ctx.req.resume();
    sendShapeB(ctx.req, ctx.res, 415, 'Unsupported Media Type', `Content Type [${type}] not allowed. Allowed types: [application/x-www-form-urlencoded]`);
    return;
  }
  const form = await readFormOrJson(ctx.req);
  const caller = form.token ? state.auth.resolveToken(form.token) : { kind: 'anonymous' as const };
  if (caller.kind === 'user' && caller.apiToken) {
    const u = caller.user;
    sendJson(ctx.res, 200, {
      valid: true,
      // The constant is passed through unformatted: the literal %s reaches the client (docs/server-behaviour.md#token-endpoints).
      message: 'API Token was created by %s and is valid.',
      username: u.username,
      name: u.fullName,
      mail: u.mail,
      expire: isoInstant(u.apiTokenExpiresAt ?? state.clock.now()),
    });
    return;
  }
  sendJson(ctx.res, 200, { valid: false, message: 'Invalid API Token.', username: null, name: null, mail: null, expire: isoInstant(state.clock.now()) });
}

/** UserResponse: true unless there is a token and it has expired (no token at all: true). */
function apiTokenValid(user: EmulatorUser, now: number): boolean {
  if (user.apiHash === '' || user.apiTokenExpiresAt === null) return true;
  return user.apiTokenExpiresAt > now;
}

/** GET /api/v2/users/{u}/profile: upstream ignores {u}; TOPMed wants the caller's own name (else 403, empty body). */
export function getProfile(ctx: RequestContext): void {
  const user = requireUser(ctx);
  if (!user) return;
  const { state } = ctx;
  const now = state.clock.now();
  const valid = apiTokenValid(user, now);
  if (state.options.flavour === 'topmed') {
    if (ctx.params[0] !== user.username && !user.admin) {
      ctx.res.writeHead(403, { 'Content-Length': 0 });
      ctx.res.end();
      return;
    }
    sendJson(ctx.res, 200, {
      id: user.id,
      username: user.username,
      fullName: user.fullName,
      lastLogin: user.lastLogin === null ? null : isoInstant(user.lastLogin),
      lockedUntil: user.lockedUntil === null ? null : isoInstant(user.lockedUntil),
      active: user.active,
      loginAttempts: user.loginAttempts,
      role: user.admin ? 'admin,user' : 'user',
      mail: user.mail,
      admin: user.admin,
      hasApiToken: user.apiHash !== '',
      apiTokenExpiresOn: user.apiHash !== '' && user.apiTokenExpiresAt !== null ? isoInstant(user.apiTokenExpiresAt) : null,
      apiTokenValid: valid,
    });
    return;
  }
  let apiTokenMessage = '';
  if (user.apiHash !== '' && user.apiTokenExpiresAt !== null) {
    apiTokenMessage = valid
      ? `API Token was created by ${user.username} and is valid until ${javaDate(user.apiTokenExpiresAt)}.`
      : `API Token was created by ${user.username} and expired on ${javaDate(user.apiTokenExpiresAt)}.`;
  }
  sendJson(ctx.res, 200, {
    id: user.id,
    username: user.username,
    fullName: user.fullName,
    lastLogin: user.lastLogin === null ? '' : javaDate(user.lastLogin),
    lockedUntil: user.lockedUntil === null ? '' : javaDate(user.lockedUntil),
    active: user.active,
    loginAttempts: user.loginAttempts,
    role: user.admin ? 'admin,user' : 'user',
    mail: user.mail,
    admin: user.admin,
    hasApiToken: user.apiHash !== '',
    apiTokenMessage,
    apiTokenValid: valid,
  });
}
