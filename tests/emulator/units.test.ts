import { describe, expect, it } from 'vitest';
import { EmulatorClock } from '../../electron/emulator/clock';
import { escapeHtml } from '../../electron/emulator/html-escape';
import { humanSize } from '../../electron/emulator/human-size';
import { formatJobId } from '../../electron/emulator/jobs/engine';
import { progressBar } from '../../electron/emulator/jobs/messages';

describe('helpers that mirror Java behaviour', () => {
  it('humanSize rounds down like commons-io', () => {
    expect(humanSize(760)).toBe('760 bytes');
    expect(humanSize(1023)).toBe('1023 bytes');
    expect(humanSize(12 * 1024 + 1000)).toBe('12 KB');
    expect(humanSize(314 * 1024 * 1024 + 999_999)).toBe('314 MB');
    expect(humanSize(1.9 * 1024 ** 3)).toBe('1 GB');
  });

  it('escapeHtml escapes the XML four, Latin-1 names and other non-ASCII as numbers', () => {
    expect(escapeHtml(`a&b<c>"d'`)).toBe("a&amp;b&lt;c&gt;&quot;d'");
    expect(escapeHtml('é ü ß')).toBe('&eacute; &uuml; &szlig;');
    expect(escapeHtml('€ –')).toBe('&euro; &ndash;');
    expect(escapeHtml('漢')).toBe('&#28450;');
  });

  it('job ids are job-YYYYMMDD-HHMMSS-mmm in local time', () => {
    const d = new Date(2025, 9, 16, 10, 26, 20, 166);
    expect(formatJobId(d.getTime())).toBe('job-20251016-102620-166');
  });

  it('progress bar text matches the Nextflow template', () => {
    expect(progressBar('Phasing with Eagle', 1, 4)).toBe(
      '<b>Phasing with Eagle (1/4)</b><br><div class="progress" style="width: 100%; margin-top: 15px;">\t<div class="progress-bar bg-success" style="width: 25.0%;"></div>\t<div class="progress-bar bg-primary" style="width: 0.0%;"></div>\t<div class="progress-bar bg-light" style="width: 75.0%;"></div></div>',
    );
  });
});

describe('the emulator clock', () => {
  it('changes speed without jumping, and keeps what was advanced', async () => {
    const clock = new EmulatorClock(1000, 1_000_000);
    clock.advance(5000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = clock.now();
    expect(before).toBeGreaterThanOrEqual(1_000_000 + 5000 + 15_000);
    clock.setSpeed(1);
    const after = clock.now();
    expect(after - before).toBeLessThan(1000); // no jump at the switch
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clock.now() - after).toBeLessThan(1000); // 50 ms real is ~50 ms now, not ~50 s
    expect(clock.realDelayUntil(clock.now() + 3_600_000)).toBeGreaterThan(3_500_000);
    expect(() => clock.setSpeed(0)).toThrow();
  });
});
