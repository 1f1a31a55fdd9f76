// What a download does when the app starts again, or when the same files are asked for again:
// no credit is spent without the policy's OK, no row appears twice.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeResultServer, type FakeResultServer } from './support/fake-result-server';
import { managerFixture, resultFile, settled, waitForItem, type ManagerFixture } from './support/manager-helpers';

let fx: ManagerFixture;
let server: FakeResultServer;

beforeEach(async () => {
  fx = await managerFixture();
});
afterEach(async () => {
  await fx.cleanup();
  await server?.close();
});

const fileOf = (name: string, data: Buffer, credits = 10) => resultFile(server, name, data, credits, 'lab');

/** A local-mode transfer cut off by closing the app, and the manager opened again. */
async function cutByShutdown(credits: number) {
  server = await startFakeResultServer({ storage: 'local' });
  const file = fileOf('chr_1.zip', randomBytes(600_000), credits);
  server.holdNextAfter(200_000);
  const first = await fx.open({ progressIntervalMs: 0 });
  const [item] = await first.enqueue([file], { destDir: fx.destDir });
  await waitForItem(first, item!.id, (view) => view.receivedBytes >= 200_000);
  await first.close();
  expect(server.shareRequests.get(file.hash)).toBe(1);
  return { file, id: item!.id };
}

describe('after a restart', () => {
  it('asks before restarting a local-mode transfer when 2 or fewer credits are left', async () => {
    const { file, id } = await cutByShutdown(3); // 3 at the start, 2 left after the cut attempt
    const second = await fx.open();
    const waiting = await waitForItem(second, id, settled);
    expect(waiting.state).toBe('needs-confirmation');
    expect(waiting.error?.message).toMatch(/spends one of the 2 downloads left/);
    expect(server.shareRequests.get(file.hash)).toBe(1);

    second.resume(id, { spendCredit: true });
    const done = await waitForItem(second, id, (view) => view.state === 'completed');
    expect(done.creditsSpent).toBe(2);
    expect(server.shareRequests.get(file.hash)).toBe(2);
  });

  it('restarts it by itself while more credits remain, and records the credit the cut cost', async () => {
    const { file, id } = await cutByShutdown(10);
    const second = await fx.open();
    const done = await waitForItem(second, id, (view) => view.state === 'completed');
    expect(done.retries).toEqual([expect.objectContaining({ creditLost: true, reason: expect.stringContaining('the app was closed') })]);
    expect(server.shareRequests.get(file.hash)).toBe(2);
  });
});

describe('asking for the same files again', () => {
  it('adds no second row for a file already on disk, and spends nothing', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const file = fileOf('chr_2.zip', randomBytes(50_000));
    const manager = await fx.open();
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    await waitForItem(manager, item!.id, (view) => view.state === 'completed');

    const again = await manager.enqueue([file], { destDir: fx.destDir });
    expect(again.map((view) => view.id)).toEqual([item!.id]);
    expect(manager.list()).toHaveLength(1);
    expect(server.shareRequests.get(file.hash)).toBe(1);
  });

  it('fetches a file again into the same row when it was deleted from disk', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const file = fileOf('chr_3.zip', randomBytes(50_000));
    const manager = await fx.open();
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    await waitForItem(manager, item!.id, (view) => view.state === 'completed');
    await fs.rm(path.join(fx.destDir, 'chr_3.zip'));

    const [again] = await manager.enqueue([file], { destDir: fx.destDir });
    expect(again!.id).toBe(item!.id);
    const done = await waitForItem(manager, item!.id, (view) => view.state === 'completed');
    expect(done.alreadyComplete).toBe(false);
    expect(manager.list()).toHaveLength(1);
    expect(server.shareRequests.get(file.hash)).toBe(2);
    await fs.stat(path.join(fx.destDir, 'chr_3.zip'));
  });

  it('starts a failed row again instead of adding one', async () => {
    server = await startFakeResultServer({ storage: 'local' });
    const file = fileOf('chr_4.zip', randomBytes(50_000));
    const manager = await fx.open({ freeSpace: async () => 0 });
    const [item] = await manager.enqueue([file], { destDir: fx.destDir });
    expect((await waitForItem(manager, item!.id, settled)).error?.code).toBe('disk-full');
    await manager.close();

    const roomy = await fx.open();
    const [again] = await roomy.enqueue([file], { destDir: fx.destDir });
    expect(again!.id).toBe(item!.id);
    await waitForItem(roomy, item!.id, (view) => view.state === 'completed');
    expect(roomy.list()).toHaveLength(1);
  });
});
