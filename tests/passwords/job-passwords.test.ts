// Results passwords are never lost: kept before the upload starts, moved to the job when the
// server answers, shown and asked about where the keychain cannot keep them, said to be lost
// after a restart without a keychain, deleted with their job or server.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import type { EventChannel, UploadView } from '../../electron/ipc/contract';
import { JobPasswords } from '../../electron/services/passwords/job-passwords';
import { KeytarSecretStore } from '../../electron/services/secrets/keytar-store';
import { MemorySecretStore, secretAccounts, type SecretStore } from '../../electron/services/secrets/secret-store';
import { emulatorDemoHost, withEmulator } from '../support/emulators';
import { FakeKeytar } from '../support/fake-keytar';
import { createTestServices, type TestServices } from '../support/services';
import { writeVcfGz } from '../support/vcf-fixtures';
import { until } from '../support/wait';

let emulator: RunningEmulator;
const opened: TestServices[] = [];

beforeEach(async () => {
  emulator = await withEmulator({ speed: 600 });
});

afterEach(async () => {
  for (const services of opened.splice(0)) {
    await services.uploads.idle();
    await services.dispose();
  }
  await emulator.close();
});

const values = { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' };

async function open(secrets?: SecretStore, userDataDir?: string, events?: (channel: EventChannel, payload: unknown) => void) {
  const services = await createTestServices(
    {
      ...(secrets ? { secrets } : {}),
      ...(userDataDir ? { userDataDir } : {}),
      ...(events ? { events: { emit: events } } : {}),
    },
    { demo: emulatorDemoHost({ apiTokenMayDelete: true, maxJobsPerUser: 100 }) },
  );
  opened.push(services);
  return services;
}

async function addServer(services: TestServices): Promise<string> {
  const token = emulator.control.createApiToken(emulator.username);
  return (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token, label: 'Lab' })).id;
}

async function submit(
  services: TestServices,
  serverId: string,
  jobName: string,
  password: { mode: 'generate' } | { mode: 'typed'; value: string } = { mode: 'generate' },
) {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'pw-')), 'chr20.vcf.gz');
  await writeVcfGz(file, { samples: 25, variants: 300 });
  const [chosen] = await services.handlers['files:register']({ paths: [file] });
  const upload = await services.handlers['uploads:start']({
    serverId,
    appId: 'imputationserver2',
    fileIds: [chosen!.id],
    values,
    checked: { check1: true, check2: true },
    jobName,
    password,
  });
  const done = await until(
    async () => (await services.handlers['uploads:list']({})).find((candidate) => candidate.id === upload.id)!,
    (view) => ['submitted', 'failed', 'canceled'].includes(view.state),
  );
  if (done.state !== 'submitted') throw new Error(`the upload ${done.state}: ${done.error?.message}`);
  return done;
}

describe('a results password with a keychain', () => {
  it('is in the keychain under a pending key before a byte is sent, and under the job once the server answers', async () => {
    const keytar = new FakeKeytar();
    const seenWhileUploading: string[][] = [];
    const services = await open(new KeytarSecretStore(keytar, 'test'), undefined, (channel, payload) => {
      if (channel === 'uploads:changed' && (payload as UploadView).state === 'uploading') seenWhileUploading.push(keytar.accounts());
    });
    const serverId = await addServer(services);
    const done = await submit(services, serverId, 'kept');
    expect(done.state).toBe('submitted');

    expect(seenWhileUploading.length).toBeGreaterThan(0);
    expect(seenWhileUploading[0]!.some((account) => account.startsWith(`job-password-pending:${emulator.url}:`))).toBe(true);
    const jobAccount = secretAccounts.jobPassword(emulator.url, done.jobId!);
    expect(keytar.accounts()).toContain(jobAccount);
    expect(keytar.accounts().some((account) => account.startsWith('job-password-pending:'))).toBe(false);
    expect(await services.secrets.get(jobAccount)).toBe(emulator.control.getJob(done.jobId!)?.password);
    expect(done.passwordState).toBe('keychain');
    expect((await services.handlers['jobs:get']({ serverId, jobId: done.jobId! })).password).toEqual({ state: 'keychain', available: true, delivery: null });
    // shown only where the keychain cannot keep it
    await expect(services.handlers['jobs:revealPassword']({ serverId, jobId: done.jobId! })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses typed passwords the server would change, saying why', async () => {
    const services = await open();
    const serverId = await addServer(services);
    for (const [typed, why] of [
      ['0012345678', /number/],
      ['Pa$word1234', /shell/],
      ['a&b<c>d"e', /& < > "/],
    ] as const) {
      await expect(submit(services, serverId, 'typed', { mode: 'typed', value: typed })).rejects.toMatchObject({
        code: 'bad-request',
        message: expect.stringMatching(why),
      });
    }
    expect(await services.servers.client(serverId).allJobs()).toEqual([]);
  });

  it('goes from the keychain when its job is deleted, and all of a server’s when the server is removed', async () => {
    const services = await open();
    const demo = await services.handlers['servers:addDemo']({});
    await services.handlers['servers:update']({ id: demo.id, liveJobLimit: 100 }); // the demo has live jobs of its own
    const demoJob = (await submit(services, demo.id, 'demo job')).jobId!;
    const demoUrl = (await services.handlers['servers:list']({})).find((server) => server.id === demo.id)!.url;
    expect(services.keytar!.accounts()).toContain(secretAccounts.jobPassword(demoUrl, demoJob));
    await services.handlers['jobs:delete']({ serverId: demo.id, jobId: demoJob });
    expect(services.keytar!.accounts()).not.toContain(secretAccounts.jobPassword(demoUrl, demoJob));

    const serverId = await addServer(services);
    const one = (await submit(services, serverId, 'one')).jobId!;
    const two = (await submit(services, serverId, 'two')).jobId!;
    await services.handlers['servers:remove']({ id: serverId });
    expect(services.keytar!.accounts().filter((account) => account.startsWith('job-password'))).toEqual([]);
    expect(services.keytar!.accounts()).not.toContain(secretAccounts.jobPassword(emulator.url, one));
    expect(services.keytar!.accounts()).not.toContain(secretAccounts.jobPassword(emulator.url, two));
  });

  it('of the demo server goes at the next start (each run’s demo server is new)', async () => {
    const keytar = new FakeKeytar();
    const first = await open(new KeytarSecretStore(keytar, 'test'));
    const demo = await first.handlers['servers:addDemo']({});
    await first.handlers['servers:update']({ id: demo.id, liveJobLimit: 100 });
    await submit(first, demo.id, 'demo job');
    expect(keytar.accounts().filter((account) => account.startsWith('job-password:'))).toHaveLength(1);
    await first.uploads.idle();
    await first.close();
    await open(new KeytarSecretStore(keytar, 'test'), first.userDataDir);
    expect(keytar.accounts().filter((account) => account.startsWith('job-password'))).toEqual([]);
  });
});

describe('a results password the keychain cannot keep', () => {
  it('is shown, saved to a file and acknowledged; the job page asks until then', async () => {
    const keytar = new FakeKeytar();
    const store = new KeytarSecretStore(keytar, 'test');
    const services = await open(store);
    const serverId = await addServer(services);
    // The keychain answers reads but refuses to keep anything new (a failing or read-only keychain).
    keytar.setPassword = async () => {
      throw new Error('The keychain refused the item');
    };
    const done = await submit(services, serverId, 'unsaved');
    expect(done).toMatchObject({ state: 'submitted', passwordState: 'unsaved' });
    const ref = { serverId, jobId: done.jobId! };
    expect((await services.handlers['jobs:get'](ref)).password).toMatchObject({ state: 'unsaved', available: true });

    const { password } = await services.handlers['jobs:revealPassword'](ref);
    expect(password).toBe(emulator.control.getJob(done.jobId!)?.password);
    const saved = await services.handlers['jobs:savePassword'](ref);
    expect(await readFile(saved.path!, 'utf8')).toContain(password);
    expect((await stat(saved.path!)).mode & 0o077).toBe(0); // readable by the user only
    expect((await services.handlers['jobs:get'](ref)).password.state).toBe('unsaved'); // saving is not saying so

    expect(await services.handlers['jobs:acknowledgePassword'](ref)).toMatchObject({ state: 'saved-by-you', available: true });
    expect((await services.handlers['jobs:get'](ref)).password.state).toBe('saved-by-you');
    expect(services.logLines.join('\n')).not.toContain(password);
  });

  it('without a keychain: kept for the run, then said plainly to be lost after a restart', async () => {
    const first = await open(new MemorySecretStore());
    const serverId = await addServer(first);
    const done = await submit(first, serverId, 'no keychain');
    expect(done.passwordState).toBe('unsaved');
    await first.close();

    const again = await open(new MemorySecretStore(), first.userDataDir);
    // Memory tokens are gone too: the user pastes one again, and the job says what happened.
    await again.handlers['servers:replaceToken']({ id: serverId, token: emulator.control.createApiToken(emulator.username) });
    const detail = await again.handlers['jobs:get']({ serverId, jobId: done.jobId! });
    expect(detail.password).toEqual({ state: 'lost', available: false, delivery: null });
    await expect(again.handlers['jobs:copyPassword']({ serverId, jobId: done.jobId! })).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('a pending password whose job id never arrived', () => {
  it('is matched to the job by its name and time, once', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'pending-'));
    const keytar = new FakeKeytar();
    let now = 1_000_000;
    const passwords = await JobPasswords.open(dir, new KeytarSecretStore(keytar, 'test'), () => now);
    const server = { id: 's1', url: 'https://imputation.example.org', kind: 'custom' };
    await passwords.holdForUpload({ server, uploadId: 'u1', jobName: 'Smith & Jones', source: 'generated' }, 'Kept-Before-Upload-1');
    now += 60_000;
    // the app stopped before the answer; the server has the job, its name HTML-escaped
    const facts = { id: 'job-1', rawName: 'Smith &amp; Jones', submittedOn: now, delivery: null, summaryPassword: null };
    expect(await passwords.status(server.url, facts)).toMatchObject({ state: 'keychain', available: true });
    expect(await passwords.get(server.url, facts)).toBe('Kept-Before-Upload-1');
    expect(keytar.accounts()).toEqual([secretAccounts.jobPassword(server.url, 'job-1')]);
    // another job of the same name later is not given the same password
    expect(await passwords.status(server.url, { ...facts, id: 'job-2' })).toMatchObject({ state: 'unknown', available: false });
  });
});

describe('the password of a QC check (no zip files)', () => {
  it('is never asked for: not while the app runs without a keychain, not after a restart, not when adopted by name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'zipless-'));
    const server = { id: 's1', url: 'https://imputation.example.org', kind: 'custom' };
    const facts = (id: string, rawName: string) => ({ id, rawName, submittedOn: 1_000_000, delivery: null, summaryPassword: null });
    const first = await JobPasswords.open(dir, new MemorySecretStore(), () => 1_000_000);
    await first.holdForUpload({ server, uploadId: 'u1', jobName: 'cohort (QC check)', source: 'generated', zipless: true }, 'Check-Password-1');
    expect(
      await first.attachToJob({ server, uploadId: 'u1', jobName: 'cohort (QC check)', source: 'generated', zipless: true }, 'job-1', 'Check-Password-1'),
    ).toEqual({
      state: 'not-needed',
      available: true,
      delivery: null,
    });
    // a check whose job id never arrived is matched by name later, and stays zipless
    await first.holdForUpload({ server, uploadId: 'u2', jobName: 'other (QC check)', source: 'generated', zipless: true }, 'Check-Password-2');
    expect(await first.status(server.url, facts('job-2', 'other (QC check)'))).toMatchObject({ state: 'not-needed', available: true });
    // an imputation job in the same run is asked about as before
    await first.holdForUpload({ server, uploadId: 'u3', jobName: 'cohort', source: 'generated' }, 'Impute-Password-3');
    expect((await first.attachToJob({ server, uploadId: 'u3', jobName: 'cohort', source: 'generated' }, 'job-3', 'Impute-Password-3')).state).toBe('unsaved');
    await first.flush();

    // after a restart without a keychain the check's password is gone, and that is fine
    const again = await JobPasswords.open(dir, new MemorySecretStore(), () => 2_000_000);
    expect(await again.status(server.url, facts('job-1', 'cohort (QC check)'))).toEqual({ state: 'not-needed', available: false, delivery: null });
    expect((await again.status(server.url, facts('job-3', 'cohort'))).state).toBe('lost');
  });
});
