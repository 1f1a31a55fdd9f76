// The desktop glue, run for real: the bundled main process and preload against a typed fake of
// Electron's native layer, the real services behind them and an emulator over real HTTP.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import type { RunningEmulator } from '../../electron/emulator/index';
import { invokeChannels, type Envelope, type InvokeChannel } from '../../electron/ipc/contract';
import { preloadOnlyChannels, surfaceChannels } from '../../electron/ipc/surface';
import { CONTENT_SECURITY_POLICY } from '../../electron/services/security/csp';
import { withEmulator } from '../support/emulators';
import { until } from '../support/wait';
import { fakeEvent, FakeWebContents } from './fake-electron';
import { bundleApp, removeBundle, startMain, type RunningMain } from './harness';

const NETWORK_POLL_MS = 5000; // electron/services/network-events.ts

let emulator: RunningEmulator;
let run: RunningMain;

beforeAll(async () => {
  await bundleApp();
  emulator = await withEmulator({ speed: 1 });
});

afterAll(async () => {
  await emulator.close();
  await removeBundle();
});

/** The string fields of a request schema whose names say they carry a local path. */
function pathFields(channel: InvokeChannel): string[] {
  const found: string[] = [];
  const walk = (schema: z.ZodType, at: string) => {
    const def = (schema as unknown as { def: { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType; innerType?: z.ZodType } }).def;
    if (def.type === 'object') for (const [key, child] of Object.entries(def.shape ?? {})) walk(child, at ? `${at}.${key}` : key);
    else if (def.type === 'array' && def.element) walk(def.element, at);
    else if ((def.type === 'optional' || def.type === 'nullable' || def.type === 'default') && def.innerType) walk(def.innerType, at);
    else if (def.type === 'string' && /path|dir|folder/i.test(at)) found.push(at);
  };
  walk(invokeChannels[channel].request as z.ZodType, '');
  return found;
}

describe('the desktop app, started', () => {
  beforeAll(async () => {
    // The network probe and the job watcher tick on intervals: the tests drive them.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    run = await startMain();
    run.fake.app.emitReady();
    await run.whenShown();
  });

  afterAll(async () => {
    await run.stop();
    vi.useRealTimers();
  });

  it('hardens the process before ready and opens one sandboxed window on the app', () => {
    const { fake } = run;
    expect(fake.app.sandboxEnabled).toBe(true);
    expect(fake.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fake.windows).toHaveLength(1);
    const [window] = fake.windows;
    expect(window!.loadedUrl).toBe('app://bundle/index.html');
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      devTools: true, // run from source
    });
    expect(window!.options.webPreferences!.preload).toBe(path.join(run.bundleDir, 'preload', 'index.cjs'));
    expect(existsSync(window!.options.webPreferences!.preload!)).toBe(true);
    expect(window!.options.show).toBe(false); // shown on ready-to-show, without a white flash
    expect(window!.visible).toBe(true);
  });

  it('denies every permission the page asks for', () => {
    const { request, check } = run.fake.permissionHandlers;
    for (const permission of ['media', 'notifications', 'geolocation', 'openExternal', 'clipboard-read'] as const) {
      let granted: boolean | null = null;
      request!({} as never, permission, (answer) => (granted = answer), {} as never);
      expect(granted, permission).toBe(false);
      expect(check!({} as never, permission, 'app://bundle', {} as never), permission).toBe(false);
    }
  });

  it('registers every channel of the desktop surface once, each guarded, and logs a refused sender once', async () => {
    const { fake } = run;
    expect([...fake.handlers.keys()].sort()).toEqual(surfaceChannels('desktop').sort());
    const window = fake.windows[0]!;
    const foreign = new FakeWebContents();
    foreign.mainFrame.url = 'https://evil.example/page';
    const appSubframe = { url: 'app://bundle/index.html' };
    for (const channel of fake.handlers.keys()) {
      for (const from of [
        { sender: foreign, frame: foreign.mainFrame },
        { sender: window.webContents, frame: appSubframe },
        { sender: window.webContents, frame: null },
      ]) {
        const answer = (await fake.invoke(channel, {}, from)) as Envelope<unknown>;
        expect(answer, `${channel} from ${from.frame?.url ?? 'no frame'}`).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
      }
    }
    const refusals = run.warnings.filter((line) => line.startsWith('Refused an IPC call'));
    expect(refusals).toHaveLength(3); // one per sender, not one per call
    expect(refusals.join('\n')).toContain('https://evil.example');
    expect(refusals.join('\n')).not.toContain('/page');
    const fromApp = (await fake.invoke('app:info', {}, { sender: window.webContents, frame: window.webContents.mainFrame })) as Envelope<{ mode: string }>;
    expect(fromApp).toMatchObject({ ok: true, value: { mode: 'electron', fileChooser: 'native' } });
  });

  it('gives the page no channel and no method that takes a local path', async () => {
    const desktop = surfaceChannels('desktop');
    const withPaths = desktop.filter((channel) => pathFields(channel).length > 0);
    // The one exception carries paths preload resolved from a drop; the page cannot call it.
    expect(withPaths).toEqual([...preloadOnlyChannels]);
    for (const channel of ['files:listDir', 'files:register', 'servers:setDownloadDir'] as const) {
      expect(pathFields(channel).length, channel).toBeGreaterThan(0); // the walk finds them where they are
      expect(desktop).not.toContain(channel);
    }

    const api = run.api() as unknown as Record<string, Record<string, unknown>>;
    const methods = Object.entries(api).flatMap(([ns, value]) => (typeof value === 'function' ? [ns] : Object.keys(value).map((name) => `${ns}:${name}`)));
    const exposedChannels = methods.filter((name) => name.includes(':'));
    expect(exposedChannels.sort()).toEqual(desktop.filter((channel) => !(preloadOnlyChannels as readonly string[]).includes(channel)).sort());
    expect(methods).toContain('registerDroppedFiles');
  });

  it('registers a dropped file only when it came from disk, through preload, by id', async () => {
    const { fake } = run;
    const api = run.api();
    const vcf = path.join(run.userDataDir, 'chr20.vcf.gz');
    await writeFile(vcf, 'not really a vcf');
    await expect(api.registerDroppedFiles(['/etc/passwd', { path: '/etc/passwd' }, new File(['x'], 'made-up.vcf.gz')])).rejects.toMatchObject({
      code: 'file-refused',
    });
    const [chosen] = await api.registerDroppedFiles([fake.diskFile(vcf, 'chr20.vcf.gz')]);
    expect(chosen).toEqual({ id: expect.any(String), name: 'chr20.vcf.gz', size: 16, mtimeMs: expect.any(Number) });
    expect(JSON.stringify(chosen)).not.toContain(run.userDataDir);
  });

  it('chooses files and the results folder with native dialogs in main, parented to the window', async () => {
    const { fake } = run;
    const api = run.api();
    const vcf = path.join(run.userDataDir, 'chr21.vcf.gz');
    await writeFile(vcf, 'x');
    fake.dialogAnswers.push([vcf]);
    expect(await api.files.openDialog({ title: 'Choose VCF files' })).toEqual([expect.objectContaining({ name: 'chr21.vcf.gz' })]);
    expect(fake.dialogCalls.at(-1)).toMatchObject({ kind: 'open', parent: true, options: { properties: ['openFile', 'multiSelections'] } });

    const server = await api.servers.add({ kind: 'custom', url: emulator.url, token: emulator.token, label: 'Lab <A&B>' });
    const folder = path.join(run.userDataDir, 'Results');
    await mkdir(folder);
    fake.dialogAnswers.push(null); // canceled
    expect(await api.servers.chooseDownloadDir({ id: server.id })).toMatchObject({ changed: false, server: { downloadDir: server.downloadDir } });
    fake.dialogAnswers.push([folder]);
    expect(await api.servers.chooseDownloadDir({ id: server.id })).toMatchObject({ changed: true, server: { downloadDir: folder } });
    expect(fake.dialogCalls.at(-1)).toMatchObject({
      kind: 'open',
      options: { defaultPath: server.downloadDir, properties: ['openDirectory', 'createDirectory'] },
    });
  });

  it('serves the renderer from app://bundle with the CSP, and nothing outside it', async () => {
    const handler = run.fake.protocolHandlers.get('app')!;
    const get = async (url: string, method = 'GET') => (await handler(new Request(url, { method }))) as Response;
    const page = await get('app://bundle/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Imputation Desktop</title>');
    expect((await get('app://bundle/')).status).toBe(200);
    expect((await get('app://bundle/assets/app.js')).status).toBe(200);
    for (const url of [
      'app://bundle/..%2fsecret.txt',
      'app://bundle/assets/..%2f..%2fsecret.txt',
      'app://bundle/%2e%2e/secret.txt',
      'app://other/index.html',
    ]) {
      const answer = await get(url);
      expect(answer.status, url).toBe(404);
      expect(await answer.text()).not.toContain('outside the renderer folder');
    }
    expect((await get('app://bundle/%E0%A4%A')).status).toBe(400);
    expect((await get('app://bundle/index.html%00.js')).status).toBe(400);
    expect((await get('app://bundle/index.html', 'POST')).status).toBe(404);
    expect((await get('app://bundle/missing.js')).status).toBe(404);
  });

  it('keeps every web contents on the app: no navigation away, no new windows, no webviews', async () => {
    const { fake } = run;
    const contents = fake.windows[0]!.webContents;
    const later = new FakeWebContents(); // anything created later is guarded the same way
    fake.app.emit('web-contents-created', fakeEvent(), later);
    for (const target of [contents, later]) {
      for (const event of ['will-navigate', 'will-redirect'] as const) {
        const away = fakeEvent();
        target.emit(event, away, 'https://evil.example/');
        expect(away.defaultPrevented, event).toBe(true);
        const file = fakeEvent();
        target.emit(event, file, 'file:///etc/passwd');
        expect(file.defaultPrevented, event).toBe(true);
        const inside = fakeEvent();
        target.emit(event, inside, 'app://bundle/index.html#/jobs');
        expect(inside.defaultPrevented, event).toBe(false);
      }
      const webview = fakeEvent();
      target.emit('will-attach-webview', webview, {}, {});
      expect(webview.defaultPrevented).toBe(true);
      const open = (url: string) => target.openHandler!({ url } as Parameters<NonNullable<FakeWebContents['openHandler']>>[0]);
      expect(open('https://imputationserver.sph.umich.edu/index.html#!pages/jobs')).toEqual({ action: 'deny' });
      expect(open('https://evil.example/')).toEqual({ action: 'deny' });
      expect(open('http://imputationserver.sph.umich.edu/')).toEqual({ action: 'deny' });
    }
    await until(
      () => fake.opened,
      (opened) => opened.length === 2,
    );
    expect(fake.opened).toEqual([
      'https://imputationserver.sph.umich.edu/index.html#!pages/jobs',
      'https://imputationserver.sph.umich.edu/index.html#!pages/jobs',
    ]);
    // the allowlist is checked again in main, whoever asks: the page's own request goes through it too
    await expect(run.api().shell.openExternal({ url: 'https://topmedimpute.readthedocs.io/' })).resolves.toEqual({ opened: true });
    await expect(run.api().shell.openExternal({ url: 'https://evil.example/' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(fake.opened.at(-1)).toBe('https://topmedimpute.readthedocs.io/');
  });

  it('routes a notification click to the job, with markup in the text shown as typed on Linux', async () => {
    const { fake } = run;
    const api = run.api();
    const server = (await api.servers.list()).find((candidate) => candidate.label === 'Lab <A&B>')!;
    const [running] = emulator.control.seedJobs(3, { user: emulator.username, states: [2, 2, 1] });
    await api.jobs.list({ refresh: true });
    await api.jobs.cancel({ serverId: server.id, jobId: running! });
    const notification = await until(
      () => fake.notifications.find((candidate) => candidate.title.includes('canceled')),
      (found) => found !== undefined,
    );
    expect(notification!.shown).toBe(true);
    expect(notification!.body).toBe(process.platform === 'linux' ? 'On Lab &lt;A&amp;B&gt;.' : 'On Lab <A&B>.');
    const window = fake.windows[0]!;
    window.minimize();
    notification!.emit('click');
    expect(window.isMinimized()).toBe(false);
    expect(window.webContents.sent.filter((message) => message.channel === 'app:navigate').at(-1)).toEqual({
      channel: 'app:navigate',
      payload: { route: 'jobs', param: `${server.id}/${running}` },
    });
  });

  it('watches from the tray with the window closed; the count follows live jobs; sleep and wake reach the watcher', async () => {
    const { fake } = run;
    const live = (await run.api().jobs.list({})).jobs.filter((job) => [1, 2, 3].includes(job.state)).length;
    expect(live).toBe(2);
    fake.windows[0]!.close();
    expect(fake.trays).toHaveLength(1);
    expect(fake.trays[0]!.tooltip).toBe('Imputation Desktop: 2 jobs waiting or running');
    expect(fake.app.quitted).toBe(false);

    // A new job on the server: the watcher would see it at its next list; waking from sleep makes that now.
    emulator.control.seedJobs(1, { user: emulator.username, states: [2] });
    fake.powerMonitor.emit('suspend');
    fake.powerMonitor.emit('resume');
    await until(
      () => fake.trays[0]!.tooltip,
      (tooltip) => tooltip === 'Imputation Desktop: 3 jobs waiting or running',
      10_000,
      'the tray to count the new job',
    );

    // Open from the tray: a new window, with its own preload.
    fake.trays[0]!.emit('click');
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.visible).toBe(true);
    expect(fake.allWindows).toHaveLength(2);
  });

  it('a notification clicked with the window closed opens one and navigates once it has loaded', async () => {
    const { fake } = run;
    fake.windows[0]!.close();
    const server = (await run.api().servers.list())[0]!;
    const [next] = emulator.control.seedJobs(1, { user: emulator.username, states: [2] });
    await run.api().jobs.list({ refresh: true });
    const before = fake.notifications.length;
    await run.api().jobs.cancel({ serverId: server.id, jobId: next! });
    const notification = await until(
      () => fake.notifications[before],
      (found) => found !== undefined,
    );
    notification!.emit('click');
    const window = fake.windows[0]!;
    expect(window.visible).toBe(true);
    expect(window.webContents.sent.find((message) => message.channel === 'app:navigate')?.payload).toEqual({ route: 'jobs', param: `${server.id}/${next}` });
  });

  it('a second copy of the app brings this window back', () => {
    const { fake } = run;
    const window = fake.windows[0]!;
    window.minimize();
    const focused = window.focusCalls;
    fake.app.emit('second-instance', fakeEvent(), ['imputation-desktop'], run.userDataDir, {});
    expect(window.isMinimized()).toBe(false);
    expect(window.focusCalls).toBe(focused + 1);
    window.close();
    fake.app.emit('second-instance', fakeEvent(), ['imputation-desktop'], run.userDataDir, {});
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.visible).toBe(true);
  });

  it('offline and back online reach the services: they wait, then catch up at once', async () => {
    const { fake } = run;
    const contents = fake.windows[0]!.webContents;
    const sentBefore = contents.sent.length;
    fake.netState.online = false;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    // asleep and awake while offline: the watcher stays paused for the network
    fake.powerMonitor.emit('suspend');
    fake.powerMonitor.emit('resume');
    fake.netState.online = true;
    vi.advanceTimersByTime(NETWORK_POLL_MS);
    const caughtUp = await until(
      () => contents.sent.slice(sentBefore).map((message) => message.channel),
      (channels) => channels.includes('jobs:listChanged') && channels.includes('servers:changed'),
      10_000,
      'the services to catch up',
    );
    expect(caughtUp).toContain('servers:changed');
  });

  it('quits only once the services have closed', async () => {
    const { fake } = run;
    fake.app.quit();
    expect(fake.app.quitted).toBe(false); // held back while the services close
    await until(
      () => fake.app.quitted,
      (quitted) => quitted,
      10_000,
      'the quit',
    );
    expect(fake.trays[0]!.destroyed).toBe(true);
    expect(run.errors).toEqual([]);
  });
});

describe('the packaged app', () => {
  it('has no DevTools and no reload, and Help opens the servers’ documentation', async () => {
    const packaged = await startMain({ isPackaged: true });
    try {
      // launched twice while starting: the window waits for the services
      packaged.fake.app.emit('second-instance', fakeEvent(), ['imputation-desktop'], packaged.userDataDir, {});
      expect(packaged.fake.allWindows).toHaveLength(0);
      packaged.fake.app.emitReady();
      await packaged.whenShown();
      expect(packaged.fake.allWindows).toHaveLength(1);
      expect(packaged.fake.windows[0]!.options.webPreferences!.devTools).toBe(false);
      const menu = packaged.fake.menus.application!;
      const roles = JSON.stringify(menu, (key, value: unknown) => (key === 'click' ? undefined : value));
      expect(roles).not.toMatch(/toggleDevTools|"reload"|forceReload/i);
      for (const role of ['fileMenu', 'editMenu', 'windowMenu', 'help']) expect(roles).toContain(`"${role}"`);
      const help = menu.find((item) => item.role === 'help')!.submenu as Array<{ label: string; click: () => void }>;
      for (const item of help) item.click();
      await until(
        () => packaged.fake.opened,
        (opened) => opened.length === 2,
      );
      expect(packaged.fake.opened).toEqual(['https://topmedimpute.readthedocs.io/', 'https://imputationserver.readthedocs.io/']);
    } finally {
      await packaged.stop();
    }
  });
});

describe('a second copy of the app', () => {
  it('hands over to the first and quits without starting anything', async () => {
    const second = await startMain({ singleInstanceLock: false });
    try {
      expect(second.fake.app.quitCalls).toBe(1);
      second.fake.app.emitReady();
      await new Promise((resolve) => setImmediate(resolve));
      expect(second.fake.schemes).toEqual([]);
      expect(second.fake.handlers.size).toBe(0);
      expect(second.fake.allWindows).toHaveLength(0);
      expect(second.fake.app.listenerCount('second-instance')).toBe(0);
    } finally {
      await second.stop();
    }
  });
});
