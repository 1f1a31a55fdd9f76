import { open, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import type { UploadView } from '../../electron/ipc/contract';
import { secretAccounts } from '../../electron/services/secrets/secret-store';
import { withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { writeVcfGz } from '../support/vcf-fixtures';

let emulator: RunningEmulator;
let services: TestServices;
let serverId: string;
let dir: string;

beforeEach(async () => {
  emulator = await withEmulator({ speed: 100, uploadLimitBytes: 64 * 1024 * 1024 });
  services = await createTestServices();
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: emulator.token })).id;
  dir = await mkdtemp(path.join(os.tmpdir(), 'uploads-'));
});

afterEach(async () => {
  await services.uploads.idle();
  await services.dispose();
  await emulator.close();
});

async function vcf(name = 'chr20.vcf.gz'): Promise<string> {
  const file = path.join(dir, name);
  await writeVcfGz(file, { samples: 25, variants: 300 });
  const [chosen] = await services.handlers['files:register']({ paths: [file] });
  return chosen!.id;
}

/** A file of `mb` MiB of zeros named like a VCF (the submit does not look inside). */
async function bigFile(mb: number, name = 'big.vcf.gz'): Promise<string> {
  const file = path.join(dir, name);
  const handle = await open(file, 'w');
  await handle.truncate(mb * 1024 * 1024);
  await handle.close();
  const [chosen] = await services.handlers['files:register']({ paths: [file] });
  return chosen!.id;
}

const form = {
  appId: 'imputationserver2',
  values: { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' },
  checked: { check1: true, check2: true },
};

async function finished(id: string): Promise<UploadView> {
  for (let i = 0; i < 400; i += 1) {
    const upload = (await services.handlers['uploads:list']({})).find((candidate) => candidate.id === id)!;
    if (['submitted', 'failed', 'canceled'].includes(upload.state)) return upload;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('upload did not finish');
}

describe('the new-job form', () => {
  it("is built from the server's app definition", async () => {
    const built = await services.handlers['newJob:form']({ serverId });
    expect(built).toMatchObject({ appId: 'imputationserver2', appName: 'Genotype Imputation', liveJobs: 0, liveJobLimit: 3, blocker: null });
    const ids = built.fields.map((field) => field.id);
    expect(ids).toEqual(
      expect.arrayContaining(['refpanel', 'files', 'build', 'r2Filter', 'phasing', 'population', 'mode', 'aesEncryption', 'meta', 'check1', 'check2']),
    );
    const population = built.fields.find((field) => field.id === 'population');
    expect(population).toMatchObject({ kind: 'bound-select', bind: 'refpanel' });
    if (population?.kind === 'bound-select') expect(population.groups['apps@1000g-phase-3-v5@2.0.0']!.map((option) => option.value)).toContain('eur');
    expect(built.fields.find((field) => field.id === 'refpanel')).toMatchObject({ kind: 'select', label: 'Reference Panel' });
  });

  it('says up front when the server is in maintenance, with its message', async () => {
    emulator.control.setMaintenance(true, 'Back soon.');
    const built = await services.handlers['newJob:form']({ serverId });
    expect(built.fields).toEqual([]);
    expect(built.blocker).toMatchObject({ code: 'maintenance', message: expect.stringContaining('Back soon.') });
  });
});

describe('uploads', () => {
  it('uploads with progress, lands on a new job, and keeps the generated password in the keychain', async () => {
    const fileId = await vcf();
    const started = await services.handlers['uploads:start']({ serverId, ...form, fileIds: [fileId], jobName: 'My study', password: { mode: 'generate' } });
    expect(started.state).toBe('queued');
    const done = await finished(started.id);
    expect(done).toMatchObject({ state: 'submitted', error: null });
    expect(done.jobId).toMatch(/^job-\d{8}-\d{6}-\d{3}$/);
    const password = await services.secrets.get(secretAccounts.jobPassword(emulator.url, done.jobId!));
    expect(password).toMatch(/^[A-Za-z0-9!#%*+\-=?@_]{24}$/);
    expect(emulator.control.getJob(done.jobId!)?.password).toBe(password);
    expect(emulator.control.getJob(done.jobId!)?.json.name).toBe('My study');
    const events = services.events.filter((event) => event.channel === 'uploads:changed').map((event) => (event.payload as UploadView).state);
    expect(events).toEqual(expect.arrayContaining(['queued', 'checking', 'uploading', 'submitted']));
    expect(JSON.stringify(services.events)).not.toContain(password!);
    const detail = await services.handlers['jobs:get']({ serverId, jobId: done.jobId! });
    expect(detail.password).toEqual({ state: 'keychain', available: true, delivery: null });
  });

  it('holds a queued upload while offline and sends it when the network is back', async () => {
    const fileId = await vcf();
    services.uploads.setOnline(false);
    const started = await services.handlers['uploads:start']({ serverId, ...form, fileIds: [fileId], jobName: 'Later', password: { mode: 'generate' } });
    await services.uploads.idle(); // nothing is running: the queue held it
    expect((await services.handlers['uploads:list']({})).find((upload) => upload.id === started.id)?.state).toBe('queued');
    expect(await services.servers.client(serverId).allJobs()).toEqual([]); // nothing reached the server
    services.uploads.setOnline(true);
    expect(await finished(started.id)).toMatchObject({ state: 'submitted', error: null });
  });

  it('refuses a wrong file, a duplicate name, a typo in a value and a weak typed password, before uploading', async () => {
    const fileId = await vcf();
    const other = path.join(dir, 'sub');
    await import('node:fs/promises').then((fs) => fs.mkdir(other));
    await writeVcfGz(path.join(other, 'chr20.vcf.gz'), {});
    const [twin] = await services.handlers['files:register']({ paths: [path.join(other, 'chr20.vcf.gz')] });
    const start = (overrides: object) =>
      services.handlers['uploads:start']({ serverId, ...form, fileIds: [fileId], jobName: 'x', password: { mode: 'generate' }, ...overrides });
    await expect(start({ fileIds: [fileId, twin!.id] })).rejects.toMatchObject({ code: 'file-refused' });
    const text = path.join(dir, 'notes.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(text, 'hello'));
    const [txt] = await services.handlers['files:register']({ paths: [text] });
    await expect(start({ fileIds: [txt!.id] })).rejects.toMatchObject({ code: 'file-refused' });
    await services.handlers['newJob:form']({ serverId });
    await expect(start({ values: { ...form.values, build: 'hg37' } })).rejects.toMatchObject({ code: 'bad-request' });
    await expect(start({ checked: { check1: true } })).rejects.toMatchObject({ code: 'bad-request', message: expect.stringContaining('accept') });
    await expect(start({ password: { mode: 'typed', value: 'a&b<c>d"efgh' } })).rejects.toMatchObject({ code: 'bad-request' });
    expect(await services.servers.client(serverId).allJobs()).toEqual([]); // none of these reached the server
  });

  it('checks the token right before uploading; a new token and "Submit again" send it with the same password', async () => {
    const fileId = await bigFile(8);
    await services.handlers['newJob:form']({ serverId }); // the form was read while the token worked
    emulator.control.expireTokens();
    const upload = await services.handlers['uploads:start']({ serverId, ...form, fileIds: [fileId], jobName: 'needs a token', password: { mode: 'generate' } });
    const refused = await finished(upload.id);
    expect(refused).toMatchObject({ state: 'failed', bytesSent: 0, error: { code: 'unauthorized' } });
    expect(refused.error!.message).toBe('Your token has expired or was replaced; paste a new one. Nothing was uploaded.');
    expect((await services.handlers['servers:list']({}))[0]!.status).toBe('expired');
    const pending = services.keytar!.accounts().filter((account) => account.startsWith('job-password-pending:'));
    expect(pending).toEqual([]); // the password is kept only once the upload really starts

    await services.handlers['servers:replaceToken']({ id: serverId, token: emulator.control.createApiToken(emulator.username) });
    await services.handlers['uploads:retry']({ id: upload.id });
    const sent = await finished(upload.id);
    expect(sent).toMatchObject({ state: 'submitted', passwordState: 'keychain' });
    expect(await services.secrets.get(secretAccounts.jobPassword(emulator.url, sent.jobId!))).toBe(emulator.control.getJob(sent.jobId!)?.password);
  });

  it('stops before uploading when the job limit is reached', async () => {
    await services.handlers['servers:update']({ id: serverId, liveJobLimit: 1 });
    const first = await services.handlers['uploads:start']({
      serverId,
      ...form,
      fileIds: [await vcf('a.vcf.gz')],
      jobName: 'one',
      password: { mode: 'generate' },
    });
    expect((await finished(first.id)).state).toBe('submitted');
    const second = await services.handlers['uploads:start']({
      serverId,
      ...form,
      fileIds: [await vcf('b.vcf.gz')],
      jobName: 'two',
      password: { mode: 'generate' },
    });
    const refused = await finished(second.id);
    expect(refused).toMatchObject({ state: 'failed', bytesSent: 0, error: { code: 'job-limit' } });
    expect(refused.error!.message).toMatch(/nothing was uploaded/i);
  });

  it('says what a 413 means', async () => {
    const upload = await services.handlers['uploads:start']({
      serverId,
      ...form,
      fileIds: [await bigFile(80)],
      jobName: 'too big',
      password: { mode: 'generate' },
    });
    const failed = await finished(upload.id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'too-large' } });
    expect(failed.error!.message).toMatch(/larger than the server accepts/);
  });

  it('reports a connection dropped mid-upload clearly, and does not retry', async () => {
    emulator.control.setFault({ kind: 'drop-upload', afterBytes: 8 * 1024 * 1024, times: 1 });
    const upload = await services.handlers['uploads:start']({
      serverId,
      ...form,
      fileIds: [await bigFile(32)],
      jobName: 'dropped',
      password: { mode: 'generate' },
    });
    const failed = await finished(upload.id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'network' } });
    expect(failed.error!.message).toMatch(/cannot resume/);
    expect(failed.error!.message).toMatch(/closed after .+ of .+ were sent/);
    expect((await services.handlers['jobs:list']({ refresh: true })).jobs).toEqual([]);
  });

  it('cancels half way and leaves no job behind', async () => {
    const upload = await services.handlers['uploads:start']({
      serverId,
      ...form,
      fileIds: [await bigFile(60)],
      jobName: 'canceled',
      password: { mode: 'generate' },
    });
    emulator.control.setFault({ kind: 'delay', ms: 0 });
    for (let i = 0; i < 400; i += 1) {
      const current = (await services.handlers['uploads:list']({}))[0]!;
      if (current.state === 'uploading' && current.bytesSent > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await services.handlers['uploads:cancel']({ id: upload.id });
    expect((await finished(upload.id)).state).toBe('canceled');
    // the emulator made no job of the canceled upload (it had not received the whole body)
    expect(await services.servers.client(serverId).allJobs()).toEqual([]);
  });
});
