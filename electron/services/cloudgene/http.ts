// The shared undici dispatcher, the User-Agent and the timeouts used for Cloudgene servers.
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';

export interface Timeouts {
  /** Time allowed until the answer's headers arrive (counted from the last byte sent). */
  headersMs: number;
  /** Longest pause allowed between two chunks of the answer body; 0 = none. */
  bodyMs: number;
}

/** JSON calls are small: a server that has not answered in this time is not going to. */
export const JSON_TIMEOUTS: Timeouts = { headersMs: 15_000, bodyMs: 30_000 };

/** Streaming bodies (uploads, downloads) may pause for long; the user cancels instead. The server
 *  writes the uploaded files before it answers a submit, so allow minutes for the headers. */
export const STREAMING_TIMEOUTS: Timeouts = { headersMs: 300_000, bodyMs: 0 };

export function userAgent(appVersion: string, platform: string = process.platform, nodeVersion: string = process.versions.node): string {
  return `ImputationDesktop/${appVersion} (${platform}; Node ${nodeVersion})`;
}

export interface DispatcherOptions {
  /** A proxy chosen by the caller (in Electron: the system proxy resolved through the session).
   *  `null` = connect directly. Undefined = honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxyUrl?: string | null;
  /** Environment to read the proxy variables from (tests). */
  env?: NodeJS.ProcessEnv;
  connectTimeoutMs?: number;
}

// Loopback never goes through a proxy: the built-in demo server listens there.
const LOOPBACK_NO_PROXY = 'localhost,127.0.0.1,[::1]';

/** The proxies named by the environment (HTTPS_PROXY / HTTP_PROXY, either case). */
function envProxies(options: DispatcherOptions): { httpsProxy: string | undefined; httpProxy: string | undefined } {
  const env = options.env ?? process.env;
  return { httpsProxy: env.HTTPS_PROXY ?? env.https_proxy, httpProxy: env.HTTP_PROXY ?? env.http_proxy };
}

/** Whether `createDispatcher(options)` may send requests through a proxy (else every connection is direct). */
export function proxyConfigured(options: DispatcherOptions = {}): boolean {
  if (options.proxyUrl !== undefined) return options.proxyUrl !== null;
  const { httpsProxy, httpProxy } = envProxies(options);
  return Boolean(httpsProxy || httpProxy);
}

export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  // Keep-alive with undici's idle defaults (4 s unless the server's Keep-Alive header says otherwise),
  // short enough not to race a server closing idle connections.
  const common = {
    connect: { timeout: options.connectTimeoutMs ?? 15_000 },
    headersTimeout: JSON_TIMEOUTS.headersMs,
    bodyTimeout: JSON_TIMEOUTS.bodyMs,
  };
  if (!proxyConfigured(options)) return new Agent(common);
  if (options.proxyUrl) return new ProxyAgent({ ...common, uri: options.proxyUrl });
  const env = options.env ?? process.env;
  const { httpsProxy, httpProxy } = envProxies(options);
  const noProxy = [env.NO_PROXY ?? env.no_proxy, LOOPBACK_NO_PROXY].filter(Boolean).join(',');
  // '' (not undefined) so undici does not fall back to process.env when `env` was given.
  return new EnvHttpProxyAgent({ ...common, httpProxy: httpProxy ?? '', httpsProxy: httpsProxy ?? '', noProxy });
}

/** Turns one answer of Electron's `session.resolveProxy()` ("PROXY host:port; DIRECT") into a
 *  proxy URL for `createDispatcher`, or null for a direct connection. SOCKS is not supported by
 *  undici's ProxyAgent, so it falls back to direct. */
export function proxyUrlFromPac(pac: string): string | null {
  for (const entry of pac.split(';')) {
    const [kind = '', hostPort] = entry.trim().split(/\s+/);
    const upper = kind.toUpperCase();
    if (upper === 'DIRECT') return null;
    if (!hostPort) continue;
    if (upper === 'PROXY' || upper === 'HTTP') return `http://${hostPort}`;
    if (upper === 'HTTPS') return `https://${hostPort}`;
  }
  return null;
}
