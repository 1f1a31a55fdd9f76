// The built-in demo server: an emulator started in this process on first use, once, however
// many callers ask at the same time.

/** The built-in demo server (an emulator in this process). */
export interface DemoHost {
  start(): Promise<{ url: string; token: string }>;
  stop(): Promise<void>;
}

export class DemoSession {
  private session: { url: string; token: string } | null = null;
  private starting: Promise<{ url: string; token: string }> | null = null;

  constructor(private readonly host: DemoHost) {}

  /** The running session, or null before it started. */
  current(): { url: string; token: string } | null {
    return this.session;
  }

  async start(): Promise<{ url: string; token: string }> {
    if (this.session) return this.session;
    this.starting ??= this.host.start();
    try {
      this.session = await this.starting;
      return this.session;
    } finally {
      this.starting = null;
    }
  }

  async stop(): Promise<void> {
    this.session = null;
    await this.host.stop();
  }
}
