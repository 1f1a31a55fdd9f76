// What main would send, built from the contract's own types (the double checks them again). The
// New job form is the emulator's TOPMed app definition read by main's own form code.
import type { AppInfo, ChosenFile, DownloadItem, JobForm, JobSummary, PreflightReport, ServerView } from '../../../electron/ipc/contract';
import { appDefinition, PROFILES } from '../../../electron/emulator/apps';
import { appDefinitionSchema } from '../../../electron/services/cloudgene/schemas';
import { formFieldsOf } from '../../../electron/services/newjob/app-form';

/** A fixed moment, so times and countdowns read the same on every run. */
export const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);
const MINUTE = 60_000;

export function serverView(overrides: Partial<ServerView> = {}): ServerView {
  return {
    id: 'topmed',
    kind: 'topmed',
    label: 'TOPMed',
    url: 'https://imputation.biodatacatalyst.nhlbi.nih.gov',
    serverName: 'TOPMed Imputation Server',
    user: { username: 'ada', fullName: 'Ada Lovelace', mail: 'ada@example.org' },
    tokenExpiresAt: NOW + 20 * 24 * 60 * MINUTE,
    status: 'ok',
    statusMessage: null,
    apps: [{ id: 'imputationserver2@2.0.10-statgen.2', name: 'Genotype Imputation', version: '2.0.10-statgen.2' }],
    lastCheckedAt: NOW,
    tokenStorage: 'keychain',
    liveJobLimit: 3,
    downloadDir: '/home/ada/Imputation results/TOPMed',
    autoDownload: false,
    ...overrides,
  };
}

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    name: 'Imputation Desktop',
    version: '0.1.0',
    mode: 'electron',
    platform: 'linux',
    fileChooser: 'native',
    homeDir: '/home/ada',
    secretStorage: 'keychain',
    ...overrides,
  };
}

/** Job ids embed the submit time, as the server's do (job-YYYYMMDD-HHMMSS-mmm). */
export function jobSummary(overrides: Partial<JobSummary> & Pick<JobSummary, 'id' | 'name' | 'state'>): JobSummary {
  const submittedOn = overrides.submittedOn ?? NOW - 60 * MINUTE;
  const finished = overrides.state > 3 || overrides.state === -1;
  return {
    serverId: 'topmed',
    serverLabel: 'TOPMed',
    application: 'imputationserver2',
    jobsAhead: overrides.state === 1 ? 0 : null,
    submittedOn,
    startTime: overrides.state === 1 ? 0 : submittedOn + MINUTE,
    endTime: finished ? submittedOn + 30 * MINUTE : 0,
    deletedOn: null,
    clockOffsetMs: 0,
    progress: null,
    ...overrides,
  };
}

/** The TOPMed submit form as main builds it from the server's app definition. */
export function topmedForm(overrides: Partial<JobForm> = {}): JobForm {
  const app = appDefinitionSchema.parse(appDefinition(PROFILES.topmed, false));
  return {
    serverId: 'topmed',
    appId: app.id,
    appName: app.name,
    appVersion: app.version,
    submitLabel: app.submitButton ?? 'Submit',
    fields: formFieldsOf(app),
    liveJobLimit: 3,
    liveJobs: 0,
    blocker: null,
    ...overrides,
  };
}

export const TERMS = {
  check1: 'I will not attempt to re-identify or contact research participants.',
  check2: 'I will report any inadvertent data release, security breach or other data management incident of which I become aware.',
};

export function chosenFile(name: string, size = 120_000_000): ChosenFile {
  return { id: `file-${name}`, name, size, mtimeMs: NOW - 24 * 60 * MINUTE };
}

/** A check that found nothing to say about the files. */
export function cleanReport(files: ChosenFile[]): PreflightReport {
  return {
    ok: true,
    files: files.map((file) => ({
      fileId: file.id,
      name: file.name,
      samples: 50,
      chromosomes: ['20'],
      variants: 7824,
      chunks: 4,
      phased: true,
      firstPosition: 60_291,
      lastPosition: 62_912_463,
      suggestedBuild: null,
      findings: [],
    })),
    crossFile: [],
  };
}

export function downloadItem(overrides: Partial<DownloadItem> & Pick<DownloadItem, 'state'>): DownloadItem {
  return {
    id: 'dl-1',
    serverId: 'topmed',
    jobId: 'job-20261201-110000-123',
    name: 'chr_20.zip',
    sizeLabel: '100 MB',
    destDir: '/home/ada/Imputation results/TOPMed/job-20261201-110000-123',
    path: '/home/ada/Imputation results/TOPMed/job-20261201-110000-123/chr_20.zip',
    creditsLeft: 49,
    creditsSpent: 1,
    receivedBytes: 0,
    resumedFromBytes: 0,
    totalBytes: 100_000_000,
    estimatedBytes: null,
    md5Of: null,
    checksum: 'none',
    alreadyComplete: false,
    error: null,
    retries: [],
    notBefore: 0,
    createdAt: NOW - 10 * MINUTE,
    updatedAt: NOW - MINUTE,
    finishedAt: null,
    resumeIsFree: false,
    resumableUntil: null,
    ...overrides,
  };
}
