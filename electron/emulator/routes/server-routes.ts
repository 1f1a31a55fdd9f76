import type { RequestContext } from '../context';
import { requireUser } from '../context';
import { appDefinition, panelKey } from '../apps';
import { sendJson, sendShapeA, sendShapeB } from '../responses';

const FOOTER = '<p>Emulated Cloudgene 3 server for Imputation Desktop (local, no real data leaves this machine).</p>';

/** GET /api/v2/server (docs/server-behaviour.md#server-info): upstream hand-built JSON vs TOPMed's NON_NULL record. */
export function getServer(ctx: RequestContext): void {
  const { state } = ctx;
  const caller = ctx.caller();
  // A revoked but unexpired API token is resolved to a user and refused; garbage/expired is anonymous.
  if (caller.kind === 'revoked') {
    sendShapeB(ctx.req, ctx.res, 403, 'Forbidden');
    return;
  }
  const user = caller.kind === 'user' ? caller.user : null;
  const { profile } = state;
  const apps = user ? [{ id: `${profile.appId}@${profile.appVersion}`, name: profile.appName, version: profile.appVersion }] : [];
  const maintenance = state.maintenance;
  if (state.options.flavour === 'topmed') {
    sendJson(ctx.res, 200, {
      name: profile.serverName,
      background: '#1a4e8a',
      foreground: '#ffffff',
      emailRequired: true,
      ...(user ? { user: { username: user.username, fullName: user.fullName, mail: user.mail, admin: user.admin } } : {}),
      apps,
      ...(user ? { deprecatedApps: [], experimentalApps: [] } : {}),
      loggedIn: user !== null,
      maintenance: maintenance.on,
      ...(maintenance.on ? { maintenanceMessage: maintenance.message } : {}),
    });
    return;
  }
  sendJson(ctx.res, 200, {
    name: profile.serverName,
    background: '#343a40',
    foreground: '#ffffff',
    footer: FOOTER,
    emailRequired: true,
    userEmailDescription: 'Your e-mail address is used to send you a notification when your job is complete.',
    userWithoutEmailDescription: 'Without an e-mail address you will not be notified when your job is complete.',
    oauth: [],
    ...(user ? { user: { username: user.username, mail: user.mail, admin: user.admin, name: user.fullName } } : {}),
    apps,
    ...(user ? { deprecatedApps: [], experimentalApps: [] } : {}),
    loggedIn: user !== null,
    navigation: [{ id: 'help', name: 'Help', link: 'http://docs.cloudgene.io', items: [] }],
    maintenace: maintenance.on, // sic: misspelled upstream
    ...(maintenance.on ? { maintenaceMessage: maintenance.message } : {}),
  });
}

/** GET /api/v2/server/counters (anonymous). */
export function getCounters(ctx: RequestContext): void {
  const { state } = ctx;
  let runs = 0;
  let samples = 0;
  for (const job of state.engine.jobs.values()) {
    if (job.state === 4 || job.state === 7 || job.state === 8) {
      runs++;
      samples += 50;
    }
  }
  sendJson(ctx.res, 200, {
    complete: { samples: state.counters.samples + samples, runs: state.counters.runs + runs },
    queue: { size: state.engine.queueSize() },
    users: state.auth.userCount(),
  });
}

/** GET /api/v2/server/apps/{appId} (docs/server-behaviour.md#app-form). */
export function getApp(ctx: RequestContext): void {
  const user = requireUser(ctx); // anonymous-capable route, but it needs a user internally (401)
  if (!user) return;
  const { state } = ctx;
  if (state.maintenance.on && !user.admin) {
    sendShapeA(ctx.res, 503, 'This functionality is currently under maintenance.');
    return;
  }
  const appId = ctx.params[0];
  const { profile } = state;
  const [id, version] = appId.split('@');
  if (id === profile.appId && (version === undefined || version === profile.appVersion)) {
    sendJson(ctx.res, 200, appDefinition(profile, state.options.storage === 's3'));
    return;
  }
  if (profile.panels.some((p) => (p.id === id && (version === undefined || p.version === version)) || panelKey(p) === appId)) {
    sendShapeA(ctx.res, 404, `Application ${appId} is a data package.`);
    return;
  }
  sendShapeA(ctx.res, 404, `Application ${appId} not found or the request requires user authentication.`);
}
