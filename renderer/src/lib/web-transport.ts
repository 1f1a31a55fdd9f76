// The browser preview's transport: the same Envelope protocol as Electron IPC, over a WebSocket
// to the preview server (which checks the key and the Origin).
import type { Transport } from '../../../electron/preload/api';

type Pending = { resolve: (value: never) => void; reject: (error: Error) => void };

export function connectWebTransport(key: string): Promise<Transport> {
  const url = new URL('/ws', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('key', key);
  const socket = new WebSocket(url);
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;

  socket.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { type: 'result'; id: number; envelope: never } | { type: 'event'; channel: string; payload: unknown };
    if (message.type === 'result') {
      pending.get(message.id)?.resolve(message.envelope);
      pending.delete(message.id);
    } else if (message.type === 'event') {
      for (const listener of listeners.get(message.channel) ?? []) listener(message.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const entry of pending.values()) entry.reject(new Error('The connection to the app was lost. Reload the page.'));
    pending.clear();
  });

  const transport: Transport = {
    invoke: (channel, payload) =>
      new Promise((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) {
          resolve({ ok: false, error: { code: 'unavailable', message: 'The connection to the app was lost. Reload the page.' } });
          return;
        }
        const id = nextId++;
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ type: 'invoke', id, channel, payload }));
      }),
    on: (channel, listener) => {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  };

  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve(transport), { once: true });
    socket.addEventListener('error', () => reject(new Error('The preview refused the connection. Open the full link printed by "npm run start:web".')), {
      once: true,
    });
  });
}
