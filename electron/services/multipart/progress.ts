// Upload progress: bytes, a smoothed rate (EWMA) and an ETA, reported at most a few times a second.

export interface FileProgress {
  name: string;
  bytesSent: number;
  size: number;
}

export interface UploadProgress {
  /** Bytes of the request body handed to the connection so far. */
  bytesSent: number;
  totalBytes: number;
  /** Smoothed bytes per second; 0 until measured. */
  rate: number;
  /** null until a rate is known. */
  etaSeconds: number | null;
  /** Name of the file being sent, null before the first and after the last. */
  currentFile: string | null;
  files: FileProgress[];
}

export interface ProgressMeterOptions {
  totalBytes: number;
  files: readonly { name: string; size: number }[];
  onProgress?: (progress: UploadProgress) => void;
  /** Shortest time between two reports; 100 ms = at most 10 per second. */
  minIntervalMs?: number;
  /** Time constant of the rate smoothing. */
  smoothingMs?: number;
  now?: () => number;
}

export class ProgressMeter {
  private bytesSent = 0;
  private rate = 0;
  private currentFile: number | null = null;
  private readonly fileBytes: number[];
  private lastSampleAt: number;
  private lastSampleBytes = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;
  private readonly minIntervalMs: number;
  private readonly smoothingMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ProgressMeterOptions) {
    this.fileBytes = options.files.map(() => 0);
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.smoothingMs = options.smoothingMs ?? 3000;
    this.now = options.now ?? (() => performance.now());
    this.lastSampleAt = this.now();
  }

  addBodyBytes(bytes: number): void {
    this.bytesSent += bytes;
    this.maybeReport();
  }

  /** Per-file accounting only; the same bytes are also counted by addBodyBytes. */
  addFileBytes(fileIndex: number, bytes: number): void {
    this.currentFile = fileIndex;
    this.fileBytes[fileIndex]! += bytes;
  }

  /** Reports now whatever the interval (start and end of the upload). */
  flush(): void {
    this.sampleRate(this.now());
    this.report(this.now());
  }

  snapshot(): UploadProgress {
    const remaining = Math.max(0, this.options.totalBytes - this.bytesSent);
    return {
      bytesSent: this.bytesSent,
      totalBytes: this.options.totalBytes,
      rate: this.rate,
      etaSeconds: this.rate > 0 ? remaining / this.rate : remaining === 0 ? 0 : null,
      currentFile: this.currentFile === null || this.bytesSent >= this.options.totalBytes ? null : (this.options.files[this.currentFile]?.name ?? null),
      files: this.options.files.map((file, i) => ({ name: file.name, bytesSent: this.fileBytes[i]!, size: file.size })),
    };
  }

  private maybeReport(): void {
    const now = this.now();
    if (now - this.lastReportAt < this.minIntervalMs) return;
    this.sampleRate(now);
    this.report(now);
  }

  private sampleRate(now: number): void {
    const elapsed = now - this.lastSampleAt;
    if (elapsed <= 0) return;
    const instant = ((this.bytesSent - this.lastSampleBytes) * 1000) / elapsed;
    // Time-weighted EWMA: irregular sampling intervals weigh by how long they cover.
    const weight = 1 - Math.exp(-elapsed / this.smoothingMs);
    this.rate = this.rate === 0 ? instant : this.rate + weight * (instant - this.rate);
    this.lastSampleAt = now;
    this.lastSampleBytes = this.bytesSent;
  }

  private report(now: number): void {
    this.lastReportAt = now;
    this.options.onProgress?.(this.snapshot());
  }
}
