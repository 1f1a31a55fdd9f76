import type { IncomingMessage, ServerResponse } from 'node:http';

// Response writers for the three error body shapes of docs/server-behaviour.md#error-shapes.

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Shape A: Cloudgene's MessageWrapper `{"message": ..., "success": false}`. */
export function sendShapeA(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { message, success: false });
}

/** Shape B: Micronaut JsonError with HAL links (401/403/404 routes/413/415/500). */
export function sendShapeB(req: IncomingMessage, res: ServerResponse, status: number, message: string, detail = message): void {
  const accept = String(req.headers.accept ?? '');
  // Micronaut answers an HTML error page to browsers that do not accept JSON.
  if (accept.includes('text/html') && !accept.includes('json')) {
    const html = `<!doctype html><html lang="en"><head><title>${message}</title></head><body><h1>${message}</h1><p>${detail}</p></body></html>`;
    res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(html) });
    res.end(req.method === 'HEAD' ? undefined : html);
    return;
  }
  const path = (req.url ?? '/').split('?')[0];
  sendJson(res, status, {
    message,
    _links: { self: [{ href: path, templated: false }] },
    _embedded: { errors: [{ message: detail }] },
  });
}

/** Shape C: raw text (submit answers unexpected exceptions with their toString()). */
export function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Headers TOPMed's filters add to every answer (docs/server-behaviour.md#conventions). */
export function topmedHeaders(path: string): Record<string, string> {
  return {
    'Cache-Control': path.startsWith('/api/v2/') ? 'no-store' : 'private',
    'Content-Security-Policy': "upgrade-insecure-requests; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a form-urlencoded or JSON body into a flat string map. */
export async function readFormOrJson(req: IncomingMessage): Promise<Record<string, string>> {
  const text = await readBody(req);
  const type = String(req.headers['content-type'] ?? '');
  if (type.includes('json')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(parsed ?? {}).map(([k, v]) => [k, v == null ? '' : String(v)]));
    } catch {
      return {};
    }
  }
  return Object.fromEntries(new URLSearchParams(text));
}
