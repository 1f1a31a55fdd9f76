import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseCollisions, jobFolderName, resolveResultPath, sanitizeSegment } from '../../electron/services/downloads/safe-path';
import { parseSizeLabel } from '../../electron/shared/size-label';
import { managerFixture } from './support/manager-helpers';

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
    ['a\u0085b', /control characters/],
    ['a\u009bb.zip', /control characters/],
    ['report\u202etxt.exe', /reverse the reading order/],
    ['chr\u2066_1.zip', /reverse the reading order/],
    ['chr_1\u200f.zip', /reverse the reading order/],
    ['chr\u200b_1.zip', /invisible characters/],
    ['\ufeffchr_1.zip', /invisible characters/],
    ['chr\u2060_1.zip', /invisible characters/],
    ['results\u2215chr_1.zip', /looks like a slash/],
    ['results\uff0fchr_1.zip', /looks like a slash/],
    ['results\uff3cchr_1.zip', /looks like a slash/],
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

describe('caseCollisions', () => {
  it('refuses the later of two names that only differ in case or Unicode normalization, whatever their folders', () => {
    const clashes = caseCollisions([
      'chr_1.zip',
      'qc_report.txt',
      'QC_Report.txt',
      'Statistics/a.txt',
      'statistics/A.txt',
      'e\u0301.txt',
      '\u00e9.txt',
      'chr_1.zip',
    ]);
    expect([...clashes.keys()]).toEqual(['QC_Report.txt', 'statistics/A.txt', '\u00e9.txt']);
    expect(clashes.get('QC_Report.txt')).toMatch(/differs from "qc_report.txt" only in upper and lower case/);
  });

  it('finds nothing in names that differ otherwise', () => {
    expect(caseCollisions(['chr_1.zip', 'chr_1.zip.md5', 'chr_10.zip']).size).toBe(0);
  });

  it('fails the later download of a job before anything is fetched', async () => {
    const fx = await managerFixture();
    try {
      const manager = await fx.open();
      const file = (name: string) => ({ jobId: 'job-1', serverId: 's', url: 'http://127.0.0.1:9/x', name, sizeLabel: '1 KB', credits: 1 });
      const files = [file('qc_report.txt'), file('QC_report.txt')];
      const [first, second] = await manager.enqueue(files, { destDir: fx.destDir, jobFiles: files });
      expect(first!.state).not.toBe('failed');
      expect(second).toMatchObject({ state: 'failed', error: { code: 'unsafe-name' } });
      expect(JSON.stringify(second)).toMatch(/only in upper and lower case/);
    } finally {
      await fx.cleanup();
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

  it('drops invisible and reordering characters and replaces slash look-alikes', () => {
    expect(jobFolderName('job-1', 'cohort\u202eA\u200b\u2215B')).toBe('job-1-cohortA_B');
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
