// The dispatcher of direct downloads (no proxy): undici's Agent with explicit limits. Requests
// say `reset: true` (undici-get.ts), so every download has a connection of its own: a GET that
// spends a credit never goes out on a kept-alive connection the server may have closed meanwhile.
import { Agent, type Dispatcher } from 'undici';

/** The most header bytes an answer may have (undici counts names and values). */
export const MAX_HEADER_BYTES = 16 * 1024;
const CONNECT_TIMEOUT_MS = 15_000;

let direct: Agent | null = null;

export function directDownloadDispatcher(): Dispatcher {
  direct ??= new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS }, maxHeaderSize: MAX_HEADER_BYTES });
  return direct;
}
