/* eslint-disable @typescript-eslint/no-explicit-any -- wire JSON is inspected loosely in assertions */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '../../electron/emulator/index';
import type { RunningEmulator } from '../../electron/emulator/index';
import { call } from './helpers';

/** A finished successful demo job and its files. */
async function successJob(emu: RunningEmulator) {
  const list = (await call(emu, 'GET', '/api/v2/jobs', { token: emu.token })).json();
  const item = list.data.find((j: any) => j.state === 4 && j.name.includes('chr20-22'));
  return (await call(emu, 'GET', `/api/v2/jobs/${item.id}`, { token: emu.token })).json();
}

describe('downloads, local storage (6.4)', () => {
  let emu: RunningEmulator;
  let job: any;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 'demo', downloadCredits: 3 });
    job = await successJob(emu);
  });
  afterAll(async () => {
    await emu.close();
  });

  it('streams chunked without Content-Length or Accept-Ranges, ignores Range, spends a credit per GET', async () => {
    const file = job.outputParams[0].files.find((f: any) => f.name === 'chr_20.zip');
    expect(file.count).toBe(3);
    const r = await call(emu, 'GET', `/share/results/${file.hash}/chr_20.zip`, { headers: { range: 'bytes=0-9' } });
    expect(r.status).toBe(200);
    expect(r.headers['content-length']).toBeUndefined();
    expect(r.headers['transfer-encoding']).toBe('chunked');
    expect(r.headers['accept-ranges']).toBeUndefined();
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.body.subarray(0, 2).toString('latin1')).toBe('PK');
    expect(r.body.length).toBeGreaterThan(10);
    expect(emu.control.downloadCount(file.hash)).toBe(2);
    // the filename segment is not checked
    expect((await call(emu, 'GET', `/share/results/${file.hash}/anything`)).status).toBe(200);
    expect(
      (await call(emu, 'GET', `/api/v2/jobs/${job.id}`, { token: emu.token })).json().outputParams[0].files.find((f: any) => f.hash === file.hash).count,
    ).toBe(1);
    expect((await call(emu, 'GET', `/downloads/${job.id}/${file.hash}/chr_20.zip`)).status).toBe(200);
    const none = await call(emu, 'GET', `/share/results/${file.hash}/chr_20.zip`);
    expect(none.status).toBe(400);
    expect(none.json()).toEqual({ message: 'number of max downloads exceeded.', success: false });
  });

  it('404 shapes for unknown hash, job and output hash', async () => {
    expect((await call(emu, 'GET', '/share/results/nope/x')).json()).toEqual({ message: 'download not found.', success: false });
    const job404 = await call(emu, 'GET', '/downloads/job-1/abc/x');
    expect(job404.status).toBe(404);
    expect(job404.json()).toEqual({ message: 'Job job-1 not found.', success: false });
    expect((await call(emu, 'GET', '/browse/nope/x.txt')).json()).toEqual({ message: 'Param for hash nope not found.', success: false });
  });

  it('/browse by output hash and relative name, and /get script', async () => {
    const output = job.outputParams[0];
    const b = await call(emu, 'GET', `/browse/${output.hash}/statistics/snps-excluded.txt`);
    expect(b.status).toBe(200);
    expect(b.text.split('\n')[0]).toBe('ID\tCHROM\tPOS\tREF\tALT\tINFO'); // imputationserver-utils ExcludedSnpsWriter
    const script = await call(emu, 'GET', `/get/${output.hash}`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('application/json');
    for (const f of output.files) expect(script.text).toContain(`curl -L ${emu.url}/share/results/${f.hash}/${f.name} -o ${f.name} --create-dirs`);
  });
});

describe('downloads, s3 storage', () => {
  let emu: RunningEmulator;
  let job: any;
  beforeAll(async () => {
    emu = await startEmulator({ seed: 'demo', storage: 's3' });
    job = await successJob(emu);
  });
  afterAll(async () => {
    await emu.close();
  });

  it('301 to a pre-signed loopback URL with Content-Length, Range and 206; credit spent only on /share', async () => {
    const file = job.outputParams[0].files.find((f: any) => f.name === 'chr_21.zip');
    expect(file.path).toMatch(/^s3:\/\//);
    const redirect = await call(emu, 'GET', `/share/results/${file.hash}/chr_21.zip`);
    expect(redirect.status).toBe(301);
    const location = String(redirect.headers.location);
    expect(location.startsWith(`${emu.url}/__s3/`)).toBe(true);
    expect(location).toContain('X-Amz-Expires=3600');
    expect(location).toContain('X-Amz-Signature=');
    expect(emu.control.downloadCount(file.hash)).toBe(9);
    const full = await call(location, 'GET', '');
    expect(full.status).toBe(200);
    expect(Number(full.headers['content-length'])).toBe(full.body.length);
    expect(full.headers['accept-ranges']).toBe('bytes');
    const part = await call(location, 'GET', '', { headers: { range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-19/${full.body.length}`);
    expect(part.body.equals(full.body.subarray(10, 20))).toBe(true);
    const tail = await call(location, 'GET', '', { headers: { range: `bytes=${full.body.length - 5}-` } });
    expect(tail.body.equals(full.body.subarray(full.body.length - 5))).toBe(true);
    expect((await call(location, 'GET', '', { headers: { range: `bytes=${full.body.length + 10}-` } })).status).toBe(416);
    expect(emu.control.downloadCount(file.hash)).toBe(9);
    const forged = location.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
    expect((await call(forged, 'GET', '')).status).toBe(403);
    emu.control.advanceClock(3601_000);
    const expired = await call(location, 'GET', '');
    expect(expired.status).toBe(403);
    expect(expired.text).toContain('<Code>AccessDenied</Code>');
  });
});
