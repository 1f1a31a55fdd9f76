/**
 * The emulator's clock: epoch ms that runs `speed` times faster than real time and can be
 * pushed forward (tests advance it by days to reach retention).
 */
export class EmulatorClock {
  private realStart = performance.now();
  private epochStart: number;
  private offsetMs = 0;
  private last = 0;

  constructor(
    private speed = 1,
    epochStart = Date.now(),
  ) {
    checkSpeed(speed);
    this.epochStart = epochStart;
  }

  /** From now on the clock runs `speed` times faster than real time (it does not jump). */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.epochStart = this.now();
    this.realStart = performance.now();
    this.offsetMs = 0;
    this.speed = speed;
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

function checkSpeed(speed: number): void {
  if (!(speed > 0)) throw new Error(`clock speed must be > 0, got ${speed}`);
}
