// The New job form's logic (renderer/src/lib/newjob): defaults, the population list bound to the
// panel, what is sent to uploads:start, the file rules, the typed password rules, the submit gate.
import { describe, expect, it } from 'vitest';
import type { ChosenFile, FormField } from '../../electron/ipc/contract';
import { addFiles, totalSize } from '../../renderer/src/lib/newjob/file-list';
import { checkedOnly, missingTerms, preflightKey, settleValues, submittedValues, withValue } from '../../renderer/src/lib/newjob/form-values';
import { submitBlockers, type SubmitGate } from '../../renderer/src/lib/newjob/preflight-view';

// The Michigan form as newJob:form serves it (docs/server-behaviour.md#form-inputs, #reference-panels, #populations), shortened to three panels.
const fields: FormField[] = [
  {
    kind: 'select',
    id: 'refpanel',
    label: 'Reference Panel',
    details: null,
    initial: '',
    options: [
      { value: 'apps@1000g-phase-1@2.0.0', label: '1000G Phase 1 v3 Shapeit2 (no singletons) (GRCh37/hg19)' },
      { value: 'apps@1000g-phase3-low@1.0.0', label: '1000G Phase 3 (GRCh38/hg38) [BETA]' },
      { value: 'apps@hapmap-2@2.0.0', label: 'HapMap 2 (GRCh37/hg19)' },
    ],
  },
  { kind: 'files', id: 'files', label: 'Input Files' },
  {
    kind: 'select',
    id: 'build',
    label: 'Array Build',
    details: 'Please note that the final SNP coordinates always match the reference build.',
    initial: 'hg19',
    options: [
      { value: 'hg19', label: 'GRCh37/hg19' },
      { value: 'hg38', label: 'GRCh38/hg38' },
    ],
  },
  {
    kind: 'select',
    id: 'r2Filter',
    label: 'rsq Filter',
    details: null,
    initial: '0',
    options: [
      { value: '0', label: 'off' },
      { value: '0.3', label: '0.3' },
    ],
  },
  {
    kind: 'select',
    id: 'phasing',
    label: 'Phasing Engine',
    details: null,
    initial: 'eagle',
    options: [
      { value: 'beagle', label: 'Beagle 5.4' },
      { value: 'eagle', label: 'Eagle v2.4' },
      { value: 'no_phasing', label: 'No phasing' },
    ],
  },
  {
    kind: 'bound-select',
    id: 'population',
    label: 'Allele Frequency Check',
    details: null,
    bind: 'refpanel',
    initial: '',
    groups: {
      'apps@1000g-phase-1@2.0.0': [
        { value: 'afr', label: 'AFR' },
        { value: 'eur', label: 'EUR' },
        { value: 'off', label: 'Off' },
      ],
      'apps@1000g-phase3-low@1.0.0': [
        { value: 'all', label: 'ALL' },
        { value: 'off', label: 'Off' },
      ],
      'apps@hapmap-2@2.0.0': [
        { value: 'eur', label: 'EUR' },
        { value: 'off', label: 'Off' },
      ],
    },
  },
  {
    kind: 'select',
    id: 'mode',
    label: 'Mode',
    details: null,
    initial: 'imputation',
    options: [
      { value: 'imputation', label: 'Quality Control & Imputation' },
      { value: 'qc_only', label: 'Quality Control Only' },
    ],
  },
  { kind: 'checkbox', id: 'aesEncryption', label: 'AES 256 encryption', details: 'Use 7z instead.' },
  { kind: 'checkbox', id: 'meta', label: 'Generate Meta-imputation file', details: null },
  { kind: 'terms', id: 'check1', label: 'I will not attempt to re-identify or contact research participants.' },
  { kind: 'terms', id: 'check2', label: 'I will report any inadvertent data release.' },
];

describe('form values', () => {
  it("keeps the server's initial values, takes the first panel (refpanel has none) and that panel's first population", () => {
    expect(settleValues(fields)).toEqual({
      refpanel: 'apps@1000g-phase-1@2.0.0',
      build: 'hg19',
      r2Filter: '0',
      phasing: 'eagle',
      population: 'afr',
      mode: 'imputation',
    });
  });

  it('a new panel brings its own populations: a population it offers is kept, else its first one', () => {
    const start = withValue(fields, settleValues(fields), 'population', 'eur');
    expect(start.population).toBe('eur');
    const hapmap = withValue(fields, start, 'refpanel', 'apps@hapmap-2@2.0.0');
    expect(hapmap.population).toBe('eur');
    const hg38 = withValue(fields, hapmap, 'refpanel', 'apps@1000g-phase3-low@1.0.0');
    expect(hg38.population).toBe('all');
    // a value the server does not offer is never kept
    expect(withValue(fields, hg38, 'build', 'hg18').build).toBe('hg19');
  });

  it('sends select values by id, and only the boxes that are on (the server turns any present checkbox on)', () => {
    const values = settleValues(fields);
    expect(Object.keys(submittedValues(fields, { ...values, stray: 'x' })).sort()).toEqual(['build', 'mode', 'phasing', 'population', 'r2Filter', 'refpanel']);
    expect(checkedOnly(fields, { aesEncryption: false, meta: true, check1: true, check2: true, unknown: true })).toEqual({
      meta: true,
      check1: true,
      check2: true,
    });
  });

  it('names the terms still to accept', () => {
    expect(missingTerms(fields, { check1: true }).map((field) => field.id)).toEqual(['check2']);
    expect(missingTerms(fields, { check1: true, check2: true })).toEqual([]);
  });

  it('runs the check again for a change of files, build, phasing, panel, population or mode, not of the rsq filter', () => {
    const values = settleValues(fields);
    const key = preflightKey('s1', ['f1'], values);
    expect(preflightKey('s1', ['f1'], { ...values, r2Filter: '0.3' })).toBe(key);
    for (const [id, value] of [
      ['build', 'hg38'],
      ['phasing', 'no_phasing'],
      ['refpanel', 'apps@hapmap-2@2.0.0'],
      ['population', 'eur'],
      ['mode', 'qc_only'],
    ] as const) {
      expect(preflightKey('s1', ['f1'], { ...values, [id]: value })).not.toBe(key);
    }
    expect(preflightKey('s1', ['f1', 'f2'], values)).not.toBe(key);
    expect(preflightKey('s2', ['f1'], values)).not.toBe(key);
  });
});

describe('files', () => {
  const file = (id: string, name: string, size = 10): ChosenFile => ({ id, name, size, mtimeMs: 0 });

  it('takes *.vcf.gz only and refuses a second file of the same name, each with the reason', () => {
    const first = addFiles([], [file('a', 'chr20.vcf.gz', 100), file('b', 'notes.txt'), file('c', 'chr21.VCF.GZ', 50)]);
    expect(first.files.map((item) => item.id)).toEqual(['a', 'c']);
    expect(first.refused).toEqual(['notes.txt: only bgzipped VCF files ending in .vcf.gz are accepted.']);
    const second = addFiles(first.files, [file('d', 'chr20.vcf.gz')]);
    expect(second.files).toHaveLength(2);
    expect(second.refused[0]).toMatch(/^chr20\.vcf\.gz: another chosen file has this name; the server would keep only one/);
    expect(totalSize(second.files)).toBe(150);
  });
});

describe('the submit gate', () => {
  const ready: SubmitGate = {
    formReady: true,
    blocker: null,
    fileCount: 2,
    missingTerms: [],
    passwordProblem: null,
    check: 'done',
    checkErrors: 0,
    overridden: false,
    submitting: false,
  };

  it('is open when everything is in order', () => {
    expect(submitBlockers(ready)).toEqual([]);
  });

  it('stays shut on a blocker, no files, unaccepted terms, a bad password, a running check', () => {
    expect(submitBlockers({ ...ready, blocker: 'The server is under maintenance.' })).toEqual(['The server is under maintenance.']);
    expect(submitBlockers({ ...ready, fileCount: 0 })).toEqual(['Add at least one .vcf.gz file.']);
    expect(submitBlockers({ ...ready, missingTerms: ['I will not attempt…'] })).toEqual(['Accept: I will not attempt…']);
    expect(submitBlockers({ ...ready, passwordProblem: 'Too short.' })).toEqual(['Too short.']);
    expect(submitBlockers({ ...ready, check: 'running' })).toEqual(['Wait for the file check to finish.']);
    expect(submitBlockers({ ...ready, formReady: false })).toEqual(['The form is still loading.']);
  });

  it('check errors block by default; "Submit anyway" lets the server judge; warnings never block', () => {
    expect(submitBlockers({ ...ready, checkErrors: 2 })).toEqual(['Fix the 2 problems the file check found, or choose “Submit anyway”.']);
    expect(submitBlockers({ ...ready, checkErrors: 2, overridden: true })).toEqual([]);
    expect(submitBlockers({ ...ready, check: 'failed' })).toHaveLength(1);
    expect(submitBlockers({ ...ready, check: 'failed', overridden: true })).toEqual([]);
  });
});
