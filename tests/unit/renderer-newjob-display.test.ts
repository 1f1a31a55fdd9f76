// How the New job screen words progress and check results (renderer/src/lib/newjob).
import { describe, expect, it } from 'vitest';
import type { UploadView } from '../../electron/ipc/contract';
import { adviceFor } from '../../electron/services/vcf/fixes';
import { splitFix } from '../../renderer/src/lib/newjob/fix-text';
import { countBySeverity, fileFacts, findingHeading, severalFixesNote, verdictText } from '../../renderer/src/lib/newjob/preflight-view';
import { mergeUploads } from '../../renderer/src/lib/newjob/upload-merge';
import { formatRate, formatTimeLeft, percentOf, submitSummary } from '../../renderer/src/lib/newjob/upload-format';

describe('upload figures', () => {
  it('rate in MB/s and time left in rounded words', () => {
    expect(formatRate(45.2e6)).toBe('45.2 MB/s');
    expect(formatRate(1.5e6)).toBe('1.50 MB/s');
    expect(formatRate(250e6)).toBe('250 MB/s');
    expect(formatRate(0)).toBe('–');
    expect(formatTimeLeft(null)).toBe('estimating…');
    expect(formatTimeLeft(4)).toBe('a few seconds');
    expect(formatTimeLeft(42)).toBe('about 40 s');
    expect(formatTimeLeft(4 * 60 + 10)).toBe('about 4 min');
    expect(formatTimeLeft(2 * 3600 + 30 * 60)).toBe('about 2 h 30 min');
    expect(formatTimeLeft(3600)).toBe('about 1 h');
  });

  it('never shows 100 % before the last byte', () => {
    expect(percentOf(999_999, 1_000_000)).toBe(99);
    expect(percentOf(1_000_000, 1_000_000)).toBe(100);
    expect(percentOf(0, 0)).toBe(0);
  });

  it('sums up the job above the submit button', () => {
    expect(submitSummary(3, 12.4e9, 'TOPMed Imputation Server')).toBe('3 files, 12.4 GB, to TOPMed Imputation Server');
    expect(submitSummary(1, 2048, 'Lab')).toBe('1 file, 2.0 kB, to Lab');
  });
});

describe('fixes: advice and the command to copy', () => {
  it('a bare command is all command', () => {
    expect(splitFix('bcftools sort -Oz -o x.fixed.vcf.gz x.vcf.gz')).toEqual({ advice: '', command: 'bcftools sort -Oz -o x.fixed.vcf.gz x.vcf.gz' });
  });

  it('advice followed by a command is split where the command starts', () => {
    const { advice, command } = splitFix(
      adviceFor({ rule: 'build-prefix', severity: 'error', message: '', detail: { name: 'chr20.vcf.gz', build: 'hg19' } }).fix,
    );
    expect(advice).toBe("If the data is hg38, choose build hg38. Otherwise remove the 'chr':");
    expect(command).toBe(
      `gzip -dc chr20.vcf.gz | awk 'BEGIN{FS=OFS="\\t"} /^##contig=<ID=chr/{sub(/ID=chr/, "ID=")} !/^#/{sub(/^chr/, "", $1)} {print}' | bgzip -c > chr20.fixed.vcf.gz`,
    );
    // a command the user could not run on this file is not shown as one
    const plink = splitFix(adviceFor({ rule: 'not-bgzf', severity: 'error', message: '', detail: { name: 'x.vcf.gz' } }).fix);
    expect(plink).toEqual({
      advice: 'Export the genotypes again as VCF compressed with bgzip (in PLINK 2, the option --export vcf bgz does this).',
      command: null,
    });
  });

  it('advice in words has no command block', () => {
    expect(splitFix(adviceFor({ rule: 'unphased-no-phasing', severity: 'error', message: '' }).fix).command).toBeNull();
    expect(splitFix(adviceFor({ rule: 'too-few-samples', severity: 'error', message: '' }).fix).command).toBeNull();
  });

  it('every command found starts with a tool and every fix keeps its words', () => {
    const rules = [
      'not-bgzf',
      'bcf',
      'truncated',
      'unsorted',
      'chromosome-blocks',
      'not-tab-delimited',
      'bad-position',
      'multiple-chromosomes',
      'ref-equals-alt',
      'duplicate-sample',
      'vcf-header',
      'invalid-chromosome',
      'sample-count-mismatch',
      'too-many-samples',
      'policy-max-samples',
      'build-prefix',
      'duplicate-chromosome',
      'file-extension',
      'bgzf-eof',
      'chunk-low-call-rate',
    ];
    for (const rule of rules) {
      const fix = adviceFor({
        rule,
        severity: 'error',
        message: '',
        detail: {
          name: 'in.vcf.gz',
          format: 'gzip',
          build: 'hg38',
          names: 'a.vcf.gz\nb.vcf.gz',
          relation: 'same-samples',
          raws: 'ref\n20',
          keep: '20',
          missing: 'fileformat',
          chromosome: '20',
          n: 30_000,
          max: 25_000,
        },
      }).fix;
      const { advice, command } = splitFix(fix);
      expect(command, rule).toMatch(/^(bcftools|bgzip|tabix|gzip|for) /);
      expect(`${advice} ${command}`.trim(), rule).toBe(fix.trim());
    }
  });

  it('words that name a tool without options stay words', () => {
    for (const rule of ['too-few-samples', 'policy-snp-density', 'too-few-columns', 'no-gt', 'header-only', 'file-name']) {
      expect(
        splitFix(adviceFor({ rule, severity: 'error', message: '', detail: { name: 'a b.vcf.gz', suggestion: 'a_b.vcf.gz' } }).fix).command,
        rule,
      ).toBeNull();
    }
    const overlapping = adviceFor({
      rule: 'duplicate-chromosome',
      severity: 'warning',
      message: '',
      detail: { relation: 'overlapping-samples', names: 'a.vcf.gz\nb.vcf.gz' },
    });
    expect(splitFix(overlapping.fix).command).toBeNull();
  });
});

describe('check results per file', () => {
  it('summarises samples, chromosome, variants, chunks, phasing, positions and the build the prefix suggests', () => {
    const file = {
      fileId: 'f',
      name: 'chr20.vcf.gz',
      samples: 25,
      chromosomes: ['chr20'],
      variants: 1200,
      chunks: 1,
      phased: false,
      firstPosition: 10_000,
      lastPosition: 1_209_000,
      suggestedBuild: 'hg38' as const,
      findings: [],
    };
    expect(fileFacts(file)).toEqual([
      '25 samples',
      'chromosome chr20',
      '1,200 variants',
      '1 chunk',
      'unphased',
      'positions 10,000–1,209,000',
      "'chr' prefix: looks like hg38",
    ]);
    expect(
      countBySeverity([
        { rule: 'a', severity: 'error', serverMessage: '', explanation: '', fix: '' },
        { rule: 'b', severity: 'warning', serverMessage: '', explanation: '', fix: '' },
      ]),
    ).toEqual({ errors: 1, warnings: 1 });
  });
});

describe('the verdict and each finding’s heading', () => {
  it('says where the server stops when there are several errors', () => {
    expect(verdictText({ errors: 0, warnings: 0 })).toBe('The files pass the server’s input checks.');
    expect(verdictText({ errors: 0, warnings: 2 })).toBe('The check found 2 warnings.');
    expect(verdictText({ errors: 1, warnings: 1 })).toBe('The check found 1 error and 1 warning: the server would stop this job. See each file above.');
    expect(verdictText({ errors: 3, warnings: 0 })).toBe(
      'The check found 3 errors: the server would stop this job at the one marked “The server would stop here first” and report the others one run at a time. See each file above.',
    );
  });

  it('says how to apply several fixes to one file', () => {
    const f = (fix: string) => ({ rule: 'r', severity: 'error' as const, serverMessage: '', explanation: '', fix });
    expect(severalFixesNote([f('Sort it: bcftools sort -Oz -o a b')])).toBeNull();
    expect(severalFixesNote([f('a'), f('')])).toBeNull();
    expect(severalFixesNote([f('a'), f('b')])).toMatch(/^Each fix reads this file as it is: run one, add the file it writes/);
  });

  it('introduces the server’s words only when there are some', () => {
    const base = { rule: 'r', explanation: '', fix: '' };
    expect(findingHeading({ ...base, severity: 'error', serverMessage: 'x' })).toBe('Error: the server would fail the job with');
    expect(findingHeading({ ...base, severity: 'error', serverMessage: '' })).toBe('Error: the server would fail the job');
    expect(findingHeading({ ...base, severity: 'warning', serverMessage: 'x' })).toBe('Warning: the server would say');
    expect(findingHeading({ ...base, severity: 'warning', serverMessage: '' })).toBe('Warning');
  });
});

describe('uploads seen from events and from the list', () => {
  const view = (id: string, state: UploadView['state'], bytesSent: number, createdAt = 1): UploadView => ({
    id,
    serverId: 's',
    serverLabel: 'Lab',
    jobName: '',
    state,
    files: [],
    bytesSent,
    totalBytes: 100,
    rate: 0,
    etaSeconds: null,
    jobId: null,
    passwordState: null,
    error: null,
    createdAt,
    finishedAt: null,
  });

  it('keeps whichever view is further along, newest upload first', () => {
    const events = [view('a', 'uploading', 60), view('b', 'submitted', 100, 2)];
    const list = [view('a', 'uploading', 40), view('b', 'uploading', 90, 2), view('c', 'queued', 0, 3)];
    const merged = mergeUploads(events, list);
    expect(merged.map((upload) => [upload.id, upload.state, upload.bytesSent])).toEqual([
      ['c', 'queued', 0],
      ['b', 'submitted', 100],
      ['a', 'uploading', 60],
    ]);
  });
});

describe('fixes in parentheses', () => {
  it('leaves the closing parenthesis of the words out of the command, and keeps a command’s own', () => {
    expect(splitFix('Check the samples (e.g. bcftools query -l in.vcf.gz | sort).')).toEqual({
      advice: 'Check the samples, e.g.',
      command: 'bcftools query -l in.vcf.gz | sort',
    });
    expect(splitFix('for c in $(tabix -l in.vcf.gz)').command).toBe('for c in $(tabix -l in.vcf.gz)');
  });
});
