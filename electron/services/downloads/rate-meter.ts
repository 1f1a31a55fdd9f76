// A smoothed transfer rate: an exponentially weighted moving average of bytes per second, so the
// shown speed and time left do not jump with every chunk.

export class RateMeter {
  private lastBytes: number | null = null;
  private lastTime = 0;
  private rate = 0;

  /** @param halfLifeMs how fast old samples fade (half their weight after this long) */
  constructor(private readonly halfLifeMs = 3000) {}

  /** Records the byte count seen at `now`; returns the smoothed rate in bytes per second. */
  sample(totalBytes: number, now: number): number {
    if (this.lastBytes === null || totalBytes < this.lastBytes) {
      this.lastBytes = totalBytes;
      this.lastTime = now;
      return this.rate;
    }
    const elapsed = now - this.lastTime;
    if (elapsed < 50) return this.rate; // too short to measure
    const instant = ((totalBytes - this.lastBytes) * 1000) / elapsed;
    const keep = Math.pow(0.5, elapsed / this.halfLifeMs);
    this.rate = this.rate === 0 ? instant : this.rate * keep + instant * (1 - keep);
    this.lastBytes = totalBytes;
    this.lastTime = now;
    return this.rate;
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  reset(): void {
    this.lastBytes = null;
    this.rate = 0;
  }
}

/** Seconds left at `bytesPerSecond`, or null when unknown. */
export function etaSeconds(remainingBytes: number | null, bytesPerSecond: number): number | null {
  if (remainingBytes === null || bytesPerSecond <= 0) return null;
  return Math.max(0, Math.ceil(remainingBytes / bytesPerSecond));
}
