import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../electron/emulator/index';
import { invokeChannelNames, invokeChannels, type Envelope, type InvokeChannel, type RequestOf } from '../../electron/ipc/contract';
import { registerIpc } from '../../electron/ipc/register';
import { createApi, type Transport } from '../../electron/preload/api';
import { emulatorDemoHost, withEmulator } from '../support/emulators';
import { createTestServices, type TestServices } from '../support/services';

type Sender = { origin: string };
type Listener = (sender: Sender, payload: unknown) => Promise<unknown>;

/** An ipcMain stand-in that records registrations and can be invoked like the renderer would. */
class FakeIpc {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  invoke(channel: string, payload: unknown, sender: Sender = { origin: 'app://bundle' }): Promise<Envelope<unknown>> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener(sender, payload) as Promise<Envelope<unknown>>;
  }
}

const trusted = (sender: Sender) => sender.origin === 'app://bundle';

let services: TestServices;
let ipc: FakeIpc;
let vcfPath: string;
let emulator: RunningEmulator;
let serverId: string;

beforeAll(async () => {
  emulator = await withEmulator();
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  services = await createTestServices({}, { demo: emulatorDemoHost() });
  const second = emulator.control.addUser({ username: `contract${Date.now()}${Math.random()}`.replace('.', '') });
  serverId = (await services.handlers['servers:add']({ kind: 'custom', url: emulator.url, token: second.token, label: 'Second' })).id;
  ipc = new FakeIpc();
  registerIpc(ipc, services.handlers, trusted, { validateAnswers: true });
  vcfPath = path.join(services.userDataDir, 'chr20 sample.vcf.gz');
  await writeFile(vcfPath, 'not really a vcf');
});

afterEach(async () => {
  await services.dispose();
});

/** A valid request for every channel: adding a channel without a sample here fails to compile. */
function samples(): { [C in InvokeChannel]: RequestOf<C> } {
  return {
    'app:info': {},
    'app:notices': {},
    'servers:list': {},
    // A second entry for the same server is refused: the answer is a typed error envelope.
    'servers:add': { kind: 'custom', url: emulator.url, token: emulator.token },
    'servers:addDemo': {},
    'servers:replaceToken': { id: serverId, token: emulator.control.createApiToken(emulator.username) },
    'servers:signOut': { id: serverId },
    'servers:remove': { id: 'no-such-server' },
    'servers:refresh': { id: serverId },
    'jobs:list': { refresh: true },
    'jobs:get': { serverId, jobId: 'job-20990101-000000-000' },
    'jobs:cancel': { serverId, jobId: 'job-20990101-000000-000' },
    'jobs:restart': { serverId, jobId: 'job-20990101-000000-000' },
    'jobs:delete': { serverId, jobId: 'job-20990101-000000-000' },
    'servers:update': { id: serverId, liveJobLimit: 2 },
    'servers:setDownloadDir': { id: serverId, downloadDir: services.userDataDir },
    'servers:chooseDownloadDir': { id: serverId },
    'newJob:form': { serverId },
    'uploads:start': { serverId, appId: 'imputationserver2', fileIds: ['unknown-file'], values: {}, checked: {}, jobName: 'x', password: { mode: 'generate' } },
    'uploads:list': {},
    'preflight:check': { checkId: 'c1', serverId, fileIds: ['unknown-file'], values: {} },
    'preflight:cancel': { checkId: 'c1' },
    'uploads:cancel': { id: 'no-such-upload' },
    'uploads:retry': { id: 'no-such-upload' },
    'uploads:dismiss': { id: 'no-such-upload' },
    'jobs:copyPassword': { serverId, jobId: 'job-20990101-000000-000' },
    'jobs:revealPassword': { serverId, jobId: 'job-20990101-000000-000' },
    'jobs:savePassword': { serverId, jobId: 'job-20990101-000000-000' },
    'jobs:acknowledgePassword': { serverId, jobId: 'job-20990101-000000-000' },
    'downloads:start': { serverId, jobId: 'job-20990101-000000-000' },
    'downloads:list': {},
    'downloads:cancelWaiting': { serverId, jobId: 'job-20990101-000000-000' },
    'downloads:pause': { id: 'none' },
    'downloads:resume': { id: 'none' },
    'downloads:cancel': { id: 'none' },
    'downloads:remove': { id: 'none' },
    'downloads:showInFolder': { id: 'none' },
    'downloads:extract': { serverId, jobId: 'job-20990101-000000-000' },
    'settings:get': {},
    'settings:update': { pollIntervalSeconds: 30 },
    'files:listDir': { path: services.userDataDir },
    'files:openDialog': {},
    'files:register': { paths: [vcfPath] },
    'files:registerDropped': { paths: [vcfPath] },
    'shell:openExternal': { url: 'https://imputationserver.sph.umich.edu/' },
    'qc:inspect': { serverId, fileIds: ['unknown-file'] },
    'qc:start': {
      serverId,
      appId: 'imputationserver2',
      fileIds: ['unknown-file'],
      values: {},
      checked: {},
      jobName: 'x',
      password: { mode: 'generate' },
      check: true,
      slim: false,
    },
    'qc:list': {},
    'qc:impute': { id: 'no-such-check', options: { alleles: true, dropMismatches: true, dropAmbiguous: true, slim: false }, keepCopies: false },
    'qc:retry': { id: 'no-such-check' },
    'qc:cancel': { id: 'no-such-check' },
    'qc:keepCopies': { id: 'no-such-check', keep: true },
    'qc:dismiss': { id: 'no-such-check' },
    'results:overview': { serverId, jobId: 'job-20990101-000000-000' },
    'results:summarize': { serverId, jobId: 'job-20990101-000000-000', operationId: 'q1' },
    'results:qc': { serverId, jobId: 'job-20990101-000000-000' },
    'results:exportPlan': { serverId, jobId: 'job-20990101-000000-000', minR2: 0.3, minMaf: 0, chromosomes: ['20'], concatenate: false },
    'results:export': { serverId, jobId: 'job-20990101-000000-000', minR2: 0.3, minMaf: 0, chromosomes: ['20'], concatenate: false, operationId: 'e1' },
    'results:methods': { serverId, jobId: 'job-20990101-000000-000', operationId: 'm1' },
    'results:downloadCommands': { serverId, jobId: 'job-20990101-000000-000' },
    'results:saveChart': { serverId, jobId: 'job-20990101-000000-000', name: 'r2-histogram', format: 'csv', data: 'bin,count\n' },
    'results:cancel': { operationId: 'none' },
  };
}

describe('IPC contract', () => {
  it('registers exactly one handler for every invoke channel', () => {
    expect([...ipc.listeners.keys()].sort()).toEqual([...invokeChannelNames].sort());
    expect(Object.keys(services.handlers).sort()).toEqual([...invokeChannelNames].sort());
  });

  it('answers a malformed payload with a typed invalid-request error, for every channel that takes fields', async () => {
    for (const channel of invokeChannelNames) {
      const answer = await ipc.invoke(channel, { unexpected: 42, path: 7, paths: 'x', url: 3 });
      expect(answer.ok, channel).toBe(false);
      if (!answer.ok) {
        expect(answer.error.code, channel).toBe('invalid-request');
        expect(answer.error.message).toContain(channel);
      }
    }
    const notAnObject = await ipc.invoke('files:register', 'just a string');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });

  it('refuses a foreign sender before any handler runs', async () => {
    for (const channel of invokeChannelNames) {
      const answer = await ipc.invoke(channel, samples()[channel], { origin: 'https://evil.example' });
      expect(answer, channel).toEqual({ ok: false, error: { code: 'forbidden-sender', message: expect.any(String) } });
    }
    expect(services.opened).toEqual([]);
  });

  it('gives every response in a form that survives a JSON round trip', async () => {
    const all = samples();
    for (const channel of invokeChannelNames) {
      const answer = await ipc.invoke(channel, all[channel]);
      expect(JSON.parse(JSON.stringify(answer)), channel).toEqual(answer);
      if (answer.ok) {
        // and it matches the declared response schema
        expect(invokeChannels[channel].response.safeParse(answer.value).success, channel).toBe(true);
      } else {
        expect(typeof answer.error.message, channel).toBe('string');
      }
    }
  });

  it('turns an unexpected exception into a generic internal error without details', async () => {
    const failing = new FakeIpc();
    const errors: string[] = [];
    registerIpc(
      failing,
      {
        ...services.handlers,
        'servers:list': () => {
          throw new Error('secret detail /home/x');
        },
      },
      trusted,
      { onUnexpectedError: (channel) => errors.push(channel) },
    );
    const answer = await failing.invoke('servers:list', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(answer)).not.toContain('secret detail');
    expect(errors).toEqual(['servers:list']);
  });
});

describe('window.api', () => {
  const transportOver = (fake: FakeIpc): Transport => ({
    invoke: (channel, payload) => fake.invoke(channel, payload),
    on: () => () => {},
  });

  it('exposes exactly the approved keys', () => {
    const api = createApi(transportOver(ipc));
    expect(Object.keys(api).sort()).toEqual([
      'app',
      'downloads',
      'files',
      'jobs',
      'newJob',
      'on',
      'preflight',
      'qc',
      'registerDroppedFiles',
      'results',
      'servers',
      'settings',
      'shell',
      'uploads',
    ]);
    expect(Object.keys(api.jobs).sort()).toEqual([
      'acknowledgePassword',
      'cancel',
      'copyPassword',
      'delete',
      'get',
      'list',
      'restart',
      'revealPassword',
      'savePassword',
    ]);
    expect(Object.keys(api.uploads).sort()).toEqual(['cancel', 'dismiss', 'list', 'retry', 'start']);
    expect(Object.keys(api.servers).sort()).toEqual([
      'add',
      'addDemo',
      'chooseDownloadDir',
      'list',
      'refresh',
      'remove',
      'replaceToken',
      'setDownloadDir',
      'signOut',
      'update',
    ]);
    expect(Object.keys(api.files).sort()).toEqual(['listDir', 'openDialog', 'register']);
    expect(Object.keys(api.qc).sort()).toEqual(['cancel', 'dismiss', 'impute', 'inspect', 'keepCopies', 'list', 'retry', 'start']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('resolves values and rejects with a typed ApiError', async () => {
    const api = createApi(transportOver(ipc));
    await expect(api.app.info()).resolves.toMatchObject({ mode: 'web', fileChooser: 'in-app' });
    await expect(api.shell.openExternal({ url: 'http://imputationserver.sph.umich.edu/' })).rejects.toMatchObject({
      name: 'ApiError',
      code: 'forbidden',
    });
    const [file] = await api.files.register({ paths: [vcfPath] });
    expect(file).toEqual({ id: expect.any(String), name: 'chr20 sample.vcf.gz', size: 16, mtimeMs: expect.any(Number) });
    expect(JSON.stringify(file)).not.toContain(services.userDataDir); // the renderer gets an id, not the path
  });

  it('refuses dropped files where no path resolver exists (browser preview)', async () => {
    const api = createApi(transportOver(ipc));
    await expect(api.registerDroppedFiles([{}])).rejects.toMatchObject({ code: 'unavailable' });
    const electronLike = createApi(transportOver(ipc), { pathForDroppedFile: () => vcfPath });
    await expect(electronLike.registerDroppedFiles([{}])).resolves.toHaveLength(1);
  });
});
