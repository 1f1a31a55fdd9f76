// Serves the built renderer from app://bundle/ with the Content-Security-Policy header.
import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY } from './security';

/** Must run before app 'ready'. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
  const refuse = (status: number) => new Response(status === 400 ? 'Bad request' : 'Not found', { status, headers });
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST || (request.method !== 'GET' && request.method !== 'HEAD')) return refuse(404);
    const file = rendererFile(root, url.pathname);
    if (file === 'malformed') return refuse(400);
    if (file === null) return refuse(404);
    const response = await net.fetch(pathToFileURL(file).toString());
    const merged = new Headers(response.headers);
    for (const [name, value] of Object.entries(headers)) merged.set(name, value);
    return new Response(response.body, { status: response.status, headers: merged });
  });
}

/** The file below `root` a URL path names; null when it would leave the renderer folder. */
export function rendererFile(root: string, pathname: string): string | null | 'malformed' {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return 'malformed';
  }
  if (relative.includes('\0')) return 'malformed';
  const file = path.resolve(root, `.${relative}`);
  return file.startsWith(root + path.sep) ? file : null;
}
