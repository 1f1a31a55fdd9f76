// The download manager wired into the app: job files into the server's folder, extraction with the
// password from the keychain, automatic download when a job succeeds, a notification when done.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { submitTestJob } from '../support/submit';

let emulator: RunningEmulator;
let services: TestServices;
let serverId: string;

beforeEach(async () => {
  emulator = await withEmulator({ speed: 600 });
  services = await createTestServices({}, { watchJobs: true, watcher: { heartbeatMs: 20, pollIntervalMs: 40 } });
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab' })).id;
});

afterEach(async () => {
  await services.dispose();
  await emulator.close();
});

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

/** Submits through the app (so the password is in the keychain) and waits for success. */
async function succeededJob(name: string): Promise<string> {
  const upload = await services.handlers['uploads:start']({
    serverId,
    appId: 'imputationserver2',
    fileIds: [(await services.handlers['files:register']({ paths: [await writeFixture(name.replace(/[^A-Za-z0-9-]+/g, '_'))] }))[0]!.id],
    values: { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' },
    checked: { check1: true, check2: true },
    jobName: name,
    password: { mode: 'generate' },
  });
  const jobId = (
    await until(
      async () => (await services.handlers['uploads:list']({})).find((u) => u.id === upload.id)!,
      (u) => u.jobId !== null,
    )
  ).jobId!;
  await until(
    () => services.handlers['jobs:get']({ serverId, jobId }),
    (job) => job.state === 4,
  );
  return jobId;
}

async function writeFixture(name: string): Promise<string> {
  const { writeVcfGz } = await import('../support/vcf-fixtures');
  const file = path.join(services.userDataDir, `${name}.vcf.gz`);
  await writeVcfGz(file, { samples: 25, variants: 300 });
  return file;
}

describe('downloads in the app', () => {
  it('shows the job name as typed in the list and the notification, and names the results folder safely', async () => {
    const name = "Smith & Jones' <b>cohort</b>";
    const jobId = await succeededJob(name);
    expect(emulator.control.getJob(jobId)?.json.name).toBe("Smith &amp; Jones' &lt;b&gt;cohort&lt;/b&gt;"); // as the server keeps it
    const { jobs } = await services.handlers['jobs:list']({});
    expect(jobs.find((job) => job.id === jobId)!.name).toBe(name);
    const notification = await until(
      () => services.notifications.find((candidate) => candidate.kind === 'job-succeeded'),
      (found) => found !== undefined,
    );
    expect(notification!.title).toBe(`${name} finished`);
    const { items } = await services.handlers['downloads:start']({ serverId, jobId, names: ['qc_report.txt'] });
    expect(path.basename(items[0]!.destDir)).toBe(`${jobId}-Smith & Jones' _b_cohort__b_`);
  });

  it('downloads every file of a job into the server folder, one credit each, then extracts with the keychain password', async () => {
    const jobId = await succeededJob('study-b');
    const { items, waiting } = await services.handlers['downloads:start']({ serverId, jobId });
    expect(waiting).toBeNull();
    expect(items.length).toBeGreaterThan(3);
    const list = await until(
      () => services.handlers['downloads:list']({}),
      (l) => l.items.every((item) => item.state === 'completed'),
    );
    const folder = path.join(services.userDataDir, 'Downloads', 'Imputation Desktop', 'Lab', `${jobId}-study-b`);
    expect(list.items.every((item) => item.destDir === folder)).toBe(true);
    expect(existsSync(path.join(folder, 'chr_20.zip'))).toBe(true);
    expect(existsSync(path.join(folder, 'statistics'))).toBe(true);
    expect(list.items.every((item) => item.creditsSpent === 1)).toBe(true);
    expect(JSON.stringify(list)).not.toContain('/share/results/'); // download URLs carry the authorising hash

    const extracted = await services.handlers['downloads:extract']({ serverId, jobId });
    expect(extracted).toMatchObject({ archives: 1, destDir: folder });
    expect(extracted.files).toBeGreaterThanOrEqual(2);
    expect(await readdir(folder)).toEqual(expect.arrayContaining(['chr20.dose.vcf.gz', 'chr20.info.gz']));
    await expect(services.handlers['downloads:extract']({ serverId, jobId, password: 'wrong-password-123' })).rejects.toMatchObject({ code: 'wrong-password' });

    // Asking again downloads nothing: the files are complete on disk.
    const { items: again } = await services.handlers['downloads:start']({ serverId, jobId, names: ['chr_20.zip'] });
    await until(
      () => services.handlers['downloads:list']({}),
      (l) => l.items.filter((item) => item.id === again[0]!.id).every((item) => item.state === 'completed'),
    );
    const after = (await services.handlers['downloads:list']({})).items;
    expect(after.filter((item) => item.name === 'chr_20.zip')).toHaveLength(1); // no second row
    expect(after.find((item) => item.id === again[0]!.id)!.creditsSpent).toBe(1);
    expect(services.notifications.some((n) => n.kind === 'downloads-done')).toBe(true);
  });

  it('downloads a job by itself when it succeeds, where the server asks for it', async () => {
    await services.handlers['servers:update']({ id: serverId, autoDownload: true });
    const jobId = await submitTestJob(services.servers.client(serverId), { name: 'auto' });
    await services.jobs.track(serverId, jobId);
    const list = await until(
      () => services.handlers['downloads:list']({}),
      (l) => l.items.length > 0 && l.items.every((item) => item.jobId === jobId && item.state === 'completed'),
    );
    expect(list.items.some((item) => item.name === 'chr_20.zip')).toBe(true);
    await until(
      () => services.notifications,
      (n) => n.some((item) => item.kind === 'downloads-done'),
    );
  });
});
