import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeResultServer, type FakeResultServer } from './support/fake-result-server';
import { managerFixture, record, resultFile, settled, waitForItem, type ManagerFixture } from './support/manager-helpers';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

let fx: ManagerFixture;
let server: FakeResultServer;

beforeEach(async () => {
  fx = await managerFixture();
});
afterEach(async () => {
  await fx.cleanup();
  await server?.close();
});

const fileOf = (name: string, data: Buffer, credits = 10) => resultFile(server, name, data, credits);

describe('DownloadManager', () => {
  it('downloads a selection with at most `concurrency` transfers at a time, into subfolders', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open({ concurrency: 2 });
    let running = 0;
    let maxRunning = 0;
    manager.subscribe(() => {
      running = manager.list().filter((item) => item.state === 'running').length;
      maxRunning = Math.max(maxRunning, running);
    });
    const payloads = [0, 1, 2, 3, 4].map(() => randomBytes(400_000));
    const files = payloads.map((data, i) => fileOf(i === 4 ? 'statistics/chunks-excluded.txt' : `chr_${i + 1}.zip`, data));
    const events = record(manager);
    const items = await manager.enqueue(files, { destDir: fx.destDir });
    for (const item of items) expect((await waitForItem(manager, item.id, settled)).state).toBe('completed');
    expect(maxRunning).toBeLessThanOrEqual(2);
    expect(maxRunning).toBeGreaterThan(0);
    for (const [i, file] of files.entries()) {
      expect(sha256(await fs.readFile(path.join(fx.destDir, ...file.name.split('/'))))).toBe(sha256(payloads[i]));
      expect(server.shareRequests.get(file.hash)).toBe(1);
    }
    expect(manager.list().every((item) => item.creditsLeft === 9 && item.creditsSpent === 1)).toBe(true);
    expect(events.filter((event) => event.type === 'job-done')).toEqual([
      { type: 'job-done', serverId: 'demo', jobId: 'job-20250101-000000-000', destDir: fx.destDir, completed: 5, failed: 0, canceled: 0 },
    ]);
  });

  it('retries a broken local-mode transfer by itself while more than 2 credits remain, and reports the lost credit', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open();
    const data = randomBytes(1_000_000);
    const file = fileOf('chr_20.zip', data, 10);
    server.dropNextAfter(600_000);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    const done = await waitForItem(manager, item.id, settled);
    expect(done.state).toBe('completed');
    expect(done.creditsSpent).toBe(2);
    expect(done.creditsLeft).toBe(8);
    expect(done.retries).toHaveLength(1);
    expect(done.retries[0].creditLost).toBe(true);
    expect(done.retries[0].reason).toMatch(/interrupted/);
    expect(server.shareRequests.get(file.hash)).toBe(2);
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_20.zip')))).toBe(sha256(data));
  });

  it('asks before a retry that would spend one of the last 2 credits', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open();
    const data = randomBytes(500_000);
    const file = fileOf('chr_21.zip', data, 3);
    server.dropNextAfter(300_000);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    const waiting = await waitForItem(manager, item.id, settled);
    expect(waiting.state).toBe('needs-confirmation');
    expect(waiting.creditsLeft).toBe(2);
    expect(waiting.error?.code).toBe('interrupted');
    expect(waiting.error?.message).toMatch(/one of the 2 downloads left/);
    expect(server.shareRequests.get(file.hash)).toBe(1);

    // A plain resume still asks; an explicit yes spends the credit.
    expect(manager.resume(item.id)?.state).toBe('needs-confirmation');
    manager.resume(item.id, { spendCredit: true });
    const done = await waitForItem(manager, item.id, (view) => view.state === 'completed');
    expect(done.creditsLeft).toBe(1);
    expect(server.shareRequests.get(file.hash)).toBe(2);
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_21.zip')))).toBe(sha256(data));
  });

  it('honours a changed threshold setting', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open({ autoRetryCreditThreshold: 9 });
    const file = fileOf('chr_22.zip', randomBytes(200_000), 10);
    server.dropNextAfter(100_000);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    expect((await waitForItem(manager, item.id, settled)).state).toBe('needs-confirmation');
  });

  it('resumes a broken S3 transfer for free', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const manager = await fx.open();
    const data = randomBytes(1_000_000);
    const file = fileOf('chr_1.zip', data, 3);
    server.dropNextAfter(600_000);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    const done = await waitForItem(manager, item.id, settled);
    expect(done.state).toBe('completed');
    expect(done.creditsSpent).toBe(1);
    expect(done.retries).toEqual([expect.objectContaining({ creditLost: false })]);
    expect(server.shareRequests.get(file.hash)).toBe(1);
    expect(server.s3Requests.map((request) => request.range)).toEqual([undefined, 'bytes=600000-']);
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_1.zip')))).toBe(sha256(data));
  });

  it('stops at an exhausted credit counter with the message and no file', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open();
    const file = fileOf('chr_2.zip', randomBytes(10_000), 0);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    const done = await waitForItem(manager, item.id, settled);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('credits-exhausted');
    expect(done.error?.serverMessage).toBe('number of max downloads exceeded.');
    expect(done.creditsLeft).toBe(0);
    await expect(fs.readdir(fx.destDir)).resolves.toEqual([]);
  });

  it('refuses traversal and reserved names without a request', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open();
    const bad = ['../evil.sh', '/etc/passwd', 'C:/x.txt', 'statistics/../../x', 'aux.txt', 'a\u0000b'];
    const items = await manager.enqueue(
      bad.map((name) => fileOf(name, Buffer.from('x'))),
      { destDir: fx.destDir },
    );
    for (const item of items) {
      expect(item.state).toBe('failed');
      expect(item.error?.code).toBe('unsafe-name');
      expect(item.path).toBeNull();
    }
    expect([...server.shareRequests.values()].reduce((a, b) => a + b, 0)).toBe(0);
    await expect(fs.readdir(path.dirname(fx.destDir))).rejects.toThrow();
  });

  it('does not download a file again that is already complete on disk (also after a restart)', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const first = await fx.open();
    const file = fileOf('qc_report.txt', randomBytes(50_000));
    const [item] = await first.enqueue([file], { destDir: fx.destDir });
    await waitForItem(first, item.id, (view) => view.state === 'completed');
    await first.close();

    const second = await fx.open();
    const [again] = await second.enqueue([file], { destDir: fx.destDir });
    expect(again.state).toBe('completed');
    expect(again.id).toBe(item.id); // the same row, not a second one
    expect(second.list()).toHaveLength(1);
    expect(server.shareRequests.get(file.hash)).toBe(1);

    // A file changed or removed on disk is fetched again.
    await fs.rm(path.join(fx.destDir, 'qc_report.txt'));
    const [third] = await second.enqueue([file], { destDir: fx.destDir });
    expect((await waitForItem(second, third.id, settled)).state).toBe('completed');
    expect(server.shareRequests.get(file.hash)).toBe(2);
  });

  it('checks free disk space before starting', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open({ freeSpace: async () => 10 * 1024 * 1024 });
    const file = { ...fileOf('chr_3.zip', randomBytes(1000)), sizeLabel: '314 MB' };
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    const done = await waitForItem(manager, item.id, settled);
    expect(done.state).toBe('failed');
    expect(done.error?.code).toBe('disk-full');
    expect(done.error?.message).toMatch(/329 MB needed, 10.5 MB free/);
    expect(server.shareRequests.get(file.hash) ?? 0).toBe(0);
  });

  it('verifies a file against its .md5 companion from the job', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open();
    const good = randomBytes(100_000);
    const bad = randomBytes(100_000);
    const zip1 = fileOf('chr_1.zip', good);
    const md51 = fileOf('chr_1.zip.md5', Buffer.from(`${md5(good)}  chr_1.zip\n`));
    const zip2 = fileOf('chr_2.zip', bad);
    const md52 = fileOf('chr_2.zip.md5', Buffer.from(`${md5(good)}  chr_2.zip\n`));
    const items = await manager.enqueue([zip1, zip2], { destDir: fx.destDir, jobFiles: [zip1, md51, zip2, md52] });
    expect(items.map((item) => item.name).sort()).toEqual(['chr_1.zip', 'chr_1.zip.md5', 'chr_2.zip', 'chr_2.zip.md5']);
    const byName = (name: string) => items.find((item) => item.name === name)!.id;
    const ok = await waitForItem(manager, byName('chr_1.zip'), (view) => view.state === 'completed' && view.checksum !== 'pending');
    expect(ok.checksum).toBe('ok');
    const broken = await waitForItem(manager, byName('chr_2.zip'), (view) => view.state === 'failed');
    expect(broken.checksum).toBe('mismatch');
    expect(broken.error?.code).toBe('checksum-mismatch');
    await expect(fs.stat(path.join(fx.destDir, 'chr_2.zip'))).rejects.toThrow();
  });

  it('pauses and resumes (S3: continues with Range), and the queue survives a restart', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(800_000);
    const file = fileOf('chr_9.zip', data);
    server.holdNextAfter(300_000);
    const first = await fx.open({ progressIntervalMs: 0 });
    const [item] = await first.enqueue([file], { destDir: fx.destDir });
    await waitForItem(first, item.id, (view) => view.receivedBytes >= 300_000);
    first.pause(item.id);
    const paused = await waitForItem(first, item.id, (view) => view.state === 'paused');
    expect(paused.resumeIsFree).toBe(true);
    await first.close();
    expect((await fs.stat(path.join(fx.destDir, 'chr_9.zip.part'))).size).toBe(300_000);

    const second = await fx.open();
    expect(second.get(item.id)?.state).toBe('paused');
    second.resume(item.id);
    const done = await waitForItem(second, item.id, settled);
    expect(done.state).toBe('completed');
    expect(server.shareRequests.get(file.hash)).toBe(1);
    expect(server.s3Requests.at(-1)?.range).toBe('bytes=300000-');
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_9.zip')))).toBe(sha256(data));
  });

  it('local mode: resuming after a pause starts over, spends a credit and says so', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(600_000);
    const file = fileOf('chr_13.zip', data, 10);
    server.holdNextAfter(200_000);
    const manager = await fx.open({ progressIntervalMs: 0 });
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    await waitForItem(manager, item.id, (view) => view.receivedBytes >= 200_000);
    manager.pause(item.id);
    const paused = await waitForItem(manager, item.id, (view) => view.state === 'paused');
    expect(paused.resumeIsFree).toBe(false);
    manager.resume(item.id);
    const done = await waitForItem(manager, item.id, (view) => view.state === 'completed');
    expect(done.resumedFromBytes).toBe(0);
    expect(done.creditsSpent).toBe(2);
    expect(done.retries).toEqual([expect.objectContaining({ creditLost: true })]);
    expect(server.shareRequests.get(file.hash)).toBe(2);
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_13.zip')))).toBe(sha256(data));
  });

  it('continues a transfer cut by closing the app when it opens again', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const data = randomBytes(600_000);
    const file = fileOf('chr_10.zip', data);
    server.holdNextAfter(200_000);
    const first = await fx.open({ progressIntervalMs: 0 });
    const [item] = await first.enqueue([file], { destDir: fx.destDir });
    await waitForItem(first, item.id, (view) => view.receivedBytes >= 200_000);
    await first.close();
    const second = await fx.open();
    const done = await waitForItem(second, item.id, settled);
    expect(done.state).toBe('completed');
    expect(server.shareRequests.get(file.hash)).toBe(1);
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_10.zip')))).toBe(sha256(data));
  });

  it('cancel stops the transfer and deletes the partial file', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const file = fileOf('chr_11.zip', randomBytes(500_000));
    server.holdNextAfter(100_000);
    const manager = await fx.open({ progressIntervalMs: 0 });
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    await waitForItem(manager, item.id, (view) => view.receivedBytes >= 100_000);
    await manager.cancel(item.id);
    expect(manager.get(item.id)?.state).toBe('canceled');
    await expect(fs.readdir(fx.destDir)).resolves.toEqual([]);
  });

  it('emits progress at most once per interval per transfer, plus the final one', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const data = randomBytes(2_000_000);
    const throttled = await fx.open({ progressIntervalMs: 1e9 });
    const events = record(throttled);
    const [item] = await throttled.enqueue([fileOf('chr_12.zip', data)], { destDir: fx.destDir });
    await waitForItem(throttled, item.id, settled);
    const progress = events.filter((event) => event.type === 'progress');
    // The first chunk (the interval starts at 0) and the final one.
    expect(progress.length).toBeLessThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ id: item.id, receivedBytes: data.length });
    const total = events.filter((event) => event.type === 'total').at(-1);
    expect(total).toMatchObject({ receivedBytes: data.length, totalBytes: data.length });
  });

  it('starts nothing while offline, then runs the queue as soon as the network is back', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const manager = await fx.open();
    const data = randomBytes(300_000);
    const file = fileOf('chr_7.zip', data);
    manager.setOnline(false);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    expect(manager.get(item.id)?.state).toBe('queued'); // pump() starts transfers synchronously; offline it started none
    expect(server.shareRequests.get(file.hash)).toBeUndefined(); // no credit spent while offline
    // A file that has not started yet still counts in the totals.
    expect(manager.totals()).toMatchObject({ running: 0, queued: 1, receivedBytes: 0 });
    expect(manager.totals().totalBytes).toBeGreaterThan(250_000); // its size from the job's file list
    manager.setOnline(true);
    expect((await waitForItem(manager, item.id, settled)).state).toBe('completed');
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_7.zip')))).toBe(sha256(data));
  });

  it('continues a transfer that failed on the connection when the network is back, for free', async () => {
    server = await startFakeResultServer({ storage: 's3' });
    const manager = await fx.open({ maxFreeRetries: 0 });
    const data = randomBytes(800_000);
    const file = fileOf('chr_8.zip', data);
    server.dropNextAfter(500_000);
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    const failed = await waitForItem(manager, item.id, settled);
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('interrupted');
    manager.setOnline(false);
    manager.setOnline(true);
    const done = await waitForItem(manager, item.id, (view) => view.state === 'completed');
    expect(done.creditsSpent).toBe(1);
    expect(server.shareRequests.get(file.hash)).toBe(1);
    expect(server.s3Requests.at(-1)?.range).toBe('bytes=500000-');
    expect(sha256(await fs.readFile(path.join(fx.destDir, 'chr_8.zip')))).toBe(sha256(data));
  });

  it("ends the demo server's unfinished downloads at the next start (each run's demo server is new)", async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const first = await fx.open();
    first.setOnline(false);
    const file = fileOf('chr_9.zip', randomBytes(1000)); // serverId 'demo'
    const [item] = await first.enqueue([file], { destDir: fx.destDir });
    await first.close();

    const next = await fx.open({ freshEachRun: ['demo'] });
    expect(next.get(item.id)).toMatchObject({ state: 'failed', error: { code: 'not-found' } });
    expect(next.get(item.id)?.error?.message).toContain('the demo server starts afresh');
    expect(next.totals()).toMatchObject({ running: 0, queued: 0 }); // failed at open: nothing was started
  });
});
