// Servers and their status: part of the IPC contract (electron/ipc/contract.ts). Pure TypeScript (zod only).
import { z } from 'zod';

export const serverKind = z.enum(['topmed', 'michigan', 'custom', 'demo']);
export type ServerKind = z.infer<typeof serverKind>;

/** What a server card shows. The token itself never leaves main. */
export const serverStatus = z.enum([
  'ok',
  'expiring', // the token expires within 7 days
  'expired', // 401: the token is invalid or has expired
  'revoked', // 403 on the token: revoked or replaced by a newer one
  'signed-out', // no token stored
  'maintenance',
  'unreachable',
  'starting', // the demo server is starting
  'locked', // the keychain is locked: the token cannot be read until it is unlocked
]);
export type ServerStatus = z.infer<typeof serverStatus>;

export const serverView = z.object({
  id: z.string(),
  kind: serverKind,
  label: z.string(),
  url: z.string(),
  /** The server's own name from /api/v2/server. */
  serverName: z.string().nullable(),
  user: z.object({ username: z.string(), fullName: z.string(), mail: z.string() }).nullable(),
  /** Epoch ms, or null when unknown (or no token). */
  tokenExpiresAt: z.number().nullable(),
  status: serverStatus,
  /** Words for the user about the status, with the server's own message where it helps. */
  statusMessage: z.string().nullable(),
  apps: z.array(z.object({ id: z.string(), name: z.string(), version: z.string() })),
  lastCheckedAt: z.number().nullable(),
  /** Where this server's token is kept. */
  tokenStorage: z.enum(['keychain', 'memory', 'none']),
  /** Waiting + running jobs the server allows per user (a setting: the API does not say). */
  liveJobLimit: z.number().int(),
  /** Where results of this server's jobs are saved (one folder per job below it). */
  downloadDir: z.string(),
  /** Download every file of a job as soon as it succeeds. */
  autoDownload: z.boolean(),
});
export type ServerView = z.infer<typeof serverView>;
