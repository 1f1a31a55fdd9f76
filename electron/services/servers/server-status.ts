// The status a server card shows, derived from facts (pure, so the rules have one home).
import path from 'node:path';
import type { ServerStatus, ServerView } from '../../ipc/contract';
import { sanitizeSegment } from '../downloads/safe-path';
import type { StoredServer } from '../settings/settings-store';

export const EXPIRY_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

export type CheckProblem = 'expired' | 'revoked' | 'unreachable' | 'maintenance' | 'locked' | null;

export interface StatusFacts {
  hasToken: boolean;
  problem: CheckProblem;
  tokenExpiresAt: number | null;
  now: number;
}

export function deriveStatus({ hasToken, problem, tokenExpiresAt, now }: StatusFacts): ServerStatus {
  if (problem === 'locked') return 'locked';
  if (!hasToken) return 'signed-out';
  if (problem === 'expired' || problem === 'revoked') return problem;
  if (tokenExpiresAt !== null && tokenExpiresAt <= now) return 'expired';
  if (problem) return problem;
  if (tokenExpiresAt !== null && tokenExpiresAt - now <= EXPIRY_WARNING_MS) return 'expiring';
  return 'ok';
}

export function describeStatus(status: ServerStatus, tokenExpiresAt: number | null, detail: string | null): string | null {
  switch (status) {
    case 'locked':
      return "Your keychain is locked, so the app cannot read this server's token. Unlock your keychain (login keyring) and try again.";
    case 'signed-out':
      return 'Signed out. Paste an API token to use this server.';
    case 'expired':
      return "The token is invalid or has expired. Create a new API token on the server's profile page and paste it here.";
    case 'revoked':
      return "The token was revoked or replaced by a newer one. Paste the newest API token from the server's profile page.";
    case 'expiring':
      return tokenExpiresAt === null ? null : `The token expires on ${new Date(tokenExpiresAt).toUTCString()}. Create a new one before then.`;
    case 'maintenance':
      return detail ? `The server is under maintenance: ${detail}` : 'The server is under maintenance.';
    case 'unreachable':
      return detail ?? 'The server could not be reached.';
    case 'starting':
      return 'Starting the demo server…';
    default:
      return null;
  }
}

/** What this run knows about a server besides its stored settings. */
export interface Runtime {
  problem: CheckProblem;
  detail: string | null;
  hasToken: boolean;
  starting: boolean;
}

/** A server card's contents (the token itself never leaves main). */
export function serverView(
  server: StoredServer,
  runtime: Runtime,
  context: { now: number; demoUrl: string | null; secretStorage: 'keychain' | 'memory'; downloadsDir: string },
): ServerView {
  const status = runtime.starting
    ? 'starting'
    : deriveStatus({ hasToken: runtime.hasToken, problem: runtime.problem, tokenExpiresAt: server.tokenExpiresAt, now: context.now });
  return {
    id: server.id,
    kind: server.kind,
    label: server.label,
    url: server.kind === 'demo' ? (context.demoUrl ?? server.url) : server.url,
    serverName: server.serverName,
    user: server.user,
    tokenExpiresAt: runtime.hasToken ? server.tokenExpiresAt : null,
    status,
    statusMessage: describeStatus(status, server.tokenExpiresAt, runtime.detail),
    apps: server.apps,
    lastCheckedAt: server.lastCheckedAt,
    tokenStorage: server.kind === 'demo' ? 'memory' : runtime.hasToken ? context.secretStorage : 'none',
    liveJobLimit: server.liveJobLimit,
    downloadDir: server.downloadDir ?? path.join(context.downloadsDir, 'Imputation Desktop', sanitizeSegment(server.label, 'server')),
    autoDownload: server.autoDownload,
  };
}
