// Emulators for service tests: real HTTP on loopback, closed after the suite.
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../electron/emulator/index';
import type { DemoHost } from '../../electron/services/servers/demo-session';

export async function withEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({ faults: true, ...options });
}

/** A DemoHost backed by an emulator the test controls. */
export function emulatorDemoHost(options: EmulatorOptions = {}): DemoHost & { current(): RunningEmulator | null } {
  let running: RunningEmulator | null = null;
  return {
    async start() {
      running ??= await startEmulator({ seed: 'demo', ...options });
      return { url: running.url, token: running.token };
    },
    async stop() {
      const current = running;
      running = null;
      await current?.close();
    },
    current: () => running,
  };
}
