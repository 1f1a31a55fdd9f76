// Waiting in tests for something that must happen: polling a reading, or an event from the
// services. Never for "nothing happened" (drive clocks and events for that instead).
import type { EventChannel, EventPayload } from '../../electron/ipc/contract';

/** Reads until `done` says yes; fails after `timeoutMs` with the last reading. */
export async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000, what = 'a condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)?.slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Something that records the events the services send (tests/support/services.ts). */
export interface EventLog {
  events: Array<{ channel: EventChannel; payload: unknown }>;
}

/** The first event on `channel` (already sent or still to come) that `matches`. */
export function waitForEvent<C extends EventChannel>(
  log: EventLog,
  channel: C,
  matches: (payload: EventPayload<C>) => boolean = () => true,
  timeoutMs = 30_000,
): Promise<EventPayload<C>> {
  return until(
    () => log.events.find((event) => event.channel === channel && matches(event.payload as EventPayload<C>))?.payload as EventPayload<C> | undefined,
    (found) => found !== undefined,
    timeoutMs,
    `an event on ${channel}`,
  ) as Promise<EventPayload<C>>;
}
