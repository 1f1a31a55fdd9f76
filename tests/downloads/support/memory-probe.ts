// Runs in a child process for the memory test: downloads `url` to `out` with the app's
// runTransfer and reports the process's resident memory before and during the transfer. A child,
// so neither the test runner nor the server counts: only the downloader.
//   node --import tsx memory-probe.ts <warm-up url> <url> <out>
import { createHash } from 'node:crypto';
import { createReadStream, promises as fs } from 'node:fs';
import { runTransfer } from '../../../electron/services/downloads/transfer';

const [warmUpUrl, url, out] = process.argv.slice(2);
const rss = () => process.memoryUsage.rss();

// Warm-up: the same path once on a small answer (JIT, undici's parser, the first batches).
await runTransfer({ url: warmUpUrl, finalPath: `${out}.warm-up` });
await fs.rm(`${out}.warm-up`);
globalThis.gc?.();
await new Promise((resolve) => setTimeout(resolve, 100));
const baseline = rss();
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
const result = await runTransfer({ url, finalPath: out, onProgress: () => (peak = Math.max(peak, rss())) });
clearInterval(sampler);
peak = Math.max(peak, rss());

const hash = createHash('sha256');
for await (const chunk of createReadStream(out)) hash.update(chunk as Buffer);
console.log(JSON.stringify({ baseline, peak, bytes: result.bytes, sha256: hash.digest('hex') }));
