// The browser preview: the built renderer and a WebSocket to the real services, on loopback only.
// A random key in the URL and an exact Origin/Host check keep other pages and other users out.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import type { IpcHandlers } from '../ipc/contract';
import { registerIpc } from '../ipc/register';
import { surfaceChannels } from '../ipc/surface';
import { CONTENT_SECURITY_POLICY } from '../services/security/csp';
import { WebSocketHub, type PreviewClient } from './hub';

export interface PreviewOptions {
  rendererDir: string;
  port?: number;
  key?: string;
  /** Builds the services once the hub (their EventSink) exists. */
  createHandlers: (events: WebSocketHub) => Promise<IpcHandlers>;
  onUnexpectedError?: (channel: string, error: unknown) => void;
  /** Check every answer against its schema (the end-to-end tests turn this on). */
  validateAnswers?: boolean;
}

export interface RunningPreview {
  url: string;
  origin: string;
  key: string;
  close(): Promise<void>;
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export async function startPreviewServer(options: PreviewOptions): Promise<RunningPreview> {
  const key = options.key ?? randomBytes(24).toString('base64url');
  const hub = new WebSocketHub();
  const handlers = await options.createHandlers(hub);
  registerIpc<PreviewClient>(hub, handlers, (client) => client.authenticated, {
    channels: surfaceChannels('preview'),
    onUnexpectedError: options.onUnexpectedError,
    validateAnswers: options.validateAnswers,
  });

  const rendererDir = path.resolve(options.rendererDir);
  let origin = '';
  const allowedHosts = new Set<string>();
  const keyMatches = (candidate: string | null) => {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(key);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  // Every handler's promise is caught: one odd request must never take the preview down.
  const server = http.createServer((request, response) => {
    serveStatic(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal error');
      else response.destroy();
    });
  });

  async function serveStatic(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const baseHeaders = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    };
    if (!allowedHosts.has(request.headers.host ?? '') || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.writeHead(403, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('Forbidden');
      return;
    }
    const url = parseRequestUrl(request.url, origin);
    if (!url) {
      response.writeHead(400, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('Bad request');
      return;
    }
    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    if (isPage && !keyMatches(url.searchParams.get('key'))) {
      response
        .writeHead(403, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' })
        .end('Open the full link printed by "npm run start:web" (it carries the key).');
      return;
    }
    const relative = isPage ? '/index.html' : decodePath(url.pathname);
    if (relative === null) {
      response.writeHead(400, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('Bad request');
      return;
    }
    const file = path.resolve(rendererDir, `.${relative}`);
    if (!file.startsWith(rendererDir + path.sep)) {
      response.writeHead(404, baseHeaders).end();
      return;
    }
    try {
      const body = await fs.readFile(file);
      response.writeHead(200, {
        ...baseHeaders,
        'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
        'Cache-Control': isPage ? 'no-store' : 'max-age=3600',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('Not found');
    }
  }

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => socket.destroy()); // a reset connection is not the preview's problem
    const url = parseRequestUrl(request.url, origin);
    const allowed =
      url !== null &&
      url.pathname === '/ws' &&
      keyMatches(url.searchParams.get('key')) &&
      allowedHosts.has(request.headers.host ?? '') &&
      request.headers.origin === origin;
    if (!allowed) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => hub.attach({ socket: ws, authenticated: true }));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts.add(`127.0.0.1:${port}`);

  return {
    url: `${origin}/?key=${key}`,
    origin,
    key,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseRequestUrl(raw: string | undefined, origin: string): URL | null {
  try {
    return new URL(raw ?? '/', origin);
  } catch {
    return null;
  }
}

/** The decoded path, or null for a malformed percent-encoding or a NUL. */
function decodePath(pathname: string): string | null {
  try {
    const decoded = decodeURIComponent(pathname);
    return decoded.includes('\0') ? null : decoded;
  } catch {
    return null;
  }
}
