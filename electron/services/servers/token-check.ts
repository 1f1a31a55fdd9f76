// Checking a token with its server: /api/v2/server says who the caller is (a bad or expired
// token is simply anonymous there, docs/server-behaviour.md#auth-failures), tokens/verify says
// until when the token is valid.
import type { Dispatcher } from 'undici';
import { AppError } from '../../ipc/contract';
import { serverCheckError } from '../app-errors';
import { CloudgeneClient } from '../cloudgene/client';
import type { ServerInfo } from '../cloudgene/schemas';

export interface TokenCheck {
  info: ServerInfo;
  /** Epoch ms, or null when the server does not say. */
  expiresAt: number | null;
}

export async function checkToken(url: string, token: string, options: { userAgent: string; dispatcher: Dispatcher }): Promise<TokenCheck> {
  const client = new CloudgeneClient({ baseUrl: url, token, userAgent: options.userAgent, dispatcher: options.dispatcher });
  let info: ServerInfo;
  try {
    info = await client.server();
  } catch (error) {
    throw serverCheckError(url, error);
  }
  const verdict = await client.verifyToken(token).catch((error: unknown) => {
    throw serverCheckError(url, error);
  });
  if (!info.loggedIn || !info.user) {
    const said = verdict.message ? ` The server said: "${verdict.message}"` : '';
    throw new AppError(
      'unauthorized',
      `The server did not accept this token. It may be mistyped, expired, or replaced by a newer token; create a new API token on your profile page.${said}`,
    );
  }
  const expiresAt = verdict.valid && verdict.expiresAt ? Date.parse(verdict.expiresAt) : null;
  return { info, expiresAt: Number.isFinite(expiresAt) ? expiresAt : null };
}
