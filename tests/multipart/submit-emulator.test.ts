// Submitting to the Cloudgene emulator over real HTTP: success, refusals and broken uploads.
import { until } from '../support/wait';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { CloudgeneClient } from '../../electron/services/cloudgene/client';
import { CloudgeneError } from '../../electron/services/cloudgene/errors';
import { snapshotFile, type UploadFile } from '../../electron/services/multipart/file-snapshot';
import type { UploadProgress } from '../../electron/services/multipart/progress';
import { submitJob, type SubmitJobOptions } from '../../electron/services/multipart/submit';
import { writeVcfGz } from '../support/vcf-fixtures';

let dir: string;
let vcfs: UploadFile[];
let bigFile: UploadFile;
const emulators: RunningEmulator[] = [];
const clients: CloudgeneClient[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'submit-emulator-'));
  vcfs = [];
  for (const chromosome of ['20', '21']) {
    const path = join(dir, `chr${chromosome}.vcf.gz`);
    await writeVcfGz(path, { chromosome, samples: 25, variants: 300, seed: Number(chromosome) });
    vcfs.push(await snapshotFile(path, `chr${chromosome}.vcf.gz`));
  }
  const bigPath = join(dir, 'big.vcf.gz');
  await writeFile(bigPath, randomBytes(16 * 1024 * 1024));
  bigFile = await snapshotFile(bigPath, 'big.vcf.gz');
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function emulator(options: Parameters<typeof startEmulator>[0] = {}): Promise<{ emu: RunningEmulator; client: CloudgeneClient }> {
  const emu = await startEmulator({ faults: true, ...options });
  emulators.push(emu);
  const client = new CloudgeneClient({ baseUrl: emu.url, token: emu.token, userAgent: 'ImputationDesktop/0.1.0 (test)' });
  clients.push(client);
  return { emu, client };
}

const form = { refpanel: 'apps@hapmap-2@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', 'job-name': 'study <A>' };

function submit(client: CloudgeneClient, overrides: Partial<SubmitJobOptions> = {}) {
  return submitJob({ client, appId: 'imputationserver2', fields: form, files: vcfs, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<CloudgeneError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CloudgeneError);
  return error as CloudgeneError;
}

describe('submitJob against the emulator', () => {
  it('creates a job with the fields, the checked boxes and the files, reporting progress', async () => {
    const { emu, client } = await emulator();
    const events: UploadProgress[] = [];
    const result = await submit(client, { checkboxes: { aesEncryption: true, meta: false }, onProgress: (p) => events.push(p) });
    expect(result.jobId).toMatch(/^job-\d{8}-\d{6}-\d{3}/);
    expect(result.message).toBe('Your job was successfully added to the job queue.');

    const job = await client.job(result.jobId);
    expect(job.applicationId).toBe('imputationserver2');
    expect(job.name).toBe('study &lt;A&gt;'); // the server HTML-escapes job-name (docs/server-behaviour.md#escaped-values)
    expect(job.userAgent).toBe('ImputationDesktop/0.1.0 (test)');
    const snapshot = emu.control.getJob(result.jobId)!;
    expect(snapshot.inputFiles.map((f) => f.split('/').pop()).sort()).toEqual(['chr20.vcf.gz', 'chr21.vcf.gz']);
    expect(snapshot.params).toMatchObject({ aesEncryption: true, meta: false, build: 'hg19' });

    const last = events.at(-1)!;
    expect(last.bytesSent).toBe(last.totalBytes);
    expect(last.files.map((f) => f.bytesSent)).toEqual(vcfs.map((f) => f.size));
  });

  it('cancel mid-upload rejects with canceled and leaves no job', async () => {
    const lines: string[] = [];
    const { emu, client } = await emulator({ log: (line) => lines.push(line) });
    // The server sits on the request for a while, so the body is certainly half-sent when we abort.
    emu.control.setFault({ kind: 'delay', ms: 1500, path: '/api/v2/jobs/submit', times: 1 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(submit(client, { files: [bigFile], signal: controller.signal }));
    expect(error.code).toBe('canceled');
    // The server gets past its delay and finds the connection gone: no job.
    await until(
      () => lines.find((line) => line.startsWith('submit ended without a job')),
      (line) => line !== undefined,
      10_000,
    );
    expect(await client.allJobs()).toEqual([]);
  });

  it('over the job limit: job-limit with the server message', async () => {
    const { client } = await emulator({ maxJobsPerUser: 1 });
    await submit(client);
    const error = await failure(submit(client));
    expect(error.code).toBe('job-limit');
    expect(error.status).toBe(400);
    expect(error.serverMessage).toBe('Only 1 jobs per user can be executed simultaneously.');
  });

  it('over the upload limit: too-large', async () => {
    const { client } = await emulator({ uploadLimitBytes: 1024 * 1024 });
    const error = await failure(submit(client, { files: [bigFile] }));
    expect(error.code).toBe('too-large');
    expect(error.status).toBe(413);
    expect(await client.allJobs()).toEqual([]);
  });

  it('in maintenance: maintenance', async () => {
    const { emu, client } = await emulator();
    emu.control.setMaintenance(true);
    const error = await failure(submit(client));
    expect(error.code).toBe('maintenance');
    expect(error.status).toBe(503);
  });

  it('an unknown field: bad-request naming it', async () => {
    const { client } = await emulator();
    const error = await failure(submit(client, { fields: { ...form, 'files-source': 'upload' } }));
    expect(error.code).toBe('bad-request');
    expect(error.serverMessage).toBe("Parameter 'files-source' not found.");
  });

  it('an invalid token: unauthorized; a replaced one: token-revoked', async () => {
    const { emu } = await emulator();
    const stale = emu.token;
    emu.control.createApiToken(emu.username);
    const staleClient = new CloudgeneClient({ baseUrl: emu.url, token: stale, userAgent: 'test' });
    const garbageClient = new CloudgeneClient({ baseUrl: emu.url, token: 'garbage', userAgent: 'test' });
    clients.push(staleClient, garbageClient);
    expect((await failure(submit(staleClient))).code).toBe('token-revoked');
    expect((await failure(submit(garbageClient))).code).toBe('unauthorized');
  });

  it('an HTML error page from a proxy: server-error', async () => {
    const { emu, client } = await emulator();
    emu.control.setFault({ kind: 'http-error', status: 502, html: true, path: '/api/v2/jobs/submit', times: 1 });
    const error = await failure(submit(client, { files: [bigFile] }));
    expect(error.code).toBe('server-error');
    expect(error.status).toBe(502);
  });

  it('a connection dropped mid-upload: network, saying how much was sent', async () => {
    const { emu, client } = await emulator();
    emu.control.setFault({ kind: 'drop-upload', afterBytes: 2 * 1024 * 1024, times: 1 });
    const error = await failure(submit(client, { files: [bigFile] }));
    expect(error.code).toBe('network');
    expect(error.detail).toMatch(/^the connection was closed after .+ of 16\.8 MB were sent$/);
    expect(error.message).toContain('the connection was closed after');
    expect(await client.allJobs()).toEqual([]);
  });
});
