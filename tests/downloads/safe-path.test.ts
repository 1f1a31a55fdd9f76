import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobFolderName, resolveResultPath, sanitizeSegment } from '../../electron/services/downloads/safe-path';
import { parseSizeLabel } from '../../electron/shared/size-label';

const root = path.resolve('/tmp/results/job-1');

describe('resolveResultPath', () => {
  it('keeps the server subfolders under the job folder', () => {
    expect(resolveResultPath(root, 'chr_20.zip')).toEqual({ ok: true, path: path.join(root, 'chr_20.zip'), relative: 'chr_20.zip' });
    const nested = resolveResultPath(root, 'statistics/snps-excluded.txt');
    expect(nested).toMatchObject({ ok: true, path: path.join(root, 'statistics', 'snps-excluded.txt') });
  });

  it.each([
    ['../evil', /"\.\." folders/],
    ['statistics/../../evil', /"\.\." folders/],
    ['./chr_1.zip', /"\." or "\.\."/],
    ['/etc/passwd', /absolute path/],
    ['\\\\server\\share', /absolute path/],
    ['C:/Windows/x.dll', /drive letter/],
    ['c:x', /drive letter/],
    ['a\u0000b', /NUL/],
    ['a\nb', /control characters/],
    ['statistics\\x.txt', /Windows does not allow/],
    ['chr_1.zip:stream', /Windows does not allow/],
    ['a/CON', /Windows reserves/],
    ['nul.txt', /Windows reserves/],
    ['COM1.log', /Windows reserves/],
    ['lpt9', /Windows reserves/],
    ['report.', /ending in a dot or a space/],
    ['a//b', /empty folder name/],
    ['statistics/', /empty folder name/],
    ['', /is empty/],
    ['x'.repeat(201), /longer than 200 bytes/],
    [`${'a/'.repeat(600)}b`, /longer than 1000 characters/],
  ])('refuses %j with a message', (name, reason) => {
    const result = resolveResultPath(root, name);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toMatch(reason);
      expect(result.reason).toMatch(/^The file name "/);
    }
  });

  it('accepts names that only look odd', () => {
    for (const name of ['..chr.zip', 'con-sensus.txt', 'a..b', 'comX.txt', 'résultats/é.txt']) {
      expect(resolveResultPath(root, name).ok).toBe(true);
    }
  });
});

describe('jobFolderName', () => {
  it('is <jobId>-<job name>', () => {
    expect(jobFolderName('job-20251016-102620-166', 'study A')).toBe('job-20251016-102620-166-study A');
  });

  it('decodes the server-side HTML escaping once and makes the name safe for every OS', () => {
    expect(jobFolderName('job-1', 'A&amp;B: &lt;test&gt; / v2. ')).toBe('job-1-A&B_ _test_ _ v2');
    expect(jobFolderName('job-1', "Smith &amp; Jones' &lt;b&gt;cohort&lt;/b&gt;")).toBe("job-1-Smith & Jones' _b_cohort__b_");
    // typed by the user as "&lt;", escaped by the server once: decoded once, it stays "&lt;"
    expect(jobFolderName('job-1', 'a &amp;lt; b')).toBe('job-1-a &lt; b');
    expect(jobFolderName('job-1', 'M&auml;rz &#233;t&#xE9;')).toBe('job-1-März été');
  });

  it('falls back to the job id alone when the name is empty or the id', () => {
    expect(jobFolderName('job-1', '')).toBe('job-1');
    expect(jobFolderName('job-1', null)).toBe('job-1');
    expect(jobFolderName('job-1', 'job-1')).toBe('job-1');
  });

  it('keeps long names within limits', () => {
    expect(Buffer.byteLength(jobFolderName('job-1', 'ä'.repeat(300)))).toBeLessThanOrEqual(120);
  });

  it('never yields a reserved or empty segment', () => {
    expect(sanitizeSegment('CON', 'x')).toBe('_CON');
    expect(sanitizeSegment(' .. ', 'fallback')).toBe('fallback');
  });
});

describe('parseSizeLabel', () => {
  it('reads commons-io labels as the range they stand for', () => {
    expect(parseSizeLabel('760 bytes')).toEqual({ min: 760, max: 760 });
    expect(parseSizeLabel('12 KB')).toEqual({ min: 12 * 1024, max: 13 * 1024 - 1 });
    expect(parseSizeLabel('1 GB')).toEqual({ min: 1024 ** 3, max: 2 * 1024 ** 3 - 1 });
    expect(parseSizeLabel(null)).toBeNull();
    expect(parseSizeLabel('big')).toBeNull();
  });
});
