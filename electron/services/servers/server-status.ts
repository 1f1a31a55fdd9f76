// The status a server card shows, derived from facts (pure, so the rules have one home).
import type { ServerStatus } from '../../ipc/contract';

export const EXPIRY_WARNING_MS = 7 * 24 * 60 * 60 * 1000;

export type CheckProblem = 'expired' | 'revoked' | 'unreachable' | 'maintenance' | null;

export interface StatusFacts {
  hasToken: boolean;
  problem: CheckProblem;
  tokenExpiresAt: number | null;
  now: number;
}

export function deriveStatus({ hasToken, problem, tokenExpiresAt, now }: StatusFacts): ServerStatus {
  if (!hasToken) return 'signed-out';
  if (problem === 'expired' || problem === 'revoked') return problem;
  if (tokenExpiresAt !== null && tokenExpiresAt <= now) return 'expired';
  if (problem) return problem;
  if (tokenExpiresAt !== null && tokenExpiresAt - now <= EXPIRY_WARNING_MS) return 'expiring';
  return 'ok';
}

export function describeStatus(status: ServerStatus, tokenExpiresAt: number | null, detail: string | null): string | null {
  switch (status) {
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
