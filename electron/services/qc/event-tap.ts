// Lets the QC service follow what other services tell the window (uploads, jobs, downloads)
// without changing them: the event sink they are given passes every event on, and to `listener`.
import type { EventChannel, EventPayload, EventSink } from '../../ipc/contract';

export function tapEvents(sink: EventSink, listener: <C extends EventChannel>(channel: C, payload: EventPayload<C>) => void): EventSink {
  return {
    emit(channel, payload) {
      sink.emit(channel, payload);
      listener(channel, payload);
    },
  };
}
