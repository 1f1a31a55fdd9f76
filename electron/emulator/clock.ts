/**
 * The emulator's clock: epoch ms that runs `speed` times faster than real time and can be
 * pushed forward (tests advance it by days to reach retention).
 */
export class EmulatorClock {
  private readonly realStart = performance.now();
  private readonly epochStart: number;
  private offsetMs = 0;
  private last = 0;

  constructor(private readonly speed = 1, epochStart = Date.now()) {
    if (!(speed > 0)) throw new Error(`clock speed must be > 0, got ${speed}`);
    this.epochStart = epochStart;
  }

  /** Current emulator time in epoch ms (never goes backwards). */
  now(): number {
    const t = Math.floor(this.epochStart + (performance.now() - this.realStart) * this.speed + this.offsetMs);
    this.last = Math.max(this.last, t);
    return this.last;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('advanceClock needs a non-negative number of ms');
    this.offsetMs += ms;
  }

  /** Real milliseconds until the emulator clock reaches `at` (for timers). */
  realDelayUntil(at: number): number {
    return Math.max(0, (at - this.now()) / this.speed);
  }
}
