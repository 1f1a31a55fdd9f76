// Results passwords: the one thing a researcher cannot get back (a lost password means imputing
// again). Rules of custody:
// - before an upload starts, the password goes to the keychain under a pending key; when the
//   server answers with the job id it moves to `job-password:<server>:<jobId>`;
// - where the keychain cannot keep it (none on this system, or locked), this run holds it in
//   memory and the job is marked "unsaved" until the user has seen it, copied or saved it and
//   said so: the job page keeps asking until then;
// - which jobs were submitted from this app, and what became of their password, is recorded
//   without the secret (job-passwords.json), so after a restart the app can say plainly that a
//   password was not kept instead of asking for "the password from the e-mail".
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, type JobPasswordStatus } from '../../ipc/contract';
import { jobDisplayName } from '../../shared/html-text';
import { KeychainLockedError, secretAccounts, type SecretStore } from '../secrets/secret-store';
import { JsonFileWriter, loadJsonFile } from '../storage/json-file';

/** Pending passwords of uploads that never got a job id are kept this long (results live 7 days). */
const PENDING_KEEP_MS = 8 * 24 * 60 * 60 * 1000;
/** A job matches a pending upload when the server received it within this time after the upload began. */
const PENDING_MATCH_MS = 2 * 24 * 60 * 60 * 1000;

const jobRecord = z.object({
  serverId: z.string(),
  serverUrl: z.string(),
  jobId: z.string(),
  source: z.enum(['generated', 'typed']),
  /** Where the password went when the job got its id. */
  custody: z.enum(['keychain', 'memory']),
  /** The user said they saved the password themselves. */
  acknowledged: z.boolean(),
  demo: z.boolean().default(false),
  /** A QC check: the job exports no zip files, so nobody needs its password. */
  zipless: z.boolean().default(false),
  at: z.number(),
});
const pendingRecord = z.object({
  serverId: z.string(),
  serverUrl: z.string(),
  uploadId: z.string(),
  jobName: z.string(),
  source: z.enum(['generated', 'typed']),
  custody: z.enum(['keychain', 'memory']),
  demo: z.boolean().default(false),
  zipless: z.boolean().default(false),
  startedAt: z.number(),
});
const document = z.object({
  version: z.literal(1),
  jobs: z.record(z.string(), jobRecord),
  pending: z.record(z.string(), pendingRecord),
});
type Document = z.output<typeof document>;
type JobRecord = z.output<typeof jobRecord>;
type PendingRecord = z.output<typeof pendingRecord>;

export interface ServerRef {
  id: string;
  url: string;
  kind: string;
}

export interface UploadRef {
  server: ServerRef;
  uploadId: string;
  jobName: string;
  source: 'generated' | 'typed';
  /** The job will export no zip files (a QC check): its password is never asked for. */
  zipless?: boolean;
}

/** What the job says about how the server delivered the password (from its Summary step). */
export interface JobFacts {
  id: string;
  /** The job's name as the server returned it (HTML-escaped). */
  rawName: string;
  submittedOn: number;
  /** 'email': a notification mail was sent; 'summary': mail is off and the Summary shows the password. */
  delivery: 'email' | 'summary' | null;
  /** The password the Summary shows (mail off), exactly as the zip tool got it. */
  summaryPassword: string | null;
}

const jobKey = (serverUrl: string, jobId: string) => `${serverUrl}|${jobId}`;

export class JobPasswords {
  /** Passwords the keychain could not keep, for this run only. */
  private readonly memory = new Map<string, string>();

  private constructor(
    private readonly secrets: SecretStore,
    private readonly doc: Document,
    private readonly writer: JsonFileWriter,
    private readonly now: () => number,
  ) {}

  static async open(userDataDir: string, secrets: SecretStore, now: () => number = Date.now): Promise<JobPasswords> {
    const file = path.join(userDataDir, 'job-passwords.json');
    const { value } = await loadJsonFile(
      file,
      (): Document => ({ version: 1, jobs: {}, pending: {} }),
      (raw) => document.parse(raw),
    );
    let passwords: JobPasswords | null = null;
    const writer = new JsonFileWriter(
      file,
      () => passwords!.doc,
      () => undefined,
    );
    passwords = new JobPasswords(secrets, value, writer, now);
    await passwords.tidy();
    return passwords;
  }

  /** Keeps the password of an upload that is about to start; says where it is kept. */
  async holdForUpload(upload: UploadRef, password: string): Promise<'keychain' | 'memory'> {
    const custody = await this.keep(secretAccounts.pendingJobPassword(upload.server.url, upload.uploadId), password);
    this.doc.pending[upload.uploadId] = {
      serverId: upload.server.id,
      serverUrl: upload.server.url,
      uploadId: upload.uploadId,
      jobName: upload.jobName,
      source: upload.source,
      custody,
      demo: upload.server.kind === 'demo',
      zipless: upload.zipless ?? false,
      startedAt: this.now(),
    };
    await this.save();
    return custody;
  }

  /** The server gave the upload its job id: the password moves to the job's own entry. */
  async attachToJob(upload: UploadRef, jobId: string, password: string): Promise<JobPasswordStatus> {
    const custody = await this.keep(secretAccounts.jobPassword(upload.server.url, jobId), password);
    await this.dropPending(upload.uploadId);
    this.doc.jobs[jobKey(upload.server.url, jobId)] = {
      serverId: upload.server.id,
      serverUrl: upload.server.url,
      jobId,
      source: upload.source,
      custody,
      acknowledged: false,
      demo: upload.server.kind === 'demo',
      zipless: upload.zipless ?? false,
      at: this.now(),
    };
    await this.save();
    return this.status(upload.server.url, { id: jobId, rawName: upload.jobName, submittedOn: this.now(), delivery: null, summaryPassword: null });
  }

  /** An upload ended without a job (canceled, or failed and dismissed): its pending password goes. */
  async releaseUpload(serverUrl: string, uploadId: string): Promise<void> {
    await this.dropPending(uploadId, serverUrl);
    await this.save();
  }

  /** The password of a job, where the app has it (keychain, this run's memory, the job's Summary). */
  async get(serverUrl: string, job: Pick<JobFacts, 'id' | 'summaryPassword'> & Partial<JobFacts>): Promise<string | null> {
    const key = jobKey(serverUrl, job.id);
    const held = this.memory.get(key);
    if (held !== undefined) return held;
    const stored = await this.secrets.get(secretAccounts.jobPassword(serverUrl, job.id));
    if (stored !== null) return stored;
    if (job.rawName !== undefined && job.submittedOn !== undefined && (await this.adoptPending(serverUrl, job as JobFacts))) return this.get(serverUrl, job);
    return job.summaryPassword;
  }

  /** What the job page says about the password, and whether the app can use it. */
  async status(serverUrl: string, job: JobFacts): Promise<JobPasswordStatus> {
    const key = jobKey(serverUrl, job.id);
    let record = this.doc.jobs[key];
    let stored: string | null;
    try {
      stored = this.memory.get(key) ?? (await this.secrets.get(secretAccounts.jobPassword(serverUrl, job.id)));
      if (stored === null && !record && (await this.adoptPending(serverUrl, job))) {
        record = this.doc.jobs[key];
        stored = this.memory.get(key) ?? (await this.secrets.get(secretAccounts.jobPassword(serverUrl, job.id)));
      }
    } catch (error) {
      if (error instanceof KeychainLockedError) return { state: 'locked', available: false, delivery: job.delivery };
      throw error;
    }
    const delivery = job.delivery;
    if (record?.zipless) return { state: 'not-needed', available: stored !== null, delivery };
    if (!record) {
      if (stored !== null) return { state: 'keychain', available: true, delivery };
      return { state: 'unknown', available: job.summaryPassword !== null, delivery };
    }
    if (stored === null) return { state: 'lost', available: job.summaryPassword !== null, delivery };
    if (this.memory.has(key) || record.custody === 'memory' || this.secrets.kind === 'memory') {
      return { state: record.acknowledged ? 'saved-by-you' : 'unsaved', available: true, delivery };
    }
    return { state: 'keychain', available: true, delivery };
  }

  /** The password, shown only where the keychain cannot keep it and the user must save it. */
  async reveal(serverUrl: string, jobId: string): Promise<string> {
    const key = jobKey(serverUrl, jobId);
    const record = this.doc.jobs[key];
    const held = this.memory.get(key) ?? (this.secrets.kind === 'memory' ? await this.secrets.get(secretAccounts.jobPassword(serverUrl, jobId)) : null);
    if (!record || held === null || held === undefined) {
      throw new AppError('forbidden', 'The password is shown only while this computer cannot keep it; use "Copy results password" instead.');
    }
    return held;
  }

  /** The user has saved the password themselves: the job page stops asking. */
  async acknowledge(serverUrl: string, jobId: string): Promise<void> {
    const record = this.doc.jobs[jobKey(serverUrl, jobId)];
    if (!record) throw new AppError('not-found', 'This job was not submitted from this app.');
    record.acknowledged = true;
    await this.save();
  }

  /** A job was deleted: its password goes from the keychain too. */
  async forgetJob(serverUrl: string, jobId: string): Promise<void> {
    const key = jobKey(serverUrl, jobId);
    this.memory.delete(key);
    delete this.doc.jobs[key];
    await this.secrets.delete(secretAccounts.jobPassword(serverUrl, jobId)).catch(() => false);
    await this.save();
  }

  /** A server was removed: every password of its jobs goes. */
  async forgetServer(serverUrl: string): Promise<void> {
    for (const record of Object.values(this.doc.jobs).filter((candidate) => candidate.serverUrl === serverUrl)) {
      await this.forgetJob(record.serverUrl, record.jobId);
    }
    for (const pending of Object.values(this.doc.pending).filter((candidate) => candidate.serverUrl === serverUrl)) {
      await this.dropPending(pending.uploadId);
    }
    await this.save();
  }

  async flush(): Promise<void> {
    await this.writer.flush();
  }

  // ---- internals ----

  /** In the keychain when it takes it, else in memory for this run. Never a file. */
  private async keep(account: string, password: string): Promise<'keychain' | 'memory'> {
    if (this.secrets.kind === 'memory') {
      await this.secrets.set(account, password);
      this.memoryKey(account, password);
      return 'memory';
    }
    try {
      await this.secrets.set(account, password);
      return 'keychain';
    } catch {
      // Locked or failing keychain: this run keeps it, and the user is asked to save it.
      this.memoryKey(account, password);
      return 'memory';
    }
  }

  private memoryKey(account: string, password: string): void {
    const job = /^job-password:(.*):([^:]+)$/.exec(account);
    if (job) this.memory.set(jobKey(job[1]!, job[2]!), password);
    const pending = /^job-password-pending:(.*):([^:]+)$/.exec(account);
    if (pending) this.memory.set(`pending|${pending[2]!}`, password);
  }

  /** A job the server knows but the app never got the id of (the app stopped mid-answer). */
  private async adoptPending(serverUrl: string, job: JobFacts): Promise<boolean> {
    const candidates = Object.values(this.doc.pending).filter(
      (pending) =>
        pending.serverUrl === serverUrl &&
        pending.jobName !== '' &&
        pending.jobName === jobDisplayName(job.rawName, job.id) &&
        job.submittedOn >= pending.startedAt - 60 * 60 * 1000 &&
        job.submittedOn <= pending.startedAt + PENDING_MATCH_MS,
    );
    if (candidates.length !== 1) return false;
    const pending = candidates[0]!;
    const password = this.memory.get(`pending|${pending.uploadId}`) ?? (await this.secrets.get(secretAccounts.pendingJobPassword(serverUrl, pending.uploadId)));
    if (password === null) return false;
    await this.attachToJob(
      {
        server: { id: pending.serverId, url: pending.serverUrl, kind: pending.demo ? 'demo' : 'custom' },
        uploadId: pending.uploadId,
        jobName: pending.jobName,
        source: pending.source,
        zipless: pending.zipless,
      },
      job.id,
      password,
    );
    return true;
  }

  private async dropPending(uploadId: string, serverUrl?: string): Promise<void> {
    const pending = this.doc.pending[uploadId];
    const url = pending?.serverUrl ?? serverUrl;
    this.memory.delete(`pending|${uploadId}`);
    delete this.doc.pending[uploadId];
    if (url) await this.secrets.delete(secretAccounts.pendingJobPassword(url, uploadId)).catch(() => false);
  }

  /** At start-up: the demo server starts afresh each run (its jobs are gone), old pending entries expire. */
  private async tidy(): Promise<void> {
    const before = JSON.stringify(this.doc);
    for (const record of Object.values(this.doc.jobs).filter((candidate) => candidate.demo)) {
      delete this.doc.jobs[jobKey(record.serverUrl, record.jobId)];
      await this.secrets.delete(secretAccounts.jobPassword(record.serverUrl, record.jobId)).catch(() => false);
    }
    for (const pending of Object.values(this.doc.pending)) {
      if (pending.demo || this.now() - pending.startedAt > PENDING_KEEP_MS) await this.dropPending(pending.uploadId);
    }
    if (JSON.stringify(this.doc) !== before) await this.save();
  }

  private async save(): Promise<void> {
    await this.writer.save();
  }
}

export type { JobRecord, PendingRecord };

/** Where a results password is written when the user asks to save it to a file. */
export async function writePasswordFile(file: string, jobId: string, serverLabel: string, password: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const text = `Results password of job ${jobId} on ${serverLabel}\n\n${password}\n\nUse it to open the chr_*.zip files of this job (7z or the Imputation Desktop app).\n`;
  await fs.writeFile(file, text, { mode: 0o600, flag: 'w' });
}
