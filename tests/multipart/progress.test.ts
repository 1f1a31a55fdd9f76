import { describe, expect, it } from 'vitest';
import { ProgressMeter, type UploadProgress } from '../../electron/services/multipart/progress';
import { formatBytes } from '../../electron/shared/format-bytes';

function meterWithClock(totalBytes: number) {
  let now = 0;
  const reports: UploadProgress[] = [];
  const meter = new ProgressMeter({
    totalBytes,
    files: [
      { name: 'a.vcf.gz', size: 600 },
      { name: 'b.vcf.gz', size: 400 },
    ],
    onProgress: (p) => reports.push(p),
    now: () => now,
  });
  return { meter, reports, tick: (ms: number) => (now += ms) };
}

describe('ProgressMeter', () => {
  it('reports at most once per 100 ms of its clock, whatever the number of chunks', () => {
    const { meter, reports, tick } = meterWithClock(1000);
    meter.flush();
    for (let i = 0; i < 100; i++) {
      tick(10); // 100 chunks over one second
      meter.addBodyBytes(1);
    }
    // one at the start plus one per 100 ms
    expect(reports.length).toBe(11);
  });

  it('smooths the rate and derives the ETA from it', () => {
    const { meter, reports, tick } = meterWithClock(10_000);
    meter.flush();
    for (let i = 0; i < 20; i++) {
      tick(100);
      meter.addBodyBytes(100); // 1,000 bytes/s steady
    }
    const last = reports.at(-1)!;
    expect(last.rate).toBeCloseTo(1000, 5);
    expect(last.etaSeconds).toBeCloseTo(8, 5);
    // a sudden burst moves the smoothed rate only part of the way
    tick(100);
    meter.addBodyBytes(1000);
    const burst = reports.at(-1)!;
    expect(burst.rate).toBeGreaterThan(1000);
    expect(burst.rate).toBeLessThan(10_000);
  });

  it('tracks per-file bytes and the current file', () => {
    const { meter, reports, tick } = meterWithClock(1000);
    meter.addFileBytes(0, 600);
    tick(200);
    meter.addBodyBytes(600);
    expect(reports.at(-1)).toMatchObject({ currentFile: 'a.vcf.gz', files: [{ bytesSent: 600 }, { bytesSent: 0 }] });
    meter.addFileBytes(1, 400);
    meter.addBodyBytes(400);
    meter.flush();
    expect(reports.at(-1)).toMatchObject({ bytesSent: 1000, currentFile: null, etaSeconds: 0, files: [{ bytesSent: 600 }, { bytesSent: 400 }] });
  });
});

describe('formatBytes', () => {
  it("uses decimal units, as the servers' documentation and file managers do", () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(6e6)).toBe('6.0 MB');
    expect(formatBytes(999_960)).toBe('1.0 MB');
    expect(formatBytes(314_572_800)).toBe('315 MB');
    expect(formatBytes(2e9)).toBe('2.0 GB');
    expect(formatBytes(-1)).toBe('–');
  });
});
