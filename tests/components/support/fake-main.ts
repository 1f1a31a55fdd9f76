// A double of main for component tests, handed in through setApi(): the real createApi() over a
// transport that checks every request and every answer against the IPC contract, as main and the
// preload do, so a fixture or a call off the contract fails the test instead of passing quietly.
import {
  AppError,
  eventChannels,
  invokeChannels,
  type Envelope,
  type EventChannel,
  type EventPayload,
  type InvokeChannel,
  type IpcHandlers,
} from '../../../electron/ipc/contract';
import { createApi, type Api, type Transport } from '../../../electron/preload/api';
import { setApi } from '../../../renderer/src/lib/api';

type Request<C extends InvokeChannel> = Parameters<IpcHandlers[C]>[0];
export type Answers = { [C in InvokeChannel]?: IpcHandlers[C] };

export interface FakeMain {
  api: Api;
  /** The requests a channel received, in order (after the contract's parsing, as main sees them). */
  requests<C extends InvokeChannel>(channel: C): Request<C>[];
  /** Sets or replaces how main answers a channel. */
  answer<C extends InvokeChannel>(channel: C, handler: IpcHandlers[C]): void;
  /** Sends an event to the window, checked against the contract. */
  emit<C extends EventChannel>(channel: C, payload: EventPayload<C>): void;
  /** What went wrong on the way: calls nobody answered, requests or answers off the contract. */
  readonly problems: string[];
}

let current: FakeMain | null = null;

/** The double of the running test (the setup file checks its problems after each test). */
export const currentFakeMain = (): FakeMain | null => current;
export const forgetFakeMain = (): void => {
  current = null;
};

export function fakeMain(answers: Answers = {}): FakeMain {
  const handlers = new Map<InvokeChannel, (request: unknown) => unknown>(Object.entries(answers) as Array<[InvokeChannel, (request: unknown) => unknown]>);
  const received: Array<{ channel: InvokeChannel; request: unknown }> = [];
  const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();
  const problems: string[] = [];

  const transport: Transport = {
    async invoke(channel: InvokeChannel, payload: unknown): Promise<Envelope<unknown>> {
      const spec = invokeChannels[channel];
      const request = spec.request.safeParse(payload);
      if (!request.success) {
        problems.push(`${channel}: the request is off the contract: ${request.error.message}`);
        return { ok: false, error: { code: 'invalid-request', message: `Refused ${channel}.` } };
      }
      received.push({ channel, request: request.data });
      const handler = handlers.get(channel);
      if (!handler) {
        problems.push(`${channel}: called, but this test gave no answer for it`);
        return { ok: false, error: { code: 'unavailable', message: `No answer for ${channel} in this test.` } };
      }
      let value: unknown;
      try {
        value = await handler(request.data);
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: { code: error.code, message: error.message } };
        problems.push(`${channel}: the answer threw ${String(error)}`);
        return { ok: false, error: { code: 'internal', message: String(error) } };
      }
      const response = spec.response.safeParse(value);
      if (!response.success) {
        problems.push(`${channel}: the answer is off the contract: ${response.error.message}`);
        return { ok: false, error: { code: 'internal', message: `Bad answer for ${channel}.` } };
      }
      return { ok: true, value: response.data };
    },
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  };

  const fake: FakeMain = {
    api: createApi(transport),
    requests: <C extends InvokeChannel>(channel: C) => received.filter((call) => call.channel === channel).map((call) => call.request as Request<C>),
    answer: (channel, handler) => {
      handlers.set(channel, handler as (request: unknown) => unknown);
    },
    emit: (channel, payload) => {
      const parsed = eventChannels[channel].parse(payload);
      for (const listener of listeners.get(channel) ?? []) listener(parsed);
    },
    problems,
  };
  setApi(fake.api);
  current = fake;
  return fake;
}

/** A promise the test settles when it wants to: an answer that is still on its way. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}
