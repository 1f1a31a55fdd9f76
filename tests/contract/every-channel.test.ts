// Every invoke channel answers ok at least once, in a session a user could have (servers, a job
// submitted, downloaded and unpacked, the password saved), with every answer checked against its
// schema by registerIpc. A channel that only ever answers errors here would hide a broken answer.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { invokeChannelNames, type Envelope, type InvokeChannel, type RequestOf, type ResponseOf } from '../../electron/ipc/contract';
import { registerIpc } from '../../electron/ipc/register';
import { emulatorDemoHost, withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';
import { writePanelCohort } from '../support/panel-fixtures';
import { writeVcfGz } from '../support/vcf-fixtures';
import { until } from '../support/wait';

type Listener = (sender: null, payload: unknown) => Promise<unknown>;

let emulator: RunningEmulator;
let services: TestServices;
const listeners = new Map<string, Listener>();
const answeredOk = new Set<InvokeChannel>();
const unexpected: string[] = [];
const clipboard: string[] = [];

/** Calls a channel as the window would and expects an ok answer. */
async function ok<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const answer = (await listeners.get(channel)!(null, request)) as Envelope<ResponseOf<C>>;
  if (!answer.ok) throw new Error(`${channel} answered ${answer.error.code}: ${answer.error.message}`);
  answeredOk.add(channel);
  return answer.value;
}

beforeAll(async () => {
  emulator = await withEmulator({ speed: 2000 });
  services = await createTestServices(
    {
      fileDialog: { chooseFiles: async () => [] },
      clipboard: { writeText: (text) => void clipboard.push(text), readText: () => clipboard.at(-1) ?? '' },
      showInFolder: () => undefined,
      folderDialog: { chooseFolder: async ({ defaultPath }) => `${defaultPath}-chosen` },
    },
    { demo: emulatorDemoHost({ apiTokenMayDelete: true }) },
  );
  registerIpc({ handle: (channel, listener) => void listeners.set(channel, listener as Listener) }, services.handlers, () => true, {
    validateAnswers: true,
    onUnexpectedError: (channel, error) => unexpected.push(`${channel}: ${String(error)}`),
  });
});

afterAll(async () => {
  await services.dispose();
  await emulator.close();
});

describe('every channel', () => {
  it('answers ok at least once in a real session, and every answer fits its schema', async () => {
    await ok('app:info', {});
    await ok('app:notices', {});
    await ok('settings:get', {});
    await ok('settings:update', { pollIntervalSeconds: 30 });

    const server = await ok('servers:add', { kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab' });
    const serverId = server.id;
    await ok('servers:list', {});
    await ok('servers:refresh', { id: serverId });
    await ok('servers:update', { id: serverId, liveJobLimit: 3 });
    await ok('servers:setDownloadDir', { id: serverId, downloadDir: path.join(services.userDataDir, 'Results') });
    expect((await ok('servers:chooseDownloadDir', { id: serverId })).server.downloadDir).toBe(path.join(services.userDataDir, 'Results-chosen'));
    await ok('servers:replaceToken', { id: serverId, token: emulator.control.createApiToken(emulator.username) });

    // files
    const vcf = path.join(services.userDataDir, 'chr20.vcf.gz');
    await writeVcfGz(vcf, { samples: 25, variants: 300 });
    await writeFile(path.join(services.userDataDir, 'notes.txt'), 'x');
    await ok('files:listDir', { path: services.userDataDir });
    await ok('files:openDialog', {});
    const [file] = await ok('files:register', { paths: [vcf] });
    await ok('files:registerDropped', { paths: [vcf] });
    await ok('shell:openExternal', { url: 'https://imputationserver.sph.umich.edu/' });

    // a new job: form, pre-flight, upload
    const form = await ok('newJob:form', { serverId });
    expect(form.blocker).toBeNull();
    const values = { refpanel: 'apps@1000g-phase-3-v5@2.0.0', population: 'eur', build: 'hg19', phasing: 'eagle', mode: 'imputation', r2Filter: '0' };
    const report = await ok('preflight:check', { checkId: 'c1', serverId, fileIds: [file!.id], values });
    expect(report.ok).toBe(true);
    await ok('preflight:cancel', { checkId: 'c1' });
    const upload = await ok('uploads:start', {
      serverId,
      appId: 'imputationserver2',
      fileIds: [file!.id],
      values,
      checked: { check1: true, check2: true },
      jobName: 'contract',
      password: { mode: 'generate' },
    });
    const submitted = await until(
      async () => (await ok('uploads:list', {})).find((candidate) => candidate.id === upload.id)!,
      (view) => view.state === 'submitted' || view.state === 'failed',
    );
    expect(submitted.state).toBe('submitted');
    const jobId = submitted.jobId!;

    // a second upload refused while the server is in maintenance: Submit again, then Dismiss
    emulator.control.setMaintenance(true, 'Back soon.');
    const refused = await ok('uploads:start', {
      serverId,
      appId: 'imputationserver2',
      fileIds: [file!.id],
      values,
      checked: { check1: true, check2: true },
      jobName: 'later',
      password: { mode: 'generate' },
    });
    await until(
      async () => (await ok('uploads:list', {})).find((candidate) => candidate.id === refused.id)!,
      (view) => view.state === 'failed',
    );
    await ok('uploads:retry', { id: refused.id });
    await until(
      async () => (await ok('uploads:list', {})).find((candidate) => candidate.id === refused.id)!,
      (view) => view.state === 'failed',
    );
    emulator.control.setMaintenance(false);
    await ok('uploads:dismiss', { id: refused.id });
    // one held while offline, canceled before it starts
    services.uploads.setOnline(false);
    const held = await ok('uploads:start', {
      serverId,
      appId: 'imputationserver2',
      fileIds: [file!.id],
      values,
      checked: { check1: true, check2: true },
      jobName: 'held',
      password: { mode: 'generate' },
    });
    expect((await ok('uploads:cancel', { id: held.id })).state).toBe('canceled');
    services.uploads.setOnline(true);

    // the job, to success
    await until(
      () => ok('jobs:get', { serverId, jobId }),
      (job) => job.state === 4,
    );
    await ok('jobs:list', { refresh: true });
    await ok('jobs:copyPassword', { serverId, jobId });
    expect(clipboard).toHaveLength(1);

    // downloads, extraction
    const { items } = await ok('downloads:start', { serverId, jobId });
    await until(
      async () => (await ok('downloads:list', {})).items,
      (list) => list.length === items.length && list.every((item) => item.state === 'completed'),
    );
    await ok('downloads:extract', { serverId, jobId });
    // results insight on the unpacked files
    await ok('results:overview', { serverId, jobId });
    await ok('results:summarize', { serverId, jobId, operationId: 'q1' });
    await ok('results:qc', { serverId, jobId });
    const exportOptions = { serverId, jobId, minR2: 0.3, minMaf: 0, chromosomes: ['20'], concatenate: false };
    await ok('results:exportPlan', exportOptions);
    await ok('results:export', { ...exportOptions, operationId: 'e1' });
    await ok('results:methods', { serverId, jobId, operationId: 'm1' });
    await ok('results:downloadCommands', { serverId, jobId });
    await ok('results:saveChart', { serverId, jobId, name: 'r2-histogram', format: 'csv', data: 'bin,count\n0,1\n' });
    await ok('results:cancel', { operationId: 'none' });
    await ok('downloads:showInFolder', { id: items[0]!.id });
    await ok('downloads:pause', { id: items[0]!.id });
    await ok('downloads:resume', { id: items[0]!.id });
    await ok('downloads:cancel', { id: items[0]!.id });
    await ok('downloads:remove', { id: items[0]!.id });
    await ok('downloads:cancelWaiting', { serverId, jobId });

    // check against the panel (QC-only job), then fix and impute
    const cohortPath = path.join(services.userDataDir, 'cohort', 'chr20.vcf.gz');
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(cohortPath), { recursive: true }));
    await writePanelCohort(cohortPath, { samples: 25, matches: 300, inject: { alleleSwitches: 110 } });
    const [cohort] = await ok('files:register', { paths: [cohortPath] });
    expect((await ok('qc:inspect', { serverId, fileIds: [cohort!.id] })).qcMode?.value).toBe('qc_only');
    const check = await ok('qc:start', {
      serverId,
      appId: 'imputationserver2',
      fileIds: [cohort!.id],
      values,
      checked: { check1: true, check2: true },
      jobName: 'checked',
      password: { mode: 'generate' },
      check: true,
      slim: true,
    });
    // reading the QC job is what the watcher does; here the test reads it
    const reportOf = async () => {
      const run = (await ok('qc:list', {})).find((candidate) => candidate.id === check.id)!;
      if (run.phase === 'check-running') await ok('jobs:get', { serverId, jobId: run.checkJob!.jobId });
      return run;
    };
    await until(reportOf, (run) => run.phase === 'report');
    await ok('qc:retry', { id: check.id });
    await until(reportOf, (run) => run.phase === 'report');
    await ok('qc:impute', { id: check.id, options: { alleles: true, dropMismatches: true, dropAmbiguous: true, slim: true }, keepCopies: false });
    await until(reportOf, (run) => run.phase === 'submitted');
    await ok('qc:keepCopies', { id: check.id, keep: true });
    await ok('qc:cancel', { id: check.id });
    await ok('qc:dismiss', { id: check.id });

    // live and dead jobs: cancel, restart
    const [running, dead] = emulator.control.seedJobs(2, { user: emulator.username, states: [2, -1] });
    await ok('jobs:cancel', { serverId, jobId: running! });
    await ok('jobs:restart', { serverId, jobId: dead! });

    // a computer without a keychain: the password is shown, saved and acknowledged
    const bare = await createTestServices({ secrets: new (await import('../../electron/services/secrets/secret-store')).MemorySecretStore() });
    const bareListeners = new Map<string, Listener>();
    registerIpc({ handle: (channel, listener) => void bareListeners.set(channel, listener as Listener) }, bare.handlers, () => true, { validateAnswers: true });
    const call = async <C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> => {
      const answer = (await bareListeners.get(channel)!(null, request)) as Envelope<ResponseOf<C>>;
      if (!answer.ok) throw new Error(`${channel} answered ${answer.error.code}: ${answer.error.message}`);
      answeredOk.add(channel);
      return answer.value;
    };
    const bareServer = await call('servers:add', { kind: 'custom', url: emulator.url, token: emulator.control.createApiToken(emulator.username) });
    const [bareFile] = await call('files:register', { paths: [vcf] });
    const bareUpload = await call('uploads:start', {
      serverId: bareServer.id,
      appId: 'imputationserver2',
      fileIds: [bareFile!.id],
      values,
      checked: { check1: true, check2: true },
      jobName: 'no keychain',
      password: { mode: 'generate' },
    });
    const bareJob = (
      await until(
        async () => (await call('uploads:list', {})).find((candidate) => candidate.id === bareUpload.id)!,
        (view) => view.state === 'submitted',
      )
    ).jobId!;
    expect((await call('jobs:get', { serverId: bareServer.id, jobId: bareJob })).password.state).toBe('unsaved');
    expect((await call('jobs:revealPassword', { serverId: bareServer.id, jobId: bareJob })).password).toHaveLength(24);
    expect((await call('jobs:savePassword', { serverId: bareServer.id, jobId: bareJob })).path).toMatch(/results-password\.txt$/);
    expect((await call('jobs:acknowledgePassword', { serverId: bareServer.id, jobId: bareJob })).state).toBe('saved-by-you');
    await bare.dispose();

    // the demo server lets its token delete a job
    const demo = await ok('servers:addDemo', {});
    const demoJobs = await until(
      async () => (await ok('jobs:list', { serverId: demo.id, refresh: true })).jobs,
      (jobs) => jobs.some((job) => job.state === 4),
    );
    await ok('jobs:delete', { serverId: demo.id, jobId: demoJobs.find((job) => job.state === 4)!.id });

    await ok('servers:signOut', { id: serverId });
    await ok('servers:remove', { id: demo.id });

    expect(unexpected).toEqual([]);
    expect([...invokeChannelNames].filter((channel) => !answeredOk.has(channel))).toEqual([]);
  });
});
