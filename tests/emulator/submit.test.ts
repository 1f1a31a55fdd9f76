import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../electron/emulator/index';
import type { RunningEmulator } from '../../electron/emulator/index';
import { call, fixtures, multipart, standardParts, submit } from './helpers';

let fx: Awaited<ReturnType<typeof fixtures>>;
let vcf: Buffer;
beforeAll(async () => {
  fx = await fixtures();
  vcf = await fx.vcf('chr20.vcf.gz', { chromosome: '20', samples: 25, variants: 300 });
});
afterAll(async () => {
  await fx.cleanup();
});

describe('POST /api/v2/jobs/submit/{app} (5)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ maxJobsPerUser: 50, workers: 1 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('answers 200 with the id; the job keeps the escaped name, user agent and app id', async () => {
    const r = await submit(emu, standardParts(vcf, [{ name: 'job-name', value: '<b>A&B</b> "é"' }]), { userAgent: 'emulator-test/1.0' });
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.success).toBe(true);
    expect(body.message).toBe('Your job was successfully added to the job queue.');
    expect(body.id).toMatch(/^job-\d{8}-\d{6}-\d{3}$/);
    const job = (await call(emu, 'GET', `/api/v2/jobs/${body.id}`, { token: emu.token })).json();
    expect(job.name).toBe('&lt;b&gt;A&amp;B&lt;/b&gt; &quot;&eacute;&quot;');
    expect(job.userAgent).toBe('emulator-test/1.0');
    expect(job.applicationId).toBe('imputationserver2');
    expect(job.application).toBe('Genotype Imputation 2.0.12');
    expect(job.username).toBe(emu.username);
    expect([1, 2]).toContain(job.state);
    const snapshot = emu.control.getJob(body.id)!;
    expect(snapshot.inputFiles).toHaveLength(1);
    expect((await stat(snapshot.inputFiles[0])).size).toBe(vcf.length); // streamed to disk intact
  });

  it('uses the job id as name when job-name is missing, and HTML-escapes the password', async () => {
    const r = await submit(emu, standardParts(vcf, [{ name: 'password', value: 'a<b>&"c' }]));
    const id = r.json().id;
    expect((await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).json().name).toBe(id);
    expect(emu.control.getJob(id)!.password).toBe('a&lt;b&gt;&amp;&quot;c');
  });

  it('rejects unknown fields with 400 "Parameter \'x\' not found." but strips input- and accepts terms', async () => {
    const bad = await submit(emu, standardParts(vcf, [{ name: 'files-source', value: 'upload' }]));
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ message: "Parameter 'files-source' not found.", success: false });
    const ok = await submit(emu, [
      // every `input-` goes, not only a leading one (5.2 rule 1)
      { name: 'input-input-refpanel', value: 'hapmap-2' },
      { name: 'check1', value: 'accepted' },
      { name: 'check2', value: 'accepted' },
      { name: 'popinput-ulation', value: 'eur' },
      { name: 'files', filename: 'a.vcf.gz', data: vcf },
    ]);
    expect(ok.status).toBe(200);
    expect(emu.control.getJob(ok.json().id)!.params).toMatchObject({ refpanel: 'hapmap-2', panel: 'hapmap-2@2.0.0', population: 'eur' });
  });

  it('a checkbox present means true, whatever its value; absent means false', async () => {
    const on = await submit(
      emu,
      standardParts(vcf, [
        { name: 'aesEncryption', value: 'false' },
        { name: 'meta', value: 'no' },
      ]),
    );
    expect(emu.control.getJob(on.json().id)!.params).toMatchObject({ aesEncryption: true, meta: true });
    const off = await submit(emu, standardParts(vcf));
    expect(emu.control.getJob(off.json().id)!.params).toMatchObject({ aesEncryption: false, meta: false });
  });

  it('an unknown refpanel still answers 200 and the job is already state 5', async () => {
    const r = await submit(
      emu,
      standardParts(vcf, [], 'x.vcf.gz').map((p) => (p.name === 'refpanel' ? { name: 'refpanel', value: 'apps@nope@1.0' } : p)),
    );
    expect(r.status).toBe(200);
    const job = (await call(emu, 'GET', `/api/v2/jobs/${r.json().id}`, { token: emu.token })).json();
    expect(job.state).toBe(5);
    expect(job.steps).toEqual([]);
    expect(job.endTime).toBeGreaterThan(0);
  });

  it('gives unique ids to submits landing in the same millisecond', async () => {
    const parts = [{ name: 'refpanel', value: 'unknown' }];
    const replies = await Promise.all(Array.from({ length: 6 }, () => submit(emu, parts)));
    const ids = replies.map((r) => r.json().id);
    expect(new Set(ids).size).toBe(6);
  });

  it('unknown app 404, non-multipart 415, no token 401', async () => {
    const app = await submit(emu, standardParts(vcf), { app: 'foo' });
    expect(app.status).toBe(404);
    expect(app.json()).toEqual({ message: "Application 'foo' not found.", success: false });
    const json = await call(emu, 'POST', '/api/v2/jobs/submit/imputationserver2', {
      token: emu.token,
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(json.status).toBe(415);
    expect(json.json()._links).toBeDefined();
    const { body, contentType } = multipart(standardParts(vcf));
    const anon = await call(emu, 'POST', '/api/v2/jobs/submit/imputationserver2', { body, headers: { 'content-type': contentType } });
    expect(anon.status).toBe(401);
  });
});

/** Sends half the body, waits for an answer (or `wait` ms), then the rest; tells when the answer came. */
async function slowSubmit(emu: RunningEmulator, token: string | null, wait = 300): Promise<{ status: number; body: string; answeredBeforeLastByte: boolean }> {
  const { body, contentType } = multipart(standardParts(vcf));
  const half = Math.floor(body.length / 2);
  let sentAll = false;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': contentType, 'content-length': String(body.length) };
    if (token) headers['x-auth-token'] = token;
    const req = httpRequest(`${emu.url}/api/v2/jobs/submit/imputationserver2`, { method: 'POST', headers }, (res) => {
      const answeredBeforeLastByte = !sentAll;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), answeredBeforeLastByte }));
      res.on('error', reject);
    });
    // After an early answer the server closes the connection: the rest may fail to send.
    req.on('error', () => undefined);
    req.write(body.subarray(0, half));
    setTimeout(() => {
      sentAll = true;
      req.end(body.subarray(half));
    }, wait);
  });
}

describe('submit order of checks (5.3, corrected 2026-12-01)', () => {
  it('a missing, garbage or expired token is refused with 401 before the body is read', async () => {
    const emu = await startEmulator({});
    try {
      const expired = emu.control.createApiToken(emu.username, { expiresInDays: 0 });
      for (const token of [null, 'not-a-token', expired]) {
        const r = await slowSubmit(emu, token, 2_000);
        expect(r.status).toBe(401);
        expect(r.answeredBeforeLastByte).toBe(true);
        expect(JSON.parse(r.body).message).toBe('Unauthorized');
      }
      expect((await call(emu, 'GET', '/api/v2/jobs', { token: emu.control.createApiToken(emu.username) })).json().count).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it('a revoked token (403), maintenance (503) and the job limit (400) only after the whole body', async () => {
    const emu = await startEmulator({ maxJobsPerUser: 1, workers: 1 });
    try {
      const replaced = emu.token;
      const current = emu.control.createApiToken(emu.username);
      const revoked = await slowSubmit(emu, replaced);
      expect(revoked).toMatchObject({ status: 403, answeredBeforeLastByte: false });
      emu.control.setMaintenance(true);
      const maintenance = await slowSubmit(emu, current);
      expect(maintenance).toMatchObject({ status: 503, answeredBeforeLastByte: false });
      emu.control.setMaintenance(false);
      expect((await submit(emu, standardParts(vcf), { token: current })).status).toBe(200);
      const limit = await slowSubmit(emu, current);
      expect(limit).toMatchObject({ status: 400, answeredBeforeLastByte: false });
      expect(JSON.parse(limit.body)).toEqual({ message: 'Only 1 jobs per user can be executed simultaneously.', success: false });
    } finally {
      await emu.close();
    }
  });

  it('inside the handler: the job limit first, then the app (404), then the fields', async () => {
    const emu = await startEmulator({ maxJobsPerUser: 1, workers: 1 });
    try {
      const badField = standardParts(vcf, [{ name: 'files-source', value: 'upload' }]);
      // unknown app and unknown field: the app wins
      expect((await submit(emu, badField, { app: 'foo' })).json()).toEqual({ message: "Application 'foo' not found.", success: false });
      expect((await submit(emu, standardParts(vcf))).status).toBe(200);
      // now over the limit: the limit wins over both
      expect((await submit(emu, badField, { app: 'foo' })).json()).toEqual({ message: 'Only 1 jobs per user can be executed simultaneously.', success: false });
    } finally {
      await emu.close();
    }
  });
});

describe('submit limits', () => {
  it('more live jobs than the per-user limit: 400 after the upload', async () => {
    const emu = await startEmulator({ maxJobsPerUser: 2, workers: 1 });
    try {
      expect((await submit(emu, standardParts(vcf))).status).toBe(200);
      expect((await submit(emu, standardParts(vcf))).status).toBe(200);
      const third = await submit(emu, standardParts(vcf));
      expect(third.status).toBe(400);
      expect(third.json()).toEqual({ message: 'Only 2 jobs per user can be executed simultaneously.', success: false });
    } finally {
      await emu.close();
    }
  });

  it('a body over the upload limit is 413 (shape B)', async () => {
    const emu = await startEmulator({ uploadLimitBytes: 1000 });
    try {
      const r = await submit(emu, standardParts(Buffer.alloc(5000, 1)));
      expect(r.status).toBe(413);
      expect(r.json().message).toBe('Request Entity Too Large');
      expect(r.json()._embedded.errors[0].message).toMatch(/exceeds the maximum allowed content length \[1000\]/);
      expect((await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json().count).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it('maintenance answers 503', async () => {
    const emu = await startEmulator({});
    try {
      emu.control.setMaintenance(true);
      const r = await submit(emu, standardParts(vcf));
      expect(r.status).toBe(503);
      expect(r.json()).toEqual({ message: 'This functionality is currently under maintenance.', success: false });
    } finally {
      await emu.close();
    }
  });
});
