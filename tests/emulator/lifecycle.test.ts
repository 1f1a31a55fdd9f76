/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobReader, ZipReader, Uint8ArrayWriter, configure } from '@zip.js/zip.js';
import { gunzipSync } from 'node:zlib';
import { startEmulator } from '../../electron/emulator/index';
import type { RunningEmulator } from '../../electron/emulator/index';
import { call, finished, fixtures, sleep, standardParts, submit, waitForJob } from './helpers';

configure({ useWebWorkers: false });

let fx: Awaited<ReturnType<typeof fixtures>>;
let chr20: Buffer;
let chr20hg38: Buffer;
beforeAll(async () => {
  fx = await fixtures();
  chr20 = await fx.vcf('chr20.vcf.gz', { chromosome: '20', samples: 25, variants: 300 });
  chr20hg38 = await fx.vcf('chr20-hg38.vcf.gz', { chromosome: 'chr20', samples: 25, variants: 300 });
});
afterAll(async () => {
  await fx.cleanup();
});

async function openZip(data: Buffer, password: string) {
  const reader = new ZipReader(new BlobReader(new Blob([new Uint8Array(data)])), { password });
  const entries = await reader.getEntries();
  const out: Record<string, { bytes: Uint8Array; zipCrypto: boolean; encrypted: boolean }> = {};
  for (const e of entries) {
    if (e.directory) continue;
    out[e.filename] = { bytes: await e.getData!(new Uint8ArrayWriter()), zipCrypto: e.zipCrypto, encrypted: e.encrypted };
  }
  await reader.close();
  return out;
}

describe('a successful imputation job (4)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({});
  });
  afterAll(async () => {
    await emu.close();
  });

  it('moves through 1/2/3 to 4 with live step shapes, progress messages and real outputs', async () => {
    const id = (await submit(emu, standardParts(chr20))).json().id;
    const seen = new Set<number>();
    let progressSeen = false;
    let liveChecked = false;
    const job = await waitForJob(emu, id, (j) => {
      seen.add(j.state);
      if (j.state === 2 && j.steps.length === 4) {
        liveChecked = true;
        expect(j.steps.map((s: any) => s.name)).toEqual(['Input Validation', 'Quality Control', 'Phasing and Imputation', 'Summary']);
        for (const s of j.steps) {
          expect(s.id).toBe(0);
          for (const m of s.logMessages) expect(m.time).toBe(0);
        }
        expect(j.outputParams[0]).toMatchObject({ name: 'output', files: [], tree: [], jobId: null, type: null, download: true, autoExport: false });
        const texts = j.steps[2].logMessages.map((m: any) => m.message).join('\n');
        if (/<b>(Imputation|Phasing with Eagle) \(\d+\/\d+\)<\/b><br><div class="progress"/.test(texts)) progressSeen = true;
      }
      return finished(j);
    });
    expect(job.state).toBe(4);
    expect(seen.has(2)).toBe(true);
    expect(liveChecked).toBe(true);
    expect(progressSeen).toBe(true);
    expect(job.positionInQueue).toBe(-1);
    expect(job.endTime).toBeGreaterThanOrEqual(job.startTime);
    expect(job.deletedOn).toBe(-1);
    for (const s of job.steps) {
      expect(s.id).toBeGreaterThan(0);
      for (const m of s.logMessages) {
        expect(m.time).toBeGreaterThan(0);
        expect(m.success).toBe(true);
      }
    }
    const [validation, qc, imputation, summary] = job.steps;
    expect(validation.logMessages[0].type).toBe(0);
    expect(validation.logMessages[0].message).toMatch(/^1 valid VCF file\(s\) found\.\nSamples: 25\nChromosomes: 20\nSNPs: 300\n/);
    const qcTexts = qc.logMessages.map((m: any) => m.message);
    expect(qcTexts).toContain('Calculating QC Statistics');
    expect(qcTexts.some((t: string) => t.startsWith('<b>Statistics:</b>\nAlternative allele frequency > 0.5 sites: '))).toBe(true);
    expect(qcTexts.some((t: string) => t.startsWith('Excluded sites in total: '))).toBe(true);
    expect(qcTexts[qcTexts.length - 1]).toBe('Quality Control Report');
    for (const m of imputation.logMessages) expect(m.message).toMatch(/^<b>(Phasing with Eagle|Imputation) \((\d+)\/\2\)<\/b>/);
    const password = emu.control.getJob(id)!.password;
    expect(summary.logMessages.map((m: any) => m.message)).toContain(
      `Data have been exported successfully. We encrypted the results with the following password: <b>${password}</b>`,
    );

    const output = job.outputParams[0];
    expect(output.jobId).toBe(id);
    expect(output.hash).toMatch(/^[A-Za-z0-9]{40}$/);
    const names = output.files.map((f: any) => f.name);
    expect(names).toEqual(expect.arrayContaining(['chr_20.zip', 'qc_report.txt', 'statistics/snps-excluded.txt', 'statistics/chunks-excluded.txt']));
    for (const f of output.files) {
      expect(f.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(f.count).toBe(10);
      expect(f.size).toMatch(/^\d+ (bytes|KB|MB|GB)$/);
      expect(f).toMatchObject({ parameterId: 0, user: null });
      expect(f.path).toBe(`${id}/output/${f.name}`);
    }
    const folder = output.tree.find((t: any) => t.folder);
    expect(folder).toMatchObject({ name: 'statistics', path: '', hash: '', size: null });
    expect(folder.childs[0].path).toMatch(new RegExp(`^/browse/${output.hash}/statistics/`));

    const zip = output.files.find((f: any) => f.name === 'chr_20.zip');
    const download = await call(emu, 'GET', `/share/results/${zip.hash}/chr_20.zip`);
    expect(download.status).toBe(200);
    const entries = await openZip(download.body, password);
    expect(Object.keys(entries).sort()).toEqual(['chr20.dose.vcf.gz', 'chr20.info.gz']);
    expect(entries['chr20.dose.vcf.gz'].zipCrypto).toBe(true);
    expect(gunzipSync(entries['chr20.dose.vcf.gz'].bytes).toString('utf8')).toMatch(/^##fileformat=VCFv4/);
    await expect(openZip(download.body, 'wrong-password')).rejects.toThrow();
  });

  it('encrypts with AES-256 when aesEncryption is sent, with the submitted password', async () => {
    const id = (
      await submit(
        emu,
        standardParts(chr20, [
          { name: 'aesEncryption', value: 'true' },
          { name: 'password', value: 'Secret123' },
        ]),
      )
    ).json().id;
    const job = await waitForJob(emu, id, finished);
    expect(job.state).toBe(4);
    const zip = job.outputParams[0].files.find((f: any) => f.name === 'chr_20.zip');
    const entries = await openZip((await call(emu, 'GET', `/share/results/${zip.hash}/chr_20.zip`)).body, 'Secret123');
    expect(entries['chr20.dose.vcf.gz'].encrypted).toBe(true);
    expect(entries['chr20.dose.vcf.gz'].zipCrypto).toBe(false);
    // Mail is off: the Summary shows the password, the submitted one as well (main.nf onComplete).
    expect(job.steps[3].logMessages.map((m: any) => m.message)).toContain(
      'Data have been exported successfully. We encrypted the results with the following password: <b>Secret123</b>',
    );
  });

  it('qc_only: no zips, QC files only', async () => {
    const id = (
      await submit(
        emu,
        standardParts(chr20).map((p) => (p.name === 'mode' ? { name: 'mode', value: 'qc_only' } : p)),
      )
    ).json().id;
    const job = await waitForJob(emu, id, finished);
    expect(job.state).toBe(4);
    const names = job.outputParams[0].files.map((f: any) => f.name);
    expect(names.some((n: string) => n.endsWith('.zip'))).toBe(false);
    expect(names).toContain('qc_report.txt');
  });

  it('GET /logs/{id} is plain text', async () => {
    const id = (await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json().data[0].id;
    const r = await call(emu, 'GET', `/logs/${id}`, { token: emu.token });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.text.startsWith('job.txt:\n\n')).toBe(true);
  });
});

describe('input validation on the uploaded files (5.6)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ maxJobsPerUser: 10 });
  });
  afterAll(async () => {
    await emu.close();
  });

  async function failure(parts: Parameters<typeof submit>[1]) {
    const id = (await submit(emu, parts)).json().id;
    const job = await waitForJob(emu, id, finished);
    expect(job.state).toBe(5);
    const summary = job.steps[3].logMessages.map((m: any) => m.message);
    expect(summary).toEqual(['Pipeline execution failed.', 'Imputation job failed.']);
    return job.steps[0].logMessages.filter((m: any) => m.type === 1).map((m: any) => m.message);
  }

  it('a chr20 file under hg19 fails with the server message', async () => {
    expect(await failure(standardParts(chr20hg38))).toContain(
      "Your upload data contains chromosome 'chr20'. This is not a valid hg19 encoding. Please ensure that your input data is build hg19 and chromosome is encoded as '20'.",
    );
  });

  it('no .vcf.gz file, or a URL in files: main.nf stops before any step, the reason is in the Summary (5.6)', async () => {
    for (const parts of [
      standardParts(chr20, [], 'chr20.vcf'),
      [
        { name: 'refpanel', value: 'apps@hapmap-2@2.0.0' },
        { name: 'files', value: 'https://example.org/a.vcf.gz' },
      ],
    ]) {
      const job = await waitForJob(emu, (await submit(emu, parts)).json().id, finished);
      expect(job.state).toBe(5);
      expect(job.steps[0]).toMatchObject({ name: 'Input Validation', empty: true, logMessages: [] });
      expect(job.steps[3].logMessages.map((m: any) => [m.type, m.message])).toEqual([
        [1, 'Pipeline execution failed.'],
        [1, 'No vcf.gz input files detected.'],
        [1, 'Imputation job failed.'],
      ]);
    }
  });

  it('a population the panel does not have', async () => {
    const parts = standardParts(chr20).map((p) => (p.name === 'population' ? { name: 'population', value: 'afr' } : p));
    expect(await failure(parts)).toEqual(["Population 'afr' is not supported by reference panel 'hapmap-2'.\nAvailable populations:\n - eur\n - off"]);
  });

  it('too few samples', async () => {
    const few = await fx.vcf('few.vcf.gz', { chromosome: '20', samples: 5 });
    expect(await failure(standardParts(few))).toContain('At least 20 samples must be uploaded.');
  });
});

describe('queue, cancel, restart, delete, retention (4.2, 4.3, 3.7-3.9)', () => {
  it('keeps a global queue with 0-based positionInQueue and starts the next job when a worker frees', async () => {
    const emu = await startEmulator({ workers: 1, maxJobsPerUser: 5 });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await submit(emu, standardParts(chr20))).json().id);
      const jobs = await Promise.all(ids.map(async (id) => (await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).json()));
      expect(jobs.map((j) => j.state)).toEqual([2, 1, 1]);
      expect(jobs.map((j) => j.positionInQueue)).toEqual([0, 0, 1]);
      expect(jobs[1].steps).toEqual([]);
      expect((await call(emu, 'GET', '/api/v2/server/counters')).json().queue.size).toBe(3);
      await waitForJob(emu, ids[0], finished);
      const second = (await call(emu, 'GET', `/api/v2/jobs/${ids[1]}`, { token: emu.token })).json();
      expect(second.state).not.toBe(1);
      const third = (await call(emu, 'GET', `/api/v2/jobs/${ids[2]}`, { token: emu.token })).json();
      expect(third.state === 1 ? third.positionInQueue : 0).toBe(0);
    } finally {
      await emu.close();
    }
  });

  it('cancel: waiting → 6 at once, running → 6, finished → 200 no-op', async () => {
    const emu = await startEmulator({ workers: 1, maxJobsPerUser: 5 });
    try {
      const running = (await submit(emu, standardParts(chr20))).json().id;
      const waiting = (await submit(emu, standardParts(chr20))).json().id;
      const c1 = await call(emu, 'GET', `/api/v2/jobs/${waiting}/cancel`, { token: emu.token });
      expect(c1.status).toBe(200);
      expect(c1.json().state).toBe(6);
      expect(c1.json().endTime).toBeGreaterThan(0);
      const c2 = (await call(emu, 'GET', `/api/v2/jobs/${running}/cancel`, { token: emu.token })).json();
      expect(c2.state).toBe(6);
      const summary = c2.steps[3].logMessages.map((m: any) => m.message);
      expect(summary).toContain('Pipeline execution canceled.');
      await sleep(20);
      const again = await call(emu, 'GET', `/api/v2/jobs/${running}/cancel`, { token: emu.token });
      expect(again.status).toBe(200);
      expect(again.json()).toMatchObject({ state: 6, endTime: c2.endTime, positionInQueue: -1 });
      const missing = await call(emu, 'GET', '/api/v2/jobs/job-20200101-000000-000/cancel', { token: emu.token });
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({ message: 'Job job-20200101-000000-000 not found.', success: false });
    } finally {
      await emu.close();
    }
  });

  it('restart only from DEAD (-1); the job keeps its id and runs again', async () => {
    const emu = await startEmulator({});
    try {
      const id = (await submit(emu, standardParts(chr20))).json().id;
      const notPending = await call(emu, 'GET', `/api/v2/jobs/${id}/restart`, { token: emu.token });
      expect(notPending.status).toBe(400);
      expect(notPending.json()).toEqual({ message: `Job ${id} is not pending.`, success: false });
      emu.control.simulateServerRestart();
      expect((await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).json().state).toBe(-1);
      const r = await call(emu, 'GET', `/api/v2/jobs/${id}/restart`, { token: emu.token });
      expect(r.status).toBe(200);
      expect(r.json()).toEqual({ success: true, message: 'Your job was successfully added to the job queue.', type: 0, time: 0 });
      const job = await waitForJob(emu, id, finished);
      expect(job.state).toBe(4);
    } finally {
      await emu.close();
    }
  });

  it('DELETE needs a login token; then state 10, 404 and gone from the list; files gone', async () => {
    const emu = await startEmulator({});
    try {
      const id = (await submit(emu, standardParts(chr20))).json().id;
      const job = await waitForJob(emu, id, finished);
      const file = job.outputParams[0].files[0];
      const api = await call(emu, 'DELETE', `/api/v2/jobs/${id}`, { token: emu.token });
      expect(api.status).toBe(403);
      expect(api.json().message).toBe('Forbidden');
      const login = emu.control.loginToken(emu.username);
      const del = await call(emu, 'DELETE', `/api/v2/jobs/${id}`, { token: login });
      expect(del.status).toBe(200);
      expect(del.json().state).toBe(10);
      expect((await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).status).toBe(404);
      expect((await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json().count).toBe(0);
      const dl = await call(emu, 'GET', `/share/results/${file.hash}/${file.name}`);
      expect(dl.status).toBe(404);
      expect(dl.json()).toEqual({ message: 'File not found in workspace.', success: false });
    } finally {
      await emu.close();
    }
  });

  it("someone else's job is 403 Access denied.", async () => {
    const emu = await startEmulator({});
    try {
      const other = emu.control.addUser({ username: 'mallory' });
      const id = (await submit(emu, [{ name: 'refpanel', value: 'none' }])).json().id;
      const r = await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: other.token });
      expect(r.status).toBe(403);
      expect(r.json()).toEqual({ message: 'Access denied.', success: false });
    } finally {
      await emu.close();
    }
  });

  it('4 → 8 after the notification days (deletedOn set), then 7 with files gone', async () => {
    const emu = await startEmulator({ retention: { notificationAfterDays: 5, retireAfterDays: 7 } });
    try {
      const id = (await submit(emu, standardParts(chr20))).json().id;
      const done = await waitForJob(emu, id, finished);
      const file = done.outputParams[0].files[0];
      emu.control.advanceClock(5 * 86_400_000);
      const notified = (await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).json();
      expect(notified.state).toBe(8);
      expect(notified.deletedOn).toBe(done.endTime + 7 * 86_400_000);
      emu.control.advanceClock(2 * 86_400_000);
      expect((await call(emu, 'GET', `/api/v2/jobs/${id}`, { token: emu.token })).json().state).toBe(7);
      const dl = await call(emu, 'GET', `/share/results/${file.hash}/${file.name}`);
      expect(dl.json()).toEqual({ message: 'File not found in workspace.', success: false });
      const failed = (await submit(emu, [{ name: 'refpanel', value: 'nope' }])).json().id;
      emu.control.advanceClock(5 * 86_400_000);
      expect((await call(emu, 'GET', `/api/v2/jobs/${failed}`, { token: emu.token })).json().state).toBe(9);
    } finally {
      await emu.close();
    }
  });

  it('the clock speed factor moves jobs on by itself', async () => {
    const emu = await startEmulator({ speed: 20_000 });
    try {
      const id = (await submit(emu, standardParts(chr20))).json().id;
      let job: any;
      for (let i = 0; i < 300; i++) {
        job = (await call(emu, 'GET', `/api/v2/jobs/${id}/status`, { token: emu.token })).json();
        if (finished(job)) break;
        await sleep(20);
      }
      expect(job.state).toBe(4);
    } finally {
      await emu.close();
    }
  });
});

describe('job list (3.5)', () => {
  it('pages by 15, newest first, with prev/next/pages and lightweight finished items', async () => {
    const emu = await startEmulator({});
    try {
      const empty = (await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json();
      expect(empty).toEqual({ count: 0, page: 0, pageSize: 0, prev: null, next: null, pages: [], data: [] });
      expect((await call(emu, 'GET', '/api/v2/jobs?page=1', { token: emu.token })).json()).toMatchObject({ page: 0, pageSize: 15, pages: [] });
      const ids = emu.control.seedJobs(100);
      const live = (await submit(emu, standardParts(chr20))).json().id;
      const all = (await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json();
      expect(all).toMatchObject({ count: 101, page: 1, pageSize: 101, prev: null, next: null, pages: [1] });
      expect(all.data[0].id).toBe(live);
      expect(all.data[1].id).toBe(ids[ids.length - 1]);
      expect(all.data[0].steps.length).toBeGreaterThanOrEqual(0);
      expect(all.data[0].username).toBe(emu.username);
      expect(all.data[1]).toMatchObject({ steps: [], outputParams: [], username: null, positionInQueue: -1 });
      const p1 = (await call(emu, 'GET', '/api/v2/jobs?page=1', { token: emu.token })).json();
      expect(p1).toMatchObject({ count: 101, page: 1, pageSize: 15, prev: null, next: 2, pages: [1, 2, 3, 4] });
      expect(p1.data).toHaveLength(15);
      const p5 = (await call(emu, 'GET', '/api/v2/jobs?page=5', { token: emu.token })).json();
      expect(p5).toMatchObject({ page: 5, prev: 4, next: 6, pages: [2, 3, 4, 5, 6, 7] });
      expect(p5.data[0].id).toBe(all.data[60].id);
      const last = (await call(emu, 'GET', '/api/v2/jobs?page=7', { token: emu.token })).json();
      expect(last).toMatchObject({ page: 7, prev: 6, next: null, pages: [4, 5, 6, 7] });
      expect(last.data).toHaveLength(11);
      const zero = (await call(emu, 'GET', '/api/v2/jobs?page=0', { token: emu.token })).json();
      expect(zero).toMatchObject({ page: 0, prev: null, next: 1 });
      expect(zero.data).toHaveLength(15);
      const bad = await call(emu, 'GET', '/api/v2/jobs?page=abc', { token: emu.token });
      expect(bad.status).toBe(400);
      expect(bad.json()._embedded).toBeDefined();
      const states = new Set(all.data.map((j: any) => j.state));
      for (const s of [-1, 4, 5, 6, 7, 8, 9]) expect(states.has(s)).toBe(true);
    } finally {
      await emu.close();
    }
  });
});
