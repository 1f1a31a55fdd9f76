// A loopback server that answers with exact bytes, for tests of the download client against
// broken, slow and hostile answers. Each connection's request head is read first, then
// `respond(socket, head)` writes whatever the test wants.
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export const tlsDir = path.join(import.meta.dirname, 'tls');

export interface RawServer {
  /** `http://127.0.0.1:<port>` (or `https://localhost:<port>`). */
  origin: string;
  port: number;
  /** A download URL on this server. */
  url: string;
  /** The raw request heads received, in order. */
  requests: string[];
  close(): Promise<void>;
}

export type Respond = (socket: net.Socket, head: string) => unknown;

export async function startRawServer(respond: Respond, options: { secure?: boolean } = {}): Promise<RawServer> {
  const requests: string[] = [];
  const sockets = new Set<net.Socket>();
  const onConnection = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      requests.push(head);
      void respond(socket, head);
    };
    socket.on('data', onData);
  };
  const server = options.secure
    ? tls.createServer({ key: readFileSync(path.join(tlsDir, 'key.pem')), cert: readFileSync(path.join(tlsDir, 'cert.pem')) }, onConnection)
    : net.createServer(onConnection);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `${options.secure ? 'https://localhost' : 'http://127.0.0.1'}:${port}`;
  return {
    origin,
    port,
    url: `${origin}/share/results/abc/chr_1.zip?x=1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `pieces` one at a time with a pause between, so the client sees them as separate reads. */
export async function trickle(socket: net.Socket, pieces: (string | Buffer)[], options: { end?: boolean; gapMs?: number } = {}): Promise<void> {
  for (const piece of pieces) {
    if (socket.destroyed) return;
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, options.gapMs ?? 3));
  }
  if (options.end ?? true) socket.end();
}

/** `data` in chunked framing, cycling through `sizes` for the chunk sizes. */
export function chunked(data: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  let i = 0;
  while (at < data.length) {
    const size = Math.min(sizes[i++ % sizes.length], data.length - at);
    out.push(Buffer.from(`${size.toString(16)}\r\n`), data.subarray(at, at + size), Buffer.from('\r\n'));
    at += size;
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return out;
}
