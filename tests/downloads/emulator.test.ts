// The download engine against the Cloudgene emulator over real HTTP, in both storage modes
// (docs/server-behaviour.md#downloads-and-credits): credits, drops, resume, exhausted credits, names, extraction.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../electron/emulator/index';
import { DownloadError } from '../../electron/services/downloads/errors';
import { extractZip } from '../../electron/services/downloads/extract';
import { resultFilesOfJob } from '../../electron/services/downloads/job-files';
import { runTransfer, type ResumeInfo } from '../../electron/services/downloads/transfer';
import type { DownloadFile } from '../../electron/services/downloads/types';
import { managerFixture, settled, waitForItem, type ManagerFixture } from './support/manager-helpers';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

interface ApiJob {
  id: string;
  state: number;
  name: string;
  outputParams: { files: { name: string; hash: string; count: number; size: string }[] }[];
}

async function api<T>(emu: RunningEmulator, route: string): Promise<T> {
  const { statusCode, body } = await request(`${emu.url}/api/v2${route}`, { headers: { 'x-auth-token': emu.token } });
  expect(statusCode).toBe(200);
  return (await body.json()) as T;
}

/** The result files of a job as the app will hand them to the manager. */
async function jobFiles(emu: RunningEmulator, jobId: string): Promise<DownloadFile[]> {
  return resultFilesOfJob(await api<ApiJob>(emu, `/jobs/${jobId}`), `${emu.url}/api/v2`, 'emulator');
}

async function successJobs(emu: RunningEmulator): Promise<ApiJob[]> {
  const list = await api<{ data: ApiJob[] }>(emu, '/jobs');
  return list.data.filter((job) => job.state === 4 || job.state === 8);
}

const hashOf = (file: DownloadFile) => file.url.split('/')[5];

for (const storage of ['local', 's3'] as const) {
  describe(`downloads from the emulator (${storage} mode)`, () => {
    let emu: RunningEmulator;
    let fx: ManagerFixture;
    let jobId: string;

    beforeAll(async () => {
      emu = await startEmulator({ seed: 'demo', storage, faults: true });
    });
    afterAll(async () => {
      await emu.close();
    });
    beforeEach(async () => {
      fx = await managerFixture();
      emu.control.clearFaults();
      jobId = (await successJobs(emu))[0].id;
    });
    afterEach(async () => {
      await fx.cleanup();
    });

    /** Replaces a result file's bytes on the emulator's disk, so a drop happens in the middle of real data. */
    async function bigFile(file: DownloadFile, bytes: number): Promise<Buffer> {
      const snapshot = emu.control.getJob(jobId)!;
      const data = randomBytes(bytes);
      await fs.writeFile(snapshot.files.find((f) => f.name === file.name)!.absPath, data);
      return data;
    }

    it('downloads every file of a job, one credit each, into the job folder', async () => {
      const files = await jobFiles(emu, jobId);
      expect(files.length).toBeGreaterThan(3);
      expect(files.some((file) => file.name.includes('/'))).toBe(true);
      const manager = await fx.open();
      const items = await manager.enqueue(files, { destDir: fx.destDir });
      for (const item of items) expect((await waitForItem(manager, item.id, settled)).state).toBe('completed');
      const snapshot = emu.control.getJob(jobId)!;
      for (const file of files) {
        const onServer = snapshot.files.find((f) => f.name === file.name)!;
        expect(emu.control.downloadCount(hashOf(file))).toBe(file.credits - 1);
        const local = await fs.readFile(path.join(fx.destDir, ...file.name.split('/')));
        expect(sha256(local)).toBe(sha256(await fs.readFile(onServer.absPath)));
      }
      for (const view of manager.list()) {
        expect(view.creditsLeft).toBe(files.find((file) => file.name === view.name)!.credits - 1);
        expect(view.creditsSpent).toBe(1);
      }
    });

    it('handles a connection dropped at 60 %', async () => {
      const [file] = (await jobFiles(emu, jobId)).filter((f) => f.name.endsWith('.zip'));
      const data = await bigFile(file, 2_000_000);
      const before = emu.control.downloadCount(hashOf(file))!;
      emu.control.setFault({
        kind: 'drop-download',
        afterBytes: 1_200_000,
        path: storage === 's3' ? '/__s3/' : '/share/results/',
        times: 1,
      });
      const manager = await fx.open();
      const [item] = await manager.enqueue([{ ...file, credits: before }], { destDir: fx.destDir });
      const done = await waitForItem(manager, item.id, settled);
      expect(done.state).toBe('completed');
      expect(done.retries).toHaveLength(1);
      if (storage === 's3') {
        // resumed with Range on the pre-signed URL: no credit spent for the retry
        expect(done.retries[0].creditLost).toBe(false);
        expect(done.creditsSpent).toBe(1);
        expect(done.resumedFromBytes).toBeGreaterThan(0);
        expect(done.resumedFromBytes).toBeLessThanOrEqual(1_200_000);
        expect(emu.control.downloadCount(hashOf(file))).toBe(before - 1);
      } else {
        // local streaming cannot resume: the break cost a credit, and it is reported
        expect(done.retries[0].creditLost).toBe(true);
        expect(done.retries[0].reason).toMatch(/interrupted/);
        expect(done.creditsSpent).toBe(2);
        expect(done.resumedFromBytes).toBe(0);
        expect(done.creditsLeft).toBe(before - 2);
        expect(emu.control.downloadCount(hashOf(file))).toBe(before - 2);
      }
      expect(sha256(await fs.readFile(path.join(fx.destDir, file.name)))).toBe(sha256(data));
    });

    it('gives the credits message and no file when none are left', async () => {
      const [file] = await jobFiles(emu, jobId);
      emu.control.setDownloadCount(hashOf(file), 0);
      const manager = await fx.open();
      const [item] = await manager.enqueue([{ ...file, credits: 0 }], { destDir: fx.destDir });
      const done = await waitForItem(manager, item.id, settled);
      expect(done.state).toBe('failed');
      expect(done.error?.code).toBe('credits-exhausted');
      expect(done.error?.message).toMatch(/No downloads are left for this file/);
      expect(done.error?.serverMessage).toBe('number of max downloads exceeded.');
      await expect(fs.readdir(fx.destDir)).resolves.toEqual([]);
    });

    it('refuses traversal names without spending a credit', async () => {
      const [file] = await jobFiles(emu, jobId);
      const before = emu.control.downloadCount(hashOf(file));
      const manager = await fx.open();
      const items = await manager.enqueue(
        [
          { ...file, name: '../../outside.zip' },
          { ...file, name: 'statistics/../../../outside.txt' },
        ],
        { destDir: fx.destDir },
      );
      expect(items.map((item) => item.error?.code)).toEqual(['unsafe-name', 'unsafe-name']);
      expect(items[0].error?.message).toMatch(/cannot be saved safely.*"\.\." folders/);
      expect(emu.control.downloadCount(hashOf(file))).toBe(before);
      await expect(fs.stat(path.join(fx.dir, 'outside.zip'))).rejects.toThrow();
    });
  });
}

describe('emulator specifics', () => {
  let emu: RunningEmulator;
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'dl-emu-'));
  });
  afterEach(async () => {
    await emu?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('an expired pre-signed link is reported, not paid for silently', async () => {
    emu = await startEmulator({ seed: 'demo', storage: 's3', faults: true });
    const jobId = (await successJobs(emu))[0].id;
    const [file] = await jobFiles(emu, jobId);
    const before = emu.control.downloadCount(hashOf(file))!;
    emu.control.setFault({ kind: 'drop-download', afterBytes: 500, path: '/__s3/', times: 1 });
    let resume: ResumeInfo | null = null;
    const finalPath = path.join(dir, file.name);
    await expect(runTransfer({ url: file.url, finalPath, onResponse: (info) => (resume = info.resume) })).rejects.toThrow(DownloadError);
    expect(resume).not.toBeNull();
    emu.control.advanceClock(2 * 3600_000);
    const error = await runTransfer({ url: file.url, finalPath, resume }).catch((e: unknown) => e as DownloadError);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('link-expired');
    expect(emu.control.downloadCount(hashOf(file))).toBe(before - 1);
  });

  it('local mode: a drop with only 3 credits left waits for the user, showing the credits left', async () => {
    emu = await startEmulator({ seed: 'demo', storage: 'local', faults: true });
    const jobId = (await successJobs(emu))[0].id;
    const [file] = await jobFiles(emu, jobId);
    emu.control.setDownloadCount(hashOf(file), 3);
    emu.control.setFault({ kind: 'drop-download', afterBytes: 1000, path: '/share/results/', times: 1 });
    const fx = await managerFixture();
    try {
      const manager = await fx.open();
      const [item] = await manager.enqueue([{ ...file, credits: 3 }], { destDir: fx.destDir });
      const waiting = await waitForItem(manager, item.id, settled);
      expect(waiting.state).toBe('needs-confirmation');
      expect(waiting.creditsLeft).toBe(2);
      expect(emu.control.downloadCount(hashOf(file))).toBe(2);
      manager.resume(item.id, { spendCredit: true });
      expect((await waitForItem(manager, item.id, settled)).state).toBe('completed');
      expect(emu.control.downloadCount(hashOf(file))).toBe(1);
    } finally {
      await fx.cleanup();
    }
  });

  it('reports retired results (files deleted after 7 days)', async () => {
    emu = await startEmulator({ seed: 'demo', storage: 'local', faults: true });
    const jobId = (await successJobs(emu))[0].id;
    const [file] = await jobFiles(emu, jobId);
    emu.control.advanceClock(8 * 24 * 3600_000);
    const error = await runTransfer({ url: file.url, finalPath: path.join(dir, file.name) }).catch((e: unknown) => e as DownloadError);
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as DownloadError).code).toBe('retired');
    expect((error as DownloadError).serverMessage).toBe('File not found in workspace.');
    await expect(fs.readdir(dir)).resolves.toEqual([]);
  });

  it.each([
    ['ZipCrypto', (job: ApiJob) => !/AES/.test(job.name)],
    ['AES', (job: ApiJob) => /AES/.test(job.name)],
  ])('extracts a downloaded %s result zip with the job password, and refuses a wrong one', async (_kind, pick) => {
    emu = await startEmulator({ seed: 'demo', storage: 'local', faults: true });
    const job = (await successJobs(emu)).find((candidate) => pick(candidate) && candidate.outputParams !== undefined)!;
    const files = await jobFiles(emu, job.id);
    const zip = files.find((file) => /^chr_.*\.zip$/.test(file.name))!;
    const zipPath = path.join(dir, zip.name);
    await runTransfer({ url: zip.url, finalPath: zipPath });
    const password = emu.control.getJob(job.id)!.password;

    const wrong = await extractZip(zipPath, path.join(dir, 'wrong'), `${password}x`).catch((e: unknown) => e as DownloadError);
    expect(wrong).toBeInstanceOf(DownloadError);
    expect((wrong as DownloadError).code).toBe('wrong-password');
    await expect(fs.stat(path.join(dir, 'wrong'))).rejects.toThrow();

    const out = path.join(dir, 'out');
    const result = await extractZip(zipPath, out, password);
    const names = result.files.map((file) => path.basename(file)).sort();
    const chr = /^chr_(.+)\.zip$/.exec(zip.name)![1];
    expect(names).toEqual(expect.arrayContaining([`chr${chr}.dose.vcf.gz`, `chr${chr}.info.gz`]));
    for (const file of result.files) expect((await fs.stat(file)).size).toBeGreaterThan(0);
  });
});
