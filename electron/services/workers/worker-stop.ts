// Stopping a worker thread without Worker.terminate(). terminate() interrupts the thread wherever
// it is; when that is between the creation of a zlib handle and its initialisation (every
// inflateRawSync/deflateRawSync call has such a window), Node aborts the whole process while it
// frees the thread ("Assertion failed: init_done_ && \"close before init\"", node_zlib.cc; seen
// on Node 20.20 in this project's test suite, and reproduced in a few hundred terminations of a
// worker busy with zlib). In Electron the process is the main process: a cancel would close the app. Instead the pool asks the worker to stop: the worker closes its port after
// the message it is handling, and the thread ends on its own, at a point where no handle is half
// made. Only a worker that does not end within the grace time is terminated.
import type { MessagePort, Worker } from 'node:worker_threads';

const STOP = '__stop__';

/** How long a worker may take to finish what it is doing and end (a batch or a block: milliseconds). */
export const STOP_GRACE_MS = 10_000;

/** Worker side: hands every message to `handle` until the pool says stop, then closes the port (the thread ends once idle). */
export function onMessagesUntilStop<Message>(port: MessagePort, handle: (message: Message) => void): void {
  port.on('message', (message: Message | typeof STOP) => {
    if (message === STOP) port.close();
    else handle(message);
  });
}

/**
 * Asks the worker to end and waits until it has; terminates it only after `graceMs`.
 * @returns the worker's exit code (0 when it ended on its own)
 */
export function stopWorker(worker: Worker, graceMs = STOP_GRACE_MS): Promise<number> {
  if (worker.threadId < 0) return Promise.resolve(0); // already ended
  return new Promise((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    timer.unref?.();
    worker.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    worker.postMessage(STOP);
  });
}
