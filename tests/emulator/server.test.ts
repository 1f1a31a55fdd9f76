/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../electron/emulator/index';
import type { RunningEmulator } from '../../electron/emulator/index';
import { call } from './helpers';

let michigan: RunningEmulator;
let topmed: RunningEmulator;
beforeAll(async () => {
  [michigan, topmed] = await Promise.all([startEmulator({ flavour: 'michigan' }), startEmulator({ flavour: 'topmed' })]);
});
afterAll(async () => {
  await Promise.all([michigan.close(), topmed.close()]);
});

describe('GET /api/v2/server (3.1)', () => {
  it('michigan: misspelled maintenace and user.name', async () => {
    const r = await call(michigan, 'GET', '/api/v2/server', { token: michigan.token });
    expect(r.status).toBe(200);
    const s = r.json();
    expect(s).toMatchObject({
      name: 'Michigan Imputation Server 2',
      loggedIn: true,
      maintenace: false,
      user: { username: 'alice', mail: 'alice@example.org', admin: false, name: 'Alice Example' },
      apps: [{ id: 'imputationserver2@2.0.12', name: 'Genotype Imputation', version: '2.0.12' }],
      deprecatedApps: [],
      experimentalApps: [],
    });
    expect(s).not.toHaveProperty('maintenance');
    expect(s).not.toHaveProperty('maintenaceMessage');
  });

  it('anonymous: no user, no apps, loggedIn false', async () => {
    const s = (await call(michigan, 'GET', '/api/v2/server')).json();
    expect(s.loggedIn).toBe(false);
    expect(s.apps).toEqual([]);
    expect(s).not.toHaveProperty('user');
    expect(s).not.toHaveProperty('deprecatedApps');
  });

  it('topmed: maintenance and user.fullName', async () => {
    const s = (await call(topmed, 'GET', '/api/v2/server', { token: topmed.token })).json();
    expect(s).toMatchObject({ name: 'TOPMed Imputation Server', maintenance: false, user: { username: 'alice', fullName: 'Alice Example' } });
    expect(s).not.toHaveProperty('maintenace');
    expect(s.apps[0].id).toBe('imputationserver2@2.0.10-statgen.2');
  });

  it('maintenance flags, 503 on job endpoints and app details; downloads keep working', async () => {
    const emu = await startEmulator({ flavour: 'michigan' });
    try {
      emu.control.setMaintenance(true, 'Back at 5 pm');
      const s = (await call(emu, 'GET', '/api/v2/server', { token: emu.token })).json();
      expect(s.maintenace).toBe(true);
      expect(s.maintenaceMessage).toBe('Back at 5 pm');
      for (const [method, path] of [
        ['GET', '/api/v2/jobs'],
        ['GET', '/api/v2/jobs/job-1'],
        ['GET', '/api/v2/jobs/job-1/status'],
        ['GET', '/api/v2/jobs/job-1/cancel'],
        ['GET', '/api/v2/jobs/job-1/restart'],
        ['GET', '/api/v2/server/apps/imputationserver2'],
      ]) {
        const r = await call(emu, method, path, { token: emu.token });
        expect(r.status, path).toBe(503);
        expect(r.json()).toEqual({ message: 'This functionality is currently under maintenance.', success: false });
      }
      expect((await call(emu, 'GET', '/share/results/unknown/x.zip')).status).toBe(404);
      emu.control.setMaintenance(false);
      expect((await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).status).toBe(200);
    } finally {
      await emu.close();
    }
    const t = await startEmulator({ flavour: 'topmed' });
    try {
      t.control.setMaintenance(true, 'Upgrade');
      const s = (await call(t, 'GET', '/api/v2/server')).json();
      expect(s).toMatchObject({ maintenance: true, maintenanceMessage: 'Upgrade' });
    } finally {
      await t.close();
    }
  });
});

describe('GET /api/v2/server/counters (3.2)', () => {
  it('is anonymous and has complete, queue.size, users', async () => {
    const r = await call(michigan, 'GET', '/api/v2/server/counters');
    expect(r.status).toBe(200);
    const c = r.json();
    expect(typeof c.complete.samples).toBe('number');
    expect(typeof c.complete.runs).toBe('number');
    expect(c.queue.size).toBe(0);
    expect(c.users).toBeGreaterThanOrEqual(1);
  });
});

describe('GET /api/v2/server/apps/{id} (3.3, docs/server-behaviour.md#form-inputs)', () => {
  it('is 401 anonymous even though the route is anonymous-capable', async () => {
    const r = await call(michigan, 'GET', '/api/v2/server/apps/imputationserver2');
    expect(r.status).toBe(401);
    expect(r.json()._embedded).toBeDefined();
  });

  it('michigan: header, nine panels in name order, populations, params', async () => {
    const r = await call(michigan, 'GET', '/api/v2/server/apps/imputationserver2', { token: michigan.token });
    expect(r.status).toBe(200);
    const app = r.json();
    expect(app).toMatchObject({
      id: 'imputationserver2',
      name: 'Genotype Imputation',
      version: '2.0.12',
      author: null,
      logo: null,
      footer: null,
      submitButton: 'Start Imputation',
      website: 'https://imputationserver.readthedocs.io',
      s3Workspace: false,
    });
    expect(app.description).toContain('encoded without prefix  (e.g.');
    expect(app.params.map((p: any) => p.id)).toEqual([
      'refpanel',
      'files',
      'build',
      'r2Filter',
      'phasing',
      'population',
      'mode',
      'aesEncryption',
      'meta',
      'myseparator',
      'check1',
      'check2',
    ]);
    for (const p of app.params) expect(p).toMatchObject({ visible: true, required: true, adminOnly: false });
    const byId = Object.fromEntries(app.params.map((p: any) => [p.id, p]));
    expect(byId.refpanel.values.map((v: any) => v.key)).toEqual([
      'apps@1000g-phase-1@2.0.0',
      'apps@1000g-phase3-low@1.0.0',
      'apps@1000g-phase3-deep@1.0.0',
      'apps@1000g-phase-3-v5@2.0.0',
      'apps@caapa@2.0.0',
      'apps@genome-asia-panel@1.0.0',
      'apps@hrc-r1.1@2.0.0',
      'apps@hapmap-2@2.0.0',
      'apps@samoan@2.0.0',
    ]);
    expect(byId.refpanel.values[7]).toEqual({ key: 'apps@hapmap-2@2.0.0', value: 'HapMap 2 (GRCh37/hg19)', label: null, values: null, enabled: false });
    expect(byId.population).toMatchObject({ type: 'binded_list', bind: 'refpanel', value: '' });
    const hapmap = byId.population.values.find((g: any) => g.key === 'apps@hapmap-2@2.0.0');
    expect(hapmap).toMatchObject({ label: 'HapMap 2 (GRCh37/hg19)', value: null, enabled: false });
    expect(hapmap.values).toEqual([
      { key: 'eur', value: 'EUR', label: null, values: null, enabled: false },
      { key: 'off', value: 'Off', label: null, values: null, enabled: false },
    ]);
    expect(byId.phasing.values.map((v: any) => [v.key, v.value])).toEqual([
      ['beagle', 'Beagle 5.4 (HRC and 1KG only)'],
      ['eagle', 'Eagle v2.4'],
      ['no_phasing', 'No phasing'],
    ]);
    expect(byId.files).toMatchObject({ type: 'local_folder', source: 'upload', value: '' });
    expect(byId.myseparator).not.toHaveProperty('description');
    expect(byId.aesEncryption.values.map((v: any) => v.key)).toEqual(['false', 'true']);
    expect(byId).not.toHaveProperty('password');
  });

  it('topmed: one panel, Eagle label, TOPMed populations', async () => {
    const app = (await call(topmed, 'GET', '/api/v2/server/apps/imputationserver2@2.0.10-statgen.2', { token: topmed.token })).json();
    const byId = Object.fromEntries(app.params.map((p: any) => [p.id, p]));
    expect(byId.refpanel.values).toEqual([{ key: 'apps@topmed-r3@1.0.0', value: 'TOPMed r3', label: null, values: null, enabled: false }]);
    expect(byId.phasing.values[1].value).toBe('Eagle v2.4 (phased output)');
    expect(byId.population.values[0].values.map((v: any) => [v.key, v.value])).toEqual([
      ['all', 'vs. TOPMed Panel'],
      ['off', 'Skip'],
    ]);
  });

  it('unknown app and data packages are 404 shape A', async () => {
    const r = await call(michigan, 'GET', '/api/v2/server/apps/nope', { token: michigan.token });
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ message: 'Application nope not found or the request requires user authentication.', success: false });
    const pkg = await call(michigan, 'GET', '/api/v2/server/apps/hapmap-2', { token: michigan.token });
    expect(pkg.json()).toEqual({ message: 'Application hapmap-2 is a data package.', success: false });
  });
});

describe('other routes', () => {
  it('URL imports are gone (400) and unknown API paths need auth first', async () => {
    const imp = await call(michigan, 'POST', '/api/v2/importer/files', { token: michigan.token });
    expect(imp.status).toBe(400);
    expect(imp.json().message).toBe('URL-based uploads are no longer supported. Please use direct file uploads instead.');
    expect((await call(michigan, 'GET', '/api/v2/nothing')).status).toBe(401);
    expect((await call(michigan, 'GET', '/api/v2/nothing', { token: michigan.token })).status).toBe(404);
    expect((await call(michigan, 'POST', '/api/v2/jobs/job-1/cancel', { token: michigan.token })).status).toBe(405);
    expect((await call(topmed, 'GET', '/health')).text).toBe('OK');
  });

  it('the control API exists only with faults: true', async () => {
    expect((await call(michigan, 'POST', '/__emulator/now', { body: '{}' })).status).toBe(404);
  });
});
