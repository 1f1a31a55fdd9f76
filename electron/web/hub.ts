// The browser preview's stand-in for ipcMain and webContents.send: one WebSocket per page,
// JSON messages, the same registerIpc() handlers and the same Envelope answers.
import type { WebSocket } from 'ws';
import { eventChannelNames, type EventSink, type InvokeChannel } from '../ipc/contract';
import type { IpcLike } from '../ipc/register';

export interface PreviewClient {
  readonly socket: WebSocket;
  /** Set only after the upgrade passed the key and Origin checks. */
  readonly authenticated: boolean;
}

type Listener = (sender: PreviewClient, payload: unknown) => Promise<unknown>;

export type ClientMessage = { type: 'invoke'; id: number; channel: InvokeChannel; payload: unknown };
export type ServerMessage = { type: 'result'; id: number; envelope: unknown } | { type: 'event'; channel: string; payload: unknown };

export class WebSocketHub implements IpcLike<PreviewClient>, EventSink {
  private readonly listeners = new Map<string, Listener>();
  private readonly clients = new Set<PreviewClient>();

  handle(channel: string, listener: Listener): void {
    this.listeners.set(channel, listener);
  }

  emit(channel: Parameters<EventSink['emit']>[0], payload: unknown): void {
    if (!eventChannelNames.includes(channel)) return;
    const text = JSON.stringify({ type: 'event', channel, payload } satisfies ServerMessage);
    for (const client of this.clients) if (client.socket.readyState === client.socket.OPEN) client.socket.send(text);
  }

  attach(client: PreviewClient): void {
    this.clients.add(client);
    client.socket.on('close', () => this.clients.delete(client));
    // A bad frame (too large, not UTF-8) is an 'error' event: without a listener it would end the process.
    client.socket.on('error', () => client.socket.terminate());
    client.socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.onMessage(client, data.toString()).catch(() => client.socket.terminate());
    });
  }

  private async onMessage(client: PreviewClient, text: string): Promise<void> {
    let message: ClientMessage;
    try {
      message = JSON.parse(text) as ClientMessage;
    } catch {
      return;
    }
    if (message?.type !== 'invoke' || typeof message.id !== 'number') return;
    const listener = this.listeners.get(message.channel);
    const envelope = listener
      ? await listener(client, message.payload)
      : { ok: false, error: { code: 'unknown-channel', message: `Unknown channel ${String(message.channel)}` } };
    if (client.socket.readyState === client.socket.OPEN) {
      client.socket.send(JSON.stringify({ type: 'result', id: message.id, envelope } satisfies ServerMessage));
    }
  }
}
