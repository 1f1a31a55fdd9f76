// The built-in demo server: the Cloudgene emulator with example jobs, in this process on a
// free loopback port, so anyone can try every screen without an account.
import { randomBytes } from 'node:crypto';
import { startEmulator, type RunningEmulator } from '../../emulator/index';
import type { Logger } from '../ports';
import type { DemoHost } from './demo-session';

// Fast enough that a demo job visibly moves through its steps in a couple of minutes.
const DEMO_CLOCK_SPEED = 2;

export function createDemoHost(log: Logger): DemoHost {
  let running: RunningEmulator | null = null;
  return {
    async start() {
      // A password nobody knows (the app signs in with the token) and only loopback Host names: another
      // user of this computer cannot sign in, and a DNS-rebinding page cannot reach it by a name of its own.
      running ??= await startEmulator({
        seed: 'demo',
        speed: DEMO_CLOCK_SPEED,
        flavour: 'michigan',
        apiTokenMayDelete: true,
        password: randomBytes(24).toString('base64url'),
        loopbackHostOnly: true,
      });
      log.info(`Demo server running at ${running.url}`);
      return { url: running.url, token: running.token };
    },
    async stop() {
      const current = running;
      running = null;
      await current?.close();
    },
  };
}
