// The network going away and coming back, from a yes/no probe read every few seconds (Electron's
// `net.isOnline()` has no change event). Listeners hear only changes, never the starting state.
import type { NetworkEvents } from './ports';

export interface PolledNetworkEvents extends NetworkEvents {
  stop(): void;
}

export function pollNetwork(isOnline: () => boolean, intervalMs = 5000): PolledNetworkEvents {
  const offline: (() => void)[] = [];
  const online: (() => void)[] = [];
  let last = safe(isOnline, true);
  const timer = setInterval(() => {
    const now = safe(isOnline, last);
    if (now === last) return;
    last = now;
    for (const listener of now ? online : offline) listener();
  }, intervalMs);
  timer.unref?.();
  return {
    onOffline: (listener) => void offline.push(listener),
    onOnline: (listener) => void online.push(listener),
    stop: () => clearInterval(timer),
  };
}

/** A probe that throws says nothing new: keep the last state. */
function safe(probe: () => boolean, fallback: boolean): boolean {
  try {
    return probe();
  } catch {
    return fallback;
  }
}
